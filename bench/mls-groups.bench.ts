// `npm run bench mls-groups`: MLS group operations, Sealed against ts-mls 1.6.4 in the same
// run on the same machine, for groups of N = 2, 32, 256, 1024 built by one member adding
// N-1 in one commit (the scenario is described in bench/mls/group-scenario.ts): the adder's
// commit, Welcome processing by a new member, an update commit by one member, processing of
// that commit by another, and application messages per second. Suite 1 and the default PQ
// suite 0xF0A1.
//
// Environment (to bound the runtime):
//   BENCH_MAX_N=256        skip group sizes above this (default 1024)
//   BENCH_SIZES=2,32       exact sizes instead of 2, 32, 256, 1024
//   BENCH_SUITES=1,0xf0a1  suites (default both)
//   BENCH_IMPLS=sealed     only one implementation (e.g. under --cpu-prof)
//   BENCH_REPS=3           repetitions per row (default 5 for N <= 32, 3 for N <= 256, else 1); the median is kept
//   BENCH_MSG_MS=1000      measuring time of the application-message rate
import { cpus, loadavg } from 'node:os';
import { type GroupDriver, type GroupTimings, runScenario } from './mls/group-scenario.ts';
import { SealedDriver } from './mls/sealed-driver.ts';
import { TsMlsDriver } from './mls/ts-mls-driver.ts';
import { INTEROP_SUITES, type InteropSuite, suiteLabel } from '../packages/mls/test/interop/ts-mls-suites.ts';

type Impl = 'Sealed' | 'ts-mls 1.6.4';

const list = (name: string): string[] | undefined => process.env[name]?.split(',').map((s) => s.trim()).filter((s) => s !== '');
const maxN = Number(process.env.BENCH_MAX_N ?? 1024);
const sizes = (list('BENCH_SIZES')?.map(Number) ?? [2, 32, 256, 1024]).filter((n) => n >= 2 && n <= maxN);
const suites = (list('BENCH_SUITES')?.map(Number) ?? [0x0001, 0xf0a1]).map((id) => {
  if (!(INTEROP_SUITES as readonly number[]).includes(id)) throw new Error(`suite ${id} is not one of ${INTEROP_SUITES.join(', ')}`);
  return id as InteropSuite;
});
const impls: Impl[] = (list('BENCH_IMPLS') ?? ['ts-mls', 'sealed']).map((s) => (s.toLowerCase().startsWith('ts') ? 'ts-mls 1.6.4' : 'Sealed'));
const messageMs = Number(process.env.BENCH_MSG_MS ?? 1000);
const repsFor = (n: number): number => Number(process.env.BENCH_REPS ?? (n <= 32 ? 5 : n <= 256 ? 3 : 1));

/** Published figures (ms, N = 1024) quoted in issue 3, for orientation only. */
const ANCHORS = {
  'OpenMLS (WASM), published': { commitMs: 2351, welcomeMs: 293, updateMs: 262, processMs: 21 },
  'ts-mls 1.6.4, published': { commitMs: 2095, welcomeMs: 693, updateMs: 1567, processMs: 844 },
};

function driver(impl: Impl, suite: InteropSuite): GroupDriver {
  return impl === 'Sealed' ? new SealedDriver(suite) : new TsMlsDriver(suite);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function medianTimings(runs: readonly GroupTimings[]): GroupTimings {
  return {
    commitMs: median(runs.map((r) => r.commitMs)),
    welcomeMs: median(runs.map((r) => r.welcomeMs)),
    updateMs: median(runs.map((r) => r.updateMs)),
    processMs: median(runs.map((r) => r.processMs)),
    messagesPerSecond: median(runs.map((r) => r.messagesPerSecond)),
    cpu: {
      commitMs: median(runs.map((r) => r.cpu?.commitMs ?? NaN)),
      welcomeMs: median(runs.map((r) => r.cpu?.welcomeMs ?? NaN)),
      updateMs: median(runs.map((r) => r.cpu?.updateMs ?? NaN)),
      processMs: median(runs.map((r) => r.cpu?.processMs ?? NaN)),
    },
  };
}

const cpuLine = (t: GroupTimings): string => (t.cpu === undefined ? '-' : [t.cpu.commitMs, t.cpu.welcomeMs, t.cpu.updateMs, t.cpu.processMs].map((x) => ms(x)).join(' / ') + ' ms');
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString()}`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`sizes ${sizes.join(', ')}; suites ${suites.map(suiteLabel).join(', ')}; ${impls.join(' vs ')}\n`);
  const results: { suite: InteropSuite; n: number; impl: Impl; t: GroupTimings }[] = [];
  for (const suite of suites) {
    // Warm-up (not reported): JIT-compiles both libraries' code paths for this suite.
    for (let i = 0; i < 3; i++) for (const impl of impls) await runScenario(driver(impl, suite), 8, 50);
    for (const n of sizes) {
      const runs = new Map<Impl, GroupTimings[]>(impls.map((i) => [i, []]));
      // Repetitions interleave the implementations, so load changes hit both alike.
      for (let rep = 0; rep < repsFor(n); rep++) {
        for (const impl of impls) {
          const t = await runScenario(driver(impl, suite), n, messageMs);
          runs.get(impl)!.push(t);
          console.log(`  ${suiteLabel(suite)} N=${n} ${impl} run ${rep + 1}: commit ${ms(t.commitMs)} ms, welcome ${ms(t.welcomeMs)} ms, update ${ms(t.updateMs)} ms, process ${ms(t.processMs)} ms, ${t.messagesPerSecond.toFixed(0)} msg/s; cpu ${cpuLine(t)}`);
        }
      }
      for (const impl of impls) results.push({ suite, n, impl, t: medianTimings(runs.get(impl)!) });
    }
  }
  console.log(`\nload average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  console.log('| suite | N | implementation | commit (ms) | Welcome (ms) | update (ms) | process (ms) | app msgs/s |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const t = r.t;
    console.log(`| ${suiteLabel(r.suite)} | ${r.n} | ${r.impl} | ${ms(t.commitMs)} | ${ms(t.welcomeMs)} | ${ms(t.updateMs)} | ${ms(t.processMs)} | ${t.messagesPerSecond.toFixed(0)} |`);
  }
  console.log('\nCPU time of the process per step (ms, user + system; less sensitive to other jobs than the wall times above):\n');
  console.log('| suite | N | implementation | commit | Welcome | update | process |');
  console.log('|---|---:|---|---:|---:|---:|---:|');
  for (const r of results) {
    const c = r.t.cpu;
    if (c !== undefined) console.log(`| ${suiteLabel(r.suite)} | ${r.n} | ${r.impl} | ${ms(c.commitMs)} | ${ms(c.welcomeMs)} | ${ms(c.updateMs)} | ${ms(c.processMs)} |`);
  }
  if (impls.length === 2) {
    console.log('\nSealed speed-up over ts-mls 1.6.4 (ts-mls time / Sealed time; for messages, Sealed rate / ts-mls rate):\n');
    console.log('| suite | N | commit | Welcome | update | process | app msgs |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const suite of suites) {
      for (const n of sizes) {
        const s = results.find((r) => r.suite === suite && r.n === n && r.impl === 'Sealed')!.t;
        const o = results.find((r) => r.suite === suite && r.n === n && r.impl === 'ts-mls 1.6.4')!.t;
        const x = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
        console.log(`| ${suiteLabel(suite)} | ${n} | ${x(o.commitMs, s.commitMs)} | ${x(o.welcomeMs, s.welcomeMs)} | ${x(o.updateMs, s.updateMs)} | ${x(o.processMs, s.processMs)} | ${x(s.messagesPerSecond, o.messagesPerSecond)} |`);
      }
    }
  }
  console.log('\nPublished figures for orientation (ms, N = 1024, from issue 3; not measured here):\n');
  console.log('| source | commit | Welcome | update | process |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, a] of Object.entries(ANCHORS)) console.log(`| ${name} | ${a.commitMs} | ${a.welcomeMs} | ${a.updateMs} | ${a.processMs} |`);
}

await main();
