/**
 * Debian's Chromium driven by playwright-core, for the browser tests and the web bench.
 * Never a downloaded browser: /usr/bin/chromium or a failure that says how to install it.
 * Every launch gets a new, empty profile (playwright's temporary user-data-dir).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Flags of every launch (headless is playwright's own `--headless`). */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** Longest wait for one thing to appear on a page. */
export const UI_WAIT_MS = 60_000;

/** Where screenshots go (gitignored; CI keeps the folder as an artifact). */
export const SCREENSHOT_DIR = join(process.env['SEALED_ROOT'] ?? process.cwd(), 'artifacts', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); tests never download a browser`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: UI_WAIT_MS });
}

/**
 * A key-transparency search or monitor answered 404: the label has no version in the log
 * yet (an account or device newer than the last epoch). The app shows it as pending; it is
 * not a problem of the page (Chromium still logs the 404 as a console error).
 */
function expectedKtMiss(url: string, status: number, consoleText = 'status of 404'): boolean {
  if (status !== 404 || !consoleText.includes('404')) return false;
  try {
    return /^\/v1\/kt\/(search|monitor)$/.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and CSP violations seen so far (a test asserts there are none). */
  readonly problems: string[];
}

/**
 * A new context (its own IndexedDB: one user, one device) with one page on `url`.
 * `initScript` (JavaScript source: a function compiled by tsx would call its helpers, which
 * the page lacks) runs in every page of the context before the app (a test's instrumentation).
 */
export async function openUser(browser: Browser, url: string, initScript?: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  if (initScript !== undefined) await context.addInitScript({ content: initScript });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_WAIT_MS);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !expectedKtMiss(message.location().url, 404, message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400 && !expectedKtMiss(response.url(), response.status())) problems.push(`http ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(url);
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}
