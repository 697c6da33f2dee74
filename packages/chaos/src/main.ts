/**
 * `npm run chaos -- [options]`: one chaos run (or one per mode), printing the seed first so a
 * failing run can be replayed with `--seed`. Exit code 0 only when every invariant held.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { ClusterMode } from './cluster.ts';
import { DEFAULT_FAULTS, runChaos, type ChaosReport } from './scenario.ts';
import { renderReport } from './report.ts';

/**
 * The short run for CI (.ci/run): both modes, light enough for a shared 2-core machine
 * (about 3 minutes), still with every kind of fault. Settling is bounded by time, not by
 * speed: a slow machine gets the same checks, only later.
 */
const SHORT = { users: 6, groups: 3, seconds: 30, rate: 12, settleSeconds: 60 } as const;
/**
 * A short run that takes longer than this is stopped and fails (never hangs CI, and keeps the
 * gate within its 20 minutes). A green short run takes 70-110 s on the shared 2-core machine
 * at load average 8 to 13; the limit leaves twice that for a slower one.
 */
const SHORT_HARD_LIMIT_MINUTES = 4;

const HELP = `sealed chaos: real servers, simulated users on the real SDK, seeded faults.

Options (defaults in brackets):
  --seed <text>        replay a run [random]
  --mode <m>           sqlite | pg-nats | both [both]
  --minutes <n>        fault phase per mode [2]
  --users <n>          simulated users [12]
  --groups <n>         groups created at the start [6]
  --rate <n>           scenario steps per second [20]
  --settle-seconds <n> longest settling phase [90]
  --json               print the reports as JSON
  --short              the CI run: both modes, ${SHORT.users} users, ${SHORT.groups} groups, ${SHORT.seconds} s of
                       faults and at most ${SHORT.settleSeconds} s of settling each, at ${SHORT.rate} steps/s;
                       fails (with its seed) if not done within ${SHORT_HARD_LIMIT_MINUTES} minutes
  --help`;

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    mode: { type: 'string', default: 'both' },
    minutes: { type: 'string', default: '2' },
    users: { type: 'string', default: '12' },
    groups: { type: 'string', default: '6' },
    rate: { type: 'string', default: '20' },
    'settle-seconds': { type: 'string', default: '90' },
    json: { type: 'boolean', default: false },
    short: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const positive = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`chaos: --${name} must be a positive number (got ${text}); see --help`);
    process.exit(2);
  }
  return n;
};
const modes: ClusterMode[] = values.mode === 'both' ? ['sqlite', 'pg-nats'] : values.mode === 'sqlite' || values.mode === 'pg-nats' ? [values.mode] : [];
if (modes.length === 0) {
  console.error(`chaos: --mode must be sqlite, pg-nats or both (got ${values.mode})`);
  process.exit(2);
}
const seed = values.seed ?? randomBytes(6).toString('hex');
console.log(`chaos: seed ${seed} (replay with --seed ${seed}${values.short ? ' --short' : ''})`);
if (values.short) {
  setTimeout(() => {
    console.error(`chaos: FAILED: the short run did not finish within ${SHORT_HARD_LIMIT_MINUTES} minutes; replay with --seed ${seed} --short`);
    process.exit(1);
  }, SHORT_HARD_LIMIT_MINUTES * 60_000).unref();
}
const reports: ChaosReport[] = [];
for (const mode of modes) {
  const report = await runChaos({
    seed: `${seed}/${mode}`,
    mode,
    users: values.short ? SHORT.users : positive('users', values.users),
    groups: values.short ? SHORT.groups : positive('groups', values.groups),
    durationMs: values.short ? SHORT.seconds * 1000 : positive('minutes', values.minutes) * 60_000,
    stepsPerSecond: values.short ? SHORT.rate : positive('rate', values.rate),
    settleMs: (values.short ? SHORT.settleSeconds : positive('settle-seconds', values['settle-seconds'])) * 1000,
    faults: DEFAULT_FAULTS,
    log: (line) => console.log(line),
  });
  reports.push(report);
  console.log(values.json ? JSON.stringify(report, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) : renderReport(report));
}
const ok = reports.every((r) => r.invariants.ok);
console.log(ok ? 'chaos: every invariant held' : `chaos: FAILED; replay with --seed ${seed}`);
process.exit(ok ? 0 : 1);
