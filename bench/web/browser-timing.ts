/**
 * Timings taken inside Chromium: time to interactive on a cold load, and send-to-display
 * between two browser users. Each page reports `performance.timeOrigin + performance.now()`
 * (both pages share the machine's clock), so no playwright polling delay is counted.
 */
import type { Browser, Page } from 'playwright-core';
import { openUser } from '../../packages/web/test/support/chromium.ts';
import { createAccount, newConversation, openConversation } from '../../packages/web/test/support/ui.ts';

/**
 * Cold load: a new context (empty cache, empty IndexedDB), navigation to the app, until the
 * first screen's first field is visible and enabled (the app has read its vault header and
 * rendered). Returns milliseconds since navigation start, as the page measured it.
 */
export async function coldLoadMs(browser: Browser, url: string): Promise<{ interactiveMs: number; domContentLoadedMs: number; mainThreadBusyMs: number; scriptMs: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // Main-thread busy time (CPU of the page's thread, from Chromium's own counters): a figure
    // that the machine's load inflates far less than wall time.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => {
      const input = document.querySelector('#username, #unlock-passcode') as HTMLInputElement | null;
      return input !== null && !input.disabled && input.offsetParent !== null;
    }, undefined, { polling: 'raf' });
    const interactiveMs = await page.evaluate(() => performance.now());
    const domContentLoadedMs = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    return { interactiveMs, domContentLoadedMs, mainThreadBusyMs: metric('TaskDuration'), scriptMs: metric('ScriptDuration') };
  } finally {
    await context.close();
  }
}

/** Records, in `page`, when each incoming text first appears (epoch ms, high resolution). */
async function watchIncoming(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { __seen: Record<string, number> }).__seen = seen;
    new MutationObserver(() => {
      const now = performance.timeOrigin + performance.now();
      for (const node of Array.from(document.querySelectorAll('.message.incoming .text'))) {
        const text = node.textContent ?? '';
        if (text.startsWith('bench-') && seen[text] === undefined) seen[text] = now;
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

/** Records, in `page`, when Enter is pressed in the composer (before the app handles it). */
async function watchSends(page: Page): Promise<void> {
  await page.evaluate(() => {
    const sent: number[] = [];
    (window as unknown as { __sent: number[] }).__sent = sent;
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) sent.push(performance.timeOrigin + performance.now());
    }, true);
  });
}

/**
 * Two browser users in one 1:1 conversation; `count` texts from the first, one at a time
 * (the next once the previous was displayed). Returns the send-to-display times in ms.
 */
export async function sendToDisplayMs(browser: Browser, url: string, count: number, waitMs: number): Promise<number[]> {
  const a = await openUser(browser, url);
  const b = await openUser(browser, url);
  try {
    await createAccount(a.page, 'benchsender', 'bench passcode a');
    await createAccount(b.page, 'benchreader', 'bench passcode b');
    const id = await newConversation(a.page, 'benchreader');
    const box = a.page.getByLabel('Message', { exact: true });
    await box.fill('warm-up');
    await box.press('Enter');
    await b.page.locator(`a[data-conversation="${id}"]`).waitFor({ timeout: waitMs });
    await openConversation(b.page, id);
    await b.page.locator('.message.incoming .text', { hasText: 'warm-up' }).waitFor({ timeout: waitMs });
    await watchIncoming(b.page);
    await watchSends(a.page);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const text = `bench-${i}`;
      await box.fill(text);
      await box.press('Enter');
      await b.page.waitForFunction((t) => (window as unknown as { __seen: Record<string, number> }).__seen[t] !== undefined, text, { timeout: waitMs, polling: 50 });
      const shownAt = await b.page.evaluate((t) => (window as unknown as { __seen: Record<string, number> }).__seen[t]!, text);
      const sentAt = await a.page.evaluate((n) => (window as unknown as { __sent: number[] }).__sent[n]!, i);
      times.push(shownAt - sentAt);
    }
    return times;
  } finally {
    await a.context.close();
    await b.context.close();
  }
}
