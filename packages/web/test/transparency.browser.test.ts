// Key transparency in the web client, in Chromium against a real server (short epochs):
// the contact's status in the log beside the safety number, our own account monitored
// (devices screen), and the alert an owner gets when a device she did not add on this
// device appears in her account (added from her other device).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openUser, screenshot, type WatchedPage } from './support/chromium.ts';
import { createAccount, linkNewDevice } from './support/ui.ts';
import { startWebServer, type WebServer } from './support/web-server.ts';

/** Presses "Check now" until `done` holds: at most this many times, a second apart. */
const MAX_CHECKS = 60;

async function checkUntil(page: Page, done: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < MAX_CHECKS; i++) {
    if (await done()) return;
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.waitForTimeout(1_000);
  }
  throw new Error(`not reached after ${MAX_CHECKS} checks: ${what}`);
}

describe('key transparency in the web client', () => {
  let web: WebServer;
  let browser: Browser;
  let alice: WatchedPage;
  let bob: WatchedPage;
  const others: WatchedPage[] = [];

  before(async () => {
    web = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('the safety-number screen shows the contact verified in the log', async () => {
    alice = await openUser(browser, web.url);
    await createAccount(alice.page, 'alice', 'alice passcode');
    bob = await openUser(browser, web.url);
    await createAccount(bob.page, 'bob', 'bob passcode');
    await alice.page.goto(`${web.url}#/safety/bob`);
    await alice.page.getByTestId('safety-digits').waitFor();
    const status = alice.page.locator('[data-testid="kt-status"][data-state="ok"]');
    await status.waitFor();
    assert.match(await status.innerText(), /bob's identity key and 1 device .* are in the public log/);
    await screenshot(alice.page, '17-safety-transparency');
  });

  it('a device added to the account from another device raises an alert on this one; its own link does not', async () => {
    await alice.page.getByRole('link', { name: 'Devices' }).click();
    const own = alice.page.getByTestId('kt-own-status');
    // Alice's account label is watched once the log shows her account.
    await checkUntil(alice.page, async () => (await own.getAttribute('data-state')) === 'ok' && !(await own.innerText()).includes('watched once'), 'alice monitored');

    const second = await openUser(browser, web.url);
    others.push(second);
    await linkNewDevice(second.page, alice.page, 'alice second passcode');
    await second.page.locator('.who', { hasText: 'alice' }).waitFor();
    // The list alice's first device published itself is never an alert, even once logged.
    await alice.page.getByRole('link', { name: 'Devices' }).click();
    await alice.page.locator('[aria-label="Devices of this account"] li').nth(1).waitFor();
    const firstSize = Number(/log size (\d+)/.exec(await own.innerText())?.[1] ?? '0');
    await checkUntil(alice.page, async () => Number(/log size (\d+)/.exec(await own.innerText())?.[1] ?? '0') > firstSize + 4, 'a few epochs later');
    assert.equal(await alice.page.getByRole('list', { name: 'Key-transparency alerts' }).count(), 0, 'no alert for our own link');

    // Now the second device links a third one: the first device did not publish that list.
    const third = await openUser(browser, web.url);
    others.push(third);
    await linkNewDevice(third.page, second.page, 'alice third passcode');
    await third.page.locator('.who', { hasText: 'alice' }).waitFor();
    const alert = alice.page.getByRole('list', { name: 'Key-transparency alerts' }).getByRole('alert');
    await checkUntil(alice.page, async () => (await alert.count()) > 0, 'alert on the first device');
    assert.match(await alert.first().innerText(), /A new device was added to your account at .*; was it you\?/);
    await screenshot(alice.page, '18-transparency-alert');
    assert.deepEqual([...alice.problems, ...bob.problems, ...others.flatMap((o) => o.problems)], []);
  });
});
