// Runs every test file of every workspace with Node's own test runner (TypeScript through tsx),
// one process per file, under a watchdog.
//
// Usage: node scripts/test.mjs [path-filter ...]   e.g. node scripts/test.mjs packages/mls
// Suites that need PostgreSQL/NATS/Chromium are named *.pg.test.ts, *.nats.test.ts, *.browser.test.ts;
// they run here too and fail (never skip) when their service is missing. A skipped test fails the run.
//
// Why not `node --test`: on Node 20, tsx loads TypeScript through off-thread module hooks
// (module.register), and now and then a freshly started process deadlocks while loading, idle
// in a futex wait before any test runs. `node --test` would wait for it forever. Here each file
// reports through a side channel (scripts/test-progress-reporter.mjs) when its tests start; a
// process that has not started within STARTUP_TIMEOUT_MS is killed and the file run again, at
// most MAX_START_ATTEMPTS times. A file that runs longer than FILE_TIMEOUT_MS fails.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout, clearTimeout } from 'node:timers';

const root = new URL('..', import.meta.url).pathname;
const STARTUP_TIMEOUT_MS = Number(process.env.SEALED_TEST_STARTUP_TIMEOUT_MS ?? 120_000);
const FILE_TIMEOUT_MS = Number(process.env.SEALED_TEST_FILE_TIMEOUT_MS ?? 20 * 60_000);
const MAX_START_ATTEMPTS = 3;
const CONCURRENCY = Math.max(1, Number(process.env.SEALED_TEST_CONCURRENCY ?? 1));
const PROGRESS_FD = 3;
const reporter = new URL('./test-progress-reporter.mjs', import.meta.url).href;

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

/**
 * Files that start real processes (servers, browsers, CLIs, PostgreSQL and NATS suites) take
 * tens of seconds; unit files take a few. With several files at a time the slow ones go
 * first, so the run does not end waiting on one slow file started last (longest first).
 */
function expectedWeight(file) {
  if (file.endsWith('.browser.test.ts')) return 3;
  if (/\.e2e\.test\.ts$|crash|multi-node|chaos\/test|harness|-pg\.test|\.pg\.test|nats/.test(file)) return 2;
  return 1;
}

const filters = process.argv.slice(2);
const files = [...walk(join(root, 'packages'), []), ...walk(join(root, 'bench'), [])]
  .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p) || f.includes(p)))
  .sort()
  .sort((a, b) => expectedWeight(b) - expectedWeight(a));
if (files.length === 0) {
  console.error('scripts/test.mjs: no test files matched', filters.join(' '));
  process.exit(1);
}

const running = new Set();
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) killGroup(child);
    process.exit(130);
  });
}

/** One attempt at one file: resolves { outcome: 'done' | 'hung' | 'timeout', code, counts, output }. */
function runOnce(file, live) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import', 'tsx',
        '--test-reporter=spec', '--test-reporter-destination=stdout',
        `--test-reporter=${reporter}`, '--test-reporter-destination=stderr',
        file,
      ],
      {
        cwd: root,
        // Its own process group, so servers and browsers a test started die with it on a kill.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        env: { ...process.env, SEALED_ROOT: root, SEALED_TEST_PROGRESS_FD: String(PROGRESS_FD) },
      },
    );
    running.add(child);
    const output = [];
    const keep = (stream, sink) => stream.on('data', (chunk) => (live ? sink.write(chunk) : output.push(chunk)));
    keep(child.stdout, process.stdout);
    keep(child.stderr, process.stderr);

    let started = false;
    let counts = null;
    let outcome = 'done';
    let progress = '';
    child.stdio[PROGRESS_FD].on('data', (chunk) => {
      progress += chunk.toString('utf8');
      for (let nl = progress.indexOf('\n'); nl >= 0; nl = progress.indexOf('\n')) {
        const line = progress.slice(0, nl);
        progress = progress.slice(nl + 1);
        if (line === 'started') started = true;
        else if (line.startsWith('counts ')) counts = JSON.parse(line.slice('counts '.length));
      }
    });
    const startup = setTimeout(() => {
      if (started) return;
      outcome = 'hung';
      killGroup(child);
    }, STARTUP_TIMEOUT_MS);
    const whole = setTimeout(() => {
      outcome = 'timeout';
      killGroup(child);
    }, FILE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(startup);
      clearTimeout(whole);
      running.delete(child);
      // A file with no tests at all never starts; it is not hung if it exited by itself.
      resolve({ outcome, code: code ?? (signal ? 1 : 0), counts, output: Buffer.concat(output) });
    });
  });
}

async function runFile(file, live) {
  const fileStartedAt = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    const result = await runOnce(file, live);
    if (result.outcome !== 'hung') return { file, attempts: attempt, ms: Date.now() - fileStartedAt, ...result };
    console.error(`scripts/test.mjs: ${file} did not start its tests within ${STARTUP_TIMEOUT_MS} ms (attempt ${attempt}); killed`);
    if (attempt >= MAX_START_ATTEMPTS) return { file, attempts: attempt, ...result };
  }
}

const startedAt = Date.now();
const results = [];
const queue = [...files];
async function worker() {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const result = await runFile(file, CONCURRENCY === 1);
    if (CONCURRENCY > 1) process.stdout.write(result.output);
    results.push(result);
  }
}
await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));

const totals = { pass: 0, fail: 0, skip: 0, todo: 0 };
const failed = [];
for (const r of results) {
  for (const k of Object.keys(totals)) totals[k] += r.counts?.[k] ?? 0;
  if (r.outcome === 'hung') failed.push(`${r.file}: hung at start-up ${r.attempts} times`);
  else if (r.outcome === 'timeout') failed.push(`${r.file}: still running after ${FILE_TIMEOUT_MS} ms; killed`);
  else if (r.code !== 0) failed.push(`${r.file}: exit code ${r.code}`);
  else if ((r.counts?.skip ?? 0) + (r.counts?.todo ?? 0) > 0) failed.push(`${r.file}: skipped or todo tests (nothing may skip)`);
}
const retried = results.filter((r) => r.attempts > 1 && r.outcome !== 'hung');
console.log(`\n=== scripts/test.mjs: ${files.length} files, ${totals.pass} passed, ${totals.fail} failed, ` +
  `${totals.skip} skipped, ${totals.todo} todo, ${((Date.now() - startedAt) / 1000).toFixed(0)} s ===`);
for (const r of [...results].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 12)) console.log(`slowest: ${((r.ms ?? 0) / 1000).toFixed(1)} s ${r.file}`);
for (const r of retried) console.log(`restarted after a start-up hang: ${r.file} (${r.attempts} attempts)`);
for (const line of failed) console.log(`FAILED ${line}`);
process.exit(failed.length === 0 ? 0 : 1);
