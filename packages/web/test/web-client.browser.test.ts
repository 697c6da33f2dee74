// The web client in Debian's Chromium against a real server process serving the built
// bundle: two browser users (separate contexts, so separate IndexedDB vaults) and a CLI
// user (real `sealed` processes); registration, 1:1 and group chat, replies, edits, deletes, lock/unlock, the
// wrong-passcode wipe; CSP and the printed bundle hash. Screenshots go to
// artifacts/screenshots (README, "Web client").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { sealed, SealedProcess, type Options } from '../../cli/test/support/sealed-process.ts';
import { launchChromium, openUser, screenshot, type WatchedPage } from './support/chromium.ts';
import { solidPng } from './support/png.ts';
import { createAccount, newConversation, openConversation, sendText, unlock } from './support/ui.ts';
import { startWebServer, type WebServer } from './support/web-server.ts';

/** One-shot `sealed group list` runs while carol's device catches up with a new group. */
const CLI_SYNC_ATTEMPTS = 10;

describe('web client in Chromium', () => {
  let web: WebServer;
  let browser: Browser;
  let alice: WatchedPage;
  let bob: WatchedPage;
  /** carol is the `sealed` CLI: her data directory and passcode (weak test Argon2id). */
  let carolHome = '';
  let carol: Options;
  let oneToOne = '';

  before(async () => {
    web = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    if (carolHome !== '') rmSync(carolHome, { recursive: true, force: true });
    await browser?.close();
    await web?.stop();
  });

  it('is served at / with a strict CSP, and the server printed the bundle hash', async () => {
    const response = await fetch(web.url);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'|https?:/);
    const html = await response.text();
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');
    assert.ok(web.server.output.some((line) => line.includes(`sha256: ${web.bundle.bundleSha256}`)), 'hash printed at start');
  });

  it('two browser users register (vault under a passcode, account on the relay)', async () => {
    alice = await openUser(browser, web.url);
    await alice.page.getByRole('heading', { name: 'Create your Sealed account' }).waitFor();
    await screenshot(alice.page, '01-create-account');
    await createAccount(alice.page, 'alice', 'alice passcode');
    bob = await openUser(browser, web.url);
    await createAccount(bob.page, 'bob', 'bob passcode');
    carolHome = mkdtempSync(join(tmpdir(), 'sealed-web-carol-'));
    carol = { home: carolHome, passcode: 'carol passcode' };
    const created = await sealed(['init', 'carol', '--server', web.server.baseUrl], carol);
    assert.equal(created.code, 0, created.stderr);
    await screenshot(alice.page, '02-empty-list');
  });

  it('1:1 chat: text both ways, unread count, reply, edit and delete', async () => {
    oneToOne = await newConversation(alice.page, 'bob');
    await sendText(alice.page, 'hello bob');
    const item = bob.page.locator(`a[data-conversation="${oneToOne}"]`);
    await item.locator('[data-testid="unread"]', { hasText: '1' }).waitFor();
    await screenshot(bob.page, '03-list-unread');
    await openConversation(bob.page, oneToOne);
    await bob.page.locator('.message.incoming .text', { hasText: 'hello bob' }).waitFor();
    assert.equal(await item.locator('[data-testid="unread"]').count(), 0, 'read once open');

    await bob.page.getByRole('button', { name: 'Reply to alice' }).click();
    await sendText(bob.page, 'hi alice, replying');
    const reply = alice.page.locator('.message.incoming', { hasText: 'hi alice, replying' });
    await reply.waitFor();
    assert.match(await reply.locator('.quote').innerText(), /hello bob/);

    await alice.page.locator('.message.outgoing', { hasText: 'hello bob' }).getByRole('button', { name: 'Edit' }).click();
    const box = alice.page.getByLabel('Message', { exact: true });
    await box.fill('hello bob (edited)');
    await box.press('Enter');
    await bob.page.locator('.message.incoming', { hasText: 'hello bob (edited)' }).locator('.meta', { hasText: 'edited' }).waitFor();

    await sendText(alice.page, 'to be deleted');
    await bob.page.locator('.message.incoming .text', { hasText: 'to be deleted' }).waitFor();
    await alice.page.locator('.message.outgoing', { hasText: 'to be deleted' }).getByRole('button', { name: 'Delete' }).click();
    await bob.page.locator('.message.incoming .deleted').waitFor();
    assert.equal(await bob.page.locator('.message .text', { hasText: 'to be deleted' }).count(), 0);

    const long = `${'a-very-long-word-without-spaces-'.repeat(30)} end`;
    await sendText(alice.page, long);
    await bob.page.locator('.message.incoming .text', { hasText: 'end' }).last().waitFor();
    for (const p of [alice.page, bob.page]) {
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px)`);
    }
    await screenshot(bob.page, '04-conversation');
  });

  it('link a second device: code and QR on the new device, approved on the first, same verification code; it joins the conversation', async () => {
    const second = await openUser(browser, web.url);
    try {
      await second.page.getByRole('button', { name: 'Link this device' }).click();
      await second.page.getByLabel('Passcode for this device').fill('alice second passcode');
      await second.page.getByLabel('Passcode again').fill('alice second passcode');
      await second.page.getByRole('button', { name: 'Show link code' }).click();
      const code = (await second.page.getByTestId('link-code').innerText()).trim();
      await second.page.getByRole('img', { name: 'QR code of the link code' }).waitFor();
      const shown = (await second.page.getByTestId('link-verification').innerText()).trim();
      await screenshot(second.page, '14-link-new-device');
      await alice.page.getByRole('link', { name: 'Devices' }).click();
      await alice.page.getByLabel('Code shown on the new device').fill(code);
      await alice.page.getByRole('button', { name: 'Link device' }).click();
      const result = await alice.page.getByTestId('link-result').innerText();
      assert.ok(result.includes(shown), `both devices show the verification code ${shown}: ${result}`);
      await second.page.locator('.who', { hasText: 'alice' }).waitFor();
      await alice.page.locator('[aria-label="Devices of this account"] li').nth(1).waitFor();
      await screenshot(alice.page, '15-devices');
      await second.page.locator(`a[data-conversation="${oneToOne}"]`).waitFor();
      await openConversation(bob.page, oneToOne);
      await sendText(bob.page, 'hello both of your devices');
      await openConversation(second.page, oneToOne);
      await second.page.locator('.message.incoming .text', { hasText: 'hello both of your devices' }).waitFor();
      await alice.page.locator(`a[data-conversation="${oneToOne}"]`).click();
      await alice.page.locator('.message.incoming .text', { hasText: 'hello both of your devices' }).waitFor();
      assert.deepEqual(second.problems, []);
    } finally {
      await second.context.close();
    }
  });

  it('attachments: an image previewed on the other side, a file downloaded with its exact bytes', async () => {
    await openConversation(alice.page, oneToOne);
    await openConversation(bob.page, oneToOne);
    await alice.page.getByLabel('Message', { exact: true }).fill('the view from here');
    await alice.page.getByLabel('Attach a file').setInputFiles({ name: 'view.png', mimeType: 'image/png', buffer: solidPng(64, 48, [200, 30, 30]) });
    const image = bob.page.locator('.message.incoming img.preview[alt="Image view.png"]');
    await image.waitFor();
    await bob.page.waitForFunction(() => {
      const img = document.querySelector('img.preview[alt="Image view.png"]') as HTMLImageElement | null;
      return img !== null && img.complete && img.naturalWidth === 64;
    });
    await bob.page.locator('.message.incoming .text', { hasText: 'the view from here' }).waitFor();

    const notes = `notes ${'0123456789'.repeat(20_000)} end`; // 200 KB: several chunks
    await alice.page.getByLabel('Attach a file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(notes) });
    const file = bob.page.locator('.message.incoming .attachment[data-attachment="notes.txt"]');
    await file.getByRole('button', { name: 'Download' }).click();
    const save = file.getByRole('link', { name: 'Save' });
    await save.waitFor();
    const [download] = await Promise.all([bob.page.waitForEvent('download'), save.click()]);
    assert.equal(download.suggestedFilename(), 'notes.txt');
    assert.equal(readFileSync((await download.path())!, 'utf8'), notes);
    await screenshot(bob.page, '13-attachments');
  });

  it('group with a CLI user: everyone reads everyone; members screen', async () => {
    // The CLI checks the two browser users in the key-transparency log (`sealed verify`).
    for (const name of ['alice', 'bob']) {
      const verified = await sealed(['verify', name], carol);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match(verified.stdout, /Key transparency: verified in the log/);
    }
    const group = await newConversation(alice.page, 'bob, carol');
    // carol's device learns of the group when it next connects: list until it is there.
    const short = group.slice(0, 8);
    for (let i = 0; ; i++) {
      const list = await sealed(['group', 'list'], carol);
      if (list.code === 0 && list.stdout.includes(short)) break;
      if (i >= CLI_SYNC_ATTEMPTS) throw new Error(`carol never saw the group: ${list.stdout} ${list.stderr}`);
    }
    const carolChat = await SealedProcess.start(['chat', short], carol);
    try {
      await carolChat.waitFor(/^Chat with /m, 'carol in the chat');
      await sendText(alice.page, 'hello group');
      await carolChat.waitFor(/alice: hello group/, 'carol receives in the group');
      carolChat.write('carol here');
      await alice.page.locator('.message.incoming .text', { hasText: 'carol here' }).waitFor();
      await openConversation(bob.page, group);
      await bob.page.locator('.message.incoming .text', { hasText: 'hello group' }).waitFor();
      await bob.page.locator('.message.incoming .text', { hasText: 'carol here' }).waitFor();
      await sendText(bob.page, 'bob in the group');
      await alice.page.locator('.message.incoming .text', { hasText: 'bob in the group' }).waitFor();
      await carolChat.waitFor(/bob: bob in the group/, 'carol receives bob');
      carolChat.write('/quit');
      assert.equal((await carolChat.result()).code, 0);
    } finally {
      carolChat.child.kill('SIGKILL');
    }
    await alice.page.getByRole('link', { name: /^Members/ }).click();
    await alice.page.getByRole('heading', { name: /^Members of/ }).waitFor();
    for (const name of ['alice (you)', 'bob', 'carol']) await alice.page.locator('.member-name', { hasText: name }).first().waitFor();
    await screenshot(alice.page, '05-group-members');
  });

  it('delivery and read state: sent, then read once the other side opened it', async () => {
    await openConversation(alice.page, oneToOne);
    await openConversation(bob.page, oneToOne);
    await sendText(alice.page, 'are you reading this?');
    const mark = alice.page.locator('.message.outgoing', { hasText: 'are you reading this?' }).locator('.status-mark');
    await bob.page.locator('.message.incoming .text', { hasText: 'are you reading this?' }).waitFor();
    await alice.page.locator('.message.outgoing', { hasText: 'are you reading this?' }).locator('.status-mark[data-status="read"]').waitFor();
    assert.match((await mark.getAttribute('aria-label')) ?? '', /Read by bob/);
  });

  it('safety numbers: the same 60 digits on both sides, QR shown, compare and verify', async () => {
    await alice.page.goto(`${web.url}#/safety/bob`);
    await bob.page.goto(`${web.url}#/safety/alice`);
    const digitsA = (await alice.page.getByTestId('safety-digits').innerText()).replace(/\s/g, '');
    const digitsB = (await bob.page.getByTestId('safety-digits').innerText()).replace(/\s/g, '');
    assert.match(digitsA, /^\d{60}$/);
    assert.equal(digitsA, digitsB, 'symmetric safety number');
    await alice.page.getByRole('img', { name: /QR code of the safety number/ }).waitFor();
    await alice.page.getByLabel(/Code from bob/).fill('SEALED:SN:1:' + '00'.repeat(64));
    await alice.page.getByRole('button', { name: 'Compare' }).click();
    await alice.page.getByTestId('compare-result').filter({ hasText: 'DO NOT match' }).waitFor();
    await screenshot(alice.page, '11-safety-number');
    await alice.page.getByRole('button', { name: 'Mark as verified' }).click();
    await alice.page.getByTestId('verified-state').filter({ hasText: 'bob is verified.' }).waitFor();
  });

  it('group name, disappearing timer and leave reach every member', async () => {
    const group = await newConversation(alice.page, 'bob');
    await alice.page.getByRole('link', { name: /^Members/ }).click();
    await alice.page.getByLabel('Group name').fill('Weekend plans with a rather long group name that must not break the layout');
    await alice.page.getByRole('button', { name: 'Rename' }).click();
    await bob.page.locator(`a[data-conversation="${group}"] .title`, { hasText: 'Weekend plans' }).waitFor();
    await alice.page.getByLabel('Disappearing messages').selectOption('3600');
    await openConversation(bob.page, group);
    await bob.page.getByLabel('Disappearing messages: 1 hour').waitFor();
    await screenshot(bob.page, '12-group-named-timer');
    await bob.page.getByRole('link', { name: /^Members/ }).click();
    await bob.page.getByRole('button', { name: 'Leave conversation' }).click();
    await bob.page.goto(`${web.url}#/c/${group}`);
    await bob.page.getByText('You are no longer in this conversation.').waitFor();
  });

  it('phone width: one pane at a time, no horizontal scrolling', async () => {
    await bob.page.setViewportSize({ width: 390, height: 800 });
    try {
      await phoneSteps();
    } finally {
      await bob.page.setViewportSize({ width: 1200, height: 800 });
    }
  });

  async function phoneSteps(): Promise<void> {
    // A reload locks (keys live in memory only): unlock again, on the list screen.
    await bob.page.evaluate(() => (location.hash = '#/'));
    await bob.page.reload();
    await bob.page.getByRole('heading', { name: 'Sealed is locked' }).waitFor({ timeout: 20_000 }).catch(async (error: unknown) => {
      await screenshot(bob.page, 'debug-after-reload');
      throw new Error(`after reload: ${(await bob.page.locator('body').innerText()).slice(0, 500)}; problems: ${bob.problems.join(' | ')}`, { cause: error });
    });
    await unlock(bob.page, 'bob passcode');
    await bob.page.locator('.who', { hasText: 'bob' }).waitFor();
    await screenshot(bob.page, '06-phone-list');
    await openConversation(bob.page, oneToOne);
    await bob.page.locator('.message .text', { hasText: 'hi alice, replying' }).waitFor();
    assert.equal(await bob.page.locator('.sidebar').isVisible(), false, 'list hidden while a conversation is open');
    const overflow = await bob.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow}px)`);
    await screenshot(bob.page, '07-phone-conversation');
  }

  it('lock, a wrong passcode counted, unlock with history restored from the encrypted store', async () => {
    await alice.page.getByRole('link', { name: 'Settings' }).click();
    await screenshot(alice.page, '08-settings');
    await alice.page.getByRole('button', { name: 'Lock now' }).click();
    await alice.page.getByRole('heading', { name: 'Sealed is locked' }).waitFor();
    await alice.page.locator('#attempts', { hasText: '10 of 10 attempts' }).waitFor();
    await unlock(alice.page, 'not the passcode');
    await alice.page.getByRole('alert').filter({ hasText: 'Wrong passcode' }).waitFor();
    await alice.page.locator('#attempts', { hasText: '9 of 10 attempts' }).waitFor();
    await screenshot(alice.page, '09-unlock-wrong');
    // Bob writes while Alice is locked: the relay keeps it until she unlocks.
    await openConversation(bob.page, oneToOne);
    await sendText(bob.page, 'while you were locked');
    await unlock(alice.page, 'alice passcode');
    await alice.page.locator('.who', { hasText: 'alice' }).waitFor();
    await openConversation(alice.page, oneToOne);
    await alice.page.locator('.message .text', { hasText: 'hello bob (edited)' }).waitFor();
    await alice.page.locator('.message.incoming .text', { hasText: 'while you were locked' }).waitFor();
  });

  it('change passcode, then the old one is refused and the new one works', async () => {
    await alice.page.getByRole('link', { name: 'Settings' }).click();
    await alice.page.getByLabel('Current passcode').fill('alice passcode');
    await alice.page.getByLabel('New passcode', { exact: true }).fill('alice new passcode');
    await alice.page.getByLabel('New passcode again').fill('alice new passcode');
    await alice.page.getByRole('button', { name: 'Change passcode' }).click();
    await alice.page.getByRole('status').filter({ hasText: 'Passcode changed.' }).first().waitFor();
    await alice.page.getByRole('button', { name: 'Lock now' }).click();
    // Locking is asynchronous (pending vault writes are flushed first): wait for its screen.
    await alice.page.getByRole('heading', { name: 'Sealed is locked' }).waitFor();
    await unlock(alice.page, 'alice passcode');
    await alice.page.getByRole('alert').filter({ hasText: 'Wrong passcode' }).waitFor();
    await unlock(alice.page, 'alice new passcode');
    await alice.page.locator('.who', { hasText: 'alice' }).waitFor();
  });

  it('ten wrong passcodes in a row erase the device', async () => {
    await bob.page.getByRole('button', { name: 'Lock' }).click();
    await bob.page.getByRole('heading', { name: 'Sealed is locked' }).waitFor();
    for (let i = 1; i <= 10; i++) {
      await unlock(bob.page, `wrong ${i}`);
      if (i < 10) await bob.page.locator('#attempts', { hasText: `${10 - i} of 10 attempts` }).waitFor();
    }
    await bob.page.getByRole('heading', { name: 'This device was erased' }).waitFor();
    await screenshot(bob.page, '10-wiped');
    const rows = await bob.page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('sealed-vault');
          open.onsuccess = () => {
            const count = open.result.transaction('records').objectStore('records').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    assert.equal(rows, 0, 'no encrypted record left after the wipe');
    await bob.page.getByRole('button', { name: 'Start again' }).click();
    await bob.page.getByRole('heading', { name: 'Create your Sealed account' }).waitFor();
  });

  it('no console errors and no CSP violations on any page', () => {
    assert.deepEqual([...alice.problems, ...bob.problems], []);
  });
});
