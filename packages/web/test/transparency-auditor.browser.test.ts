// Key transparency in the web client with a real auditor (issue 6: "the client requires
// the server signature plus a configurable number of auditor signatures and a fresh
// checkpoint"), in Chromium: the server names one auditor and serves only checkpoints a
// real `sealed-auditor` process countersigned. Two web users reach each other and the
// safety-number screen shows the contact verified, countersigned by the auditor as
// required; then the auditor is killed, the served checkpoint stops advancing, and once it
// is older than the freshness bound alice chose at sign-up her client refuses it: the
// contact's status and her own account's check say the checkpoint is stale, a banner
// tells her, and a contact she had not verified before is not added (no "accept with
// warning").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type AuditorProcess, newAuditorKey, startAuditor } from './support/auditor-process.ts';
import { launchChromium, openUser, screenshot, type WatchedPage } from './support/chromium.ts';
import { createAccount, newConversation, openConversation, sendText } from './support/ui.ts';
import { startWebServer, type WebServer } from './support/web-server.ts';

/**
 * Alice's bound on a checkpoint's age: well above what a live auditor leaves between
 * countersignatures (server epochs of 500 ms, auditor polls of 100 ms), well below the
 * log's own bound (10 minutes), so the test waits this long once the auditor is gone.
 */
const MAX_AGE_SECONDS = 8;
/** Presses a check button at most this many times, a second apart (bounds the wait for staleness). */
const MAX_CHECKS = 3 * MAX_AGE_SECONDS;

/** Samples of alice's own status after sign-up, this far apart (at most about 20 s). */
const MAX_OWN_SAMPLES = 100;
const OWN_SAMPLE_MS = 200;

async function pressUntil(page: Page, button: string, done: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < MAX_CHECKS; i++) {
    if (await done()) return;
    await page.getByRole('button', { name: button }).click();
    await page.waitForTimeout(1_000);
  }
  throw new Error(`not reached after ${MAX_CHECKS} checks: ${what}`);
}

describe('key transparency in the web client with a real sealed-auditor', () => {
  let dir: string;
  let web: WebServer;
  let auditor: AuditorProcess;
  let browser: Browser;
  let alice: WatchedPage;
  let bob: WatchedPage;
  let carol: WatchedPage;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sealed-web-auditor-'));
    const key = newAuditorKey(dir);
    web = await startWebServer({ args: ['--kt-auditors', key.publicKeyHex] });
    auditor = startAuditor(web.server.baseUrl, join(dir, 'auditor'), key);
    browser = await launchChromium();
    await auditor.countersigned();
  });
  after(async () => {
    await browser?.close();
    await auditor?.kill();
    await web?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("two web users reach each other; the contact is verified, countersigned by the log's auditor as required", async () => {
    alice = await openUser(browser, web.url);
    // Her own account is not in the countersigned log until the auditor countersigns the
    // epoch that logged it (held back here): pending and checked again shortly, then
    // checked; never shown as a failure meanwhile.
    auditor.pause();
    try {
      await createAccount(alice.page, 'alice', 'alice passcode', MAX_AGE_SECONDS);
      await alice.page.getByRole('link', { name: 'Devices' }).click();
      await alice.page.locator('[data-testid="kt-own-status"][data-state="pending"]').waitFor();
    } finally {
      auditor.resume();
    }
    const own = alice.page.getByTestId('kt-own-status');
    const seen = new Set<string>();
    let watched = false;
    for (let i = 0; i < MAX_OWN_SAMPLES && !watched; i++) {
      const state = (await own.getAttribute('data-state')) ?? '';
      seen.add(state);
      // Both labels: the account label (device lists) is watched once the username label revealed it.
      watched = state === 'ok' && !(await own.innerText()).includes('watched once');
      await alice.page.waitForTimeout(OWN_SAMPLE_MS);
    }
    assert.ok(watched && !seen.has('failed'), `own status went through ${[...seen].join(', ')}`);

    // carol signs up now, while the log is countersigned; alice only contacts her later.
    [bob, carol] = await Promise.all(['bob', 'carol'].map(async (name) => {
      const user = await openUser(browser, web.url);
      await createAccount(user.page, name, `${name} passcode`);
      return user;
    })) as [WatchedPage, WatchedPage];

    const id = await newConversation(alice.page, 'bob');
    await sendText(alice.page, 'countersigned hello');
    await bob.page.locator(`a[data-conversation="${id}"]`).waitFor();
    await openConversation(bob.page, id);
    await bob.page.locator('.message .text', { hasText: 'countersigned hello' }).waitFor();
    await sendText(bob.page, 'countersigned reply');
    await alice.page.locator('.message .text', { hasText: 'countersigned reply' }).waitFor();

    await alice.page.goto(`${web.url}#/safety/bob`);
    const status = alice.page.locator('[data-testid="kt-status"][data-state="ok"]');
    await status.waitFor();
    assert.match(await status.innerText(), /bob's identity key and 1 device .* are in the public log \(.*; countersigned by its auditor as required; checkpoints older than 8 s are refused\)/);
    await screenshot(alice.page, '19-safety-auditor');
    assert.equal(await alice.page.getByRole('list', { name: 'Key-transparency alerts' }).count(), 0);
    assert.deepEqual([...alice.problems, ...bob.problems, ...carol.problems], []);
  });

  it('the auditor stops countersigning: once the checkpoint is older than her bound, alice is told and nothing new is trusted', async () => {
    await auditor.kill();
    // The contact's status: the same check that verified bob now refuses the stale checkpoint.
    const status = alice.page.getByTestId('kt-status');
    await pressUntil(alice.page, 'Check again', async () => (await status.getAttribute('data-state')) === 'failed', 'bob refused as stale');
    assert.match(await status.innerText(), /the log's latest checkpoint is too old for this device \(stale-checkpoint: latest entry is \d+ ms old \(client bound 8000\)\)/);
    assert.equal(await status.getByRole('alert').count(), 1, 'shown as an alert, not a status');
    await screenshot(alice.page, '20-safety-stale');

    // Her own account: the check fails with the reason, and the banner says why.
    await alice.page.getByRole('link', { name: 'Devices' }).click();
    const own = alice.page.getByTestId('kt-own-status');
    await pressUntil(alice.page, 'Check now', async () => (await own.innerText()).includes('stale-checkpoint'), 'own check refused as stale');
    assert.match(await own.innerText(), /failed at .*: stale-checkpoint: latest entry is \d+ ms old/);
    const banner = alice.page.getByRole('list', { name: 'Key-transparency alerts' }).locator('[data-kind="stale"]');
    await banner.waitFor();
    assert.match(await banner.innerText(), /latest checkpoint is older than this device accepts/);

    // A contact not verified before cannot be added: refused with the reason, nothing reaches her.
    await newConversation(alice.page, 'carol');
    await alice.page.locator('.notice', { hasText: "Not done: the key-transparency log's latest checkpoint is older than this device accepts (stale-checkpoint)" }).waitFor();
    await screenshot(alice.page, '21-contact-refused-stale');
    assert.equal(await carol.page.locator('a[data-conversation]').count(), 0);
    assert.deepEqual([...alice.problems, ...bob.problems, ...carol.problems], []);
  });
});
