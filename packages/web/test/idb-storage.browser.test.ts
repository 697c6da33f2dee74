// The IndexedDB vault storage and record back end, in Chromium: the checks of
// support/idb-checks.page.ts are bundled with esbuild and run in a page of the server's
// origin (IndexedDB needs a real origin). The context bypasses the CSP only so the test
// code can be injected; the app itself never needs that (web-client.browser.test.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium, UI_WAIT_MS } from './support/chromium.ts';
import { startWebServer, type WebServer } from './support/web-server.ts';

describe('IndexedDB storage in Chromium', () => {
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

  it('meets the record back end and vault storage contract, wipe included', { timeout: UI_WAIT_MS }, async () => {
    const bundled = await build({
      entryPoints: [fileURLToPath(new URL('./support/idb-checks.page.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const page = await context.newPage();
      await page.goto(web.url);
      await page.evaluate(bundled.outputFiles[0]!.text);
      const passed = await page.evaluate(() => Promise.race([(window as unknown as { __checks: Promise<string[]> }).__checks, new Promise<string[]>((_, reject) => setTimeout(() => reject(new Error('checks timed out')), 50_000))]));
      assert.equal(passed.length, 6, passed.join('\n'));
      for (const name of passed) console.log(`  checked: ${name}`);
    } finally {
      await context.close();
    }
  });
});
