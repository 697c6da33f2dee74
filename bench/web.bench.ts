// `npm run bench web`: the web client (issue 7, "Performance"): bundle size (gzip, with and
// without the ML-KEM/X-Wing code), time to interactive on a cold load over loopback, and
// send-to-display time between two browser users, in Debian's Chromium against a real
// server process serving the built bundle. Bounded: WEB_BENCH_LOADS cold loads (default 10),
// WEB_BENCH_MESSAGES messages (default 30), each wait at most 60 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebBundle } from '../packages/web/src/build/bundle.ts';
import { launchChromium } from '../packages/web/test/support/chromium.ts';
import { startWebServer } from '../packages/web/test/support/web-server.ts';
import { largestInputs, sizesOf } from './web/bundle-size.ts';
import { coldLoadMs, sendToDisplayMs } from './web/browser-timing.ts';
import { envInt, median } from './server/stats.ts';

const LOADS = envInt('WEB_BENCH_LOADS', 10);
const MESSAGES = envInt('WEB_BENCH_MESSAGES', 30);
const WAIT_MS = 60_000;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${n.toFixed(0)} ms`;
const percentile = (values: number[], p: number) => [...values].sort((x, y) => x - y)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores, shared)`);

const dir = mkdtempSync(join(tmpdir(), 'sealed-web-bench-'));
try {
  const full = await buildWebBundle({ outDir: join(dir, 'full') });
  const noPq = await buildWebBundle({ outDir: join(dir, 'no-pq'), excludePostQuantum: true });
  const a = sizesOf(full);
  const b = sizesOf(noPq);
  console.log('\n| bundle (app.js + styles.css + index.html) | raw | gzip -9 |');
  console.log('|---|---|---|');
  console.log(`| as shipped | ${kb(a.rawBytes)} | ${kb(a.gzipBytes)} |`);
  console.log(`| without ML-KEM / X-Wing (@noble/post-quantum, kem/xwing, mlkem768) | ${kb(b.rawBytes)} | ${kb(b.gzipBytes)} |`);
  console.log(`\nlargest inputs of app.js (minified bytes): ${largestInputs(full, 10).map(([k, v]) => `${k} ${kb(v)}`).join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const web = await startWebServer();
const browser = await launchChromium();
try {
  const loads: Awaited<ReturnType<typeof coldLoadMs>>[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await coldLoadMs(browser, web.url));
  const tti = loads.map((l) => l.interactiveMs);
  const dcl = loads.map((l) => l.domContentLoadedMs);
  console.log(`\ncold load, ${LOADS} runs (new context each: empty cache and IndexedDB), loopback:`);
  console.log(`  interactive (first field usable): median ${ms(median(tti))}, max ${ms(Math.max(...tti))}`);
  console.log(`  DOMContentLoaded: median ${ms(median(dcl))}`);
  console.log(`  page main thread busy until interactive (CPU, Chromium TaskDuration): median ${ms(median(loads.map((l) => l.mainThreadBusyMs)))}, of which script ${ms(median(loads.map((l) => l.scriptMs)))}`);

  const times = await sendToDisplayMs(browser, web.url, MESSAGES, WAIT_MS);
  console.log(`\nsend-to-display, browser to browser, ${MESSAGES} texts one at a time (1:1, X-Wing suite, noble provider):`);
  console.log(`  median ${ms(median(times))}, p90 ${ms(percentile(times, 0.9))}, max ${ms(Math.max(...times))}`);
} finally {
  await browser.close();
  await web.stop();
}
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
