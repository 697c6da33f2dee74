// Start-up of the web client in Chromium: the first screen always replaces "Starting…"
// (even when the vault header is read before the app subscribed to the session), a reload
// reaches the lock screen every time, and a storage that does not answer gives an error
// screen with a retry instead of "Starting…" forever.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium, openUser, screenshot, type WatchedPage } from './support/chromium.ts';
import { createAccount, unlock } from './support/ui.ts';
import { startWebServer, type WebServer } from './support/web-server.ts';

/** Reloads in the loop test, and how often it unlocks in between. */
const RELOADS = 15;
const UNLOCK_EVERY = 5;

describe('web client start-up in Chromium', () => {
  let web: WebServer;
  let browser: Browser;
  before(async () => {
    web = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('leaves "Starting…" when the header is read before the app subscribed to the session', async () => {
    const bundled = await build({
      entryPoints: [fileURLToPath(new URL('./support/startup-race.page.tsx', import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      write: false,
      logLevel: 'silent',
    });
    // bypassCSP only so the test code can be injected (the app never needs it).
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const page = await context.newPage();
      await page.goto(web.url);
      await page.getByRole('heading', { name: 'Create your Sealed account' }).waitFor();
      await page.evaluate(bundled.outputFiles[0]!.text);
      await page.getByRole('heading', { name: 'Create your Sealed account' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.getByText('Starting…').count(), 0);
    } finally {
      await context.close();
    }
  });

  it('reaches the lock screen after every one of many reloads, locked or unlocked before', async () => {
    const user: WatchedPage = await openUser(browser, web.url);
    try {
      await createAccount(user.page, 'reloader', 'reloader passcode');
      const locked = user.page.getByRole('heading', { name: 'Sealed is locked' });
      for (let i = 1; i <= RELOADS; i++) {
        await user.page.reload();
        await locked.waitFor({ timeout: 20_000 }).catch((error: unknown) => {
          throw new Error(`reload ${i} of ${RELOADS} did not reach the lock screen`, { cause: error });
        });
        // Now and then unlock (Argon2id: a few seconds) so the next reload leaves an unlocked app.
        if (i % UNLOCK_EVERY === 0) {
          await unlock(user.page, 'reloader passcode');
          await user.page.locator('.who', { hasText: 'reloader' }).waitFor();
        }
      }
      assert.deepEqual(user.problems, []);
    } finally {
      await user.context.close();
    }
  });

  it('a storage held by another page gives an error screen with a retry, which works once it is released', async () => {
    const holder = await openUser(browser, web.url);
    try {
      await holder.page.getByRole('heading', { name: 'Create your Sealed account' }).waitFor();
      // Another page of the origin holds the vault database open and ignores "versionchange",
      // while an upgrade to version 2 waits for it: every later open queues behind that
      // upgrade and settles only once the holder lets go.
      await holder.page.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const hold = indexedDB.open('sealed-vault', 1);
            hold.onerror = () => reject(hold.error);
            hold.onsuccess = () => {
              (window as unknown as { __held: IDBDatabase }).__held = hold.result;
              const upgrade = indexedDB.open('sealed-vault', 2);
              // Once released, the upgrade is aborted: the vault stays at version 1.
              upgrade.onupgradeneeded = () => upgrade.transaction?.abort();
              upgrade.onerror = () => undefined;
              upgrade.onblocked = () => resolve();
            };
          }),
      );
      const page = await holder.context.newPage();
      await page.goto(web.url);
      await page.getByRole('heading', { name: 'Sealed could not start' }).waitFor({ timeout: 30_000 });
      assert.match(await page.getByRole('alert').innerText(), /did not answer|holding/);
      assert.equal(await page.getByText('Starting…').count(), 0);
      await screenshot(page, '16-start-failed');
      await holder.page.evaluate(() => (window as unknown as { __held: IDBDatabase }).__held.close());
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('heading', { name: 'Create your Sealed account' }).waitFor();
    } finally {
      await holder.context.close();
    }
  });

  it("gives way to another page's upgrade (closes on versionchange) and reopens the database on next use", async () => {
    const app = await openUser(browser, web.url);
    try {
      await app.page.getByRole('heading', { name: 'Create your Sealed account' }).waitFor();
      const other = await app.context.newPage();
      await other.goto('about:blank');
      await other.goto(web.url);
      await other.getByRole('heading', { name: 'Create your Sealed account' }).waitFor();
      // Both app pages hold the vault database open; an upgrade settles only if both let go.
      const outcome = await other.evaluate(
        () =>
          new Promise<string>((resolve) => {
            const upgrade = indexedDB.open('sealed-vault', 2);
            let blocked = false;
            upgrade.onblocked = () => (blocked = true);
            upgrade.onupgradeneeded = () => upgrade.transaction?.abort(); // keep version 1
            upgrade.onerror = () => resolve(blocked ? 'ran after being blocked' : 'ran');
            setTimeout(() => resolve('still blocked'), 10_000);
          }),
      );
      assert.match(outcome, /^ran/, 'the app pages closed their connections for the upgrade');
      // Both pages open the database again when they next need it.
      await createAccount(app.page, 'giveway', 'giveway passcode');
      await other.reload();
      await other.getByRole('heading', { name: 'Sealed is locked' }).waitFor();
      assert.deepEqual(app.problems, []);
    } finally {
      await app.context.close();
    }
  });
});
