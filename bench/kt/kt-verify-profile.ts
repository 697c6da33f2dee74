/**
 * Where a client's search verification spends its CPU: builds a synthetic directory, then
 * samples a CPU profile (node:inspector) of decode + verifySearch for the measured account
 * labels and prints the share of each part (inclusive time of the named functions).
 *
 *   node --import tsx bench/kt/kt-verify-profile.ts            (10^5 accounts)
 *   KT_PROFILE_ACCOUNTS=1000000 node --max-old-space-size=8000 --import tsx bench/kt/kt-verify-profile.ts
 */
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { verifySearch } from '@sealed/kt/verify/search-verify';
import { decodeSearchResponse, encodeSearchResponse } from '@sealed/protocol/transparency/search';
import { buildDirectory } from './synthetic-directory.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const accounts = Number(process.env['KT_PROFILE_ACCOUNTS'] ?? 100_000);
const dir = buildDirectory(accounts, 20, 3);
const size = dir.prover.servedSize(1);
const policy = { config: dir.config, requiredAuditors: 1, now: dir.now() };
const bytes = dir.accountLabels.map((l) => encodeSearchResponse(dir.prover.search(l, size)));
const run = () => dir.accountLabels.forEach((l, i) => verifySearch(policy, undefined, l, decodeSearchResponse(bytes[i]!)));
run(); // warm up: JIT, key tables

// Without the profiler first: per account the least CPU time of 10 runs (the runs least
// disturbed by other processes on a loaded machine), then the median over the accounts.
const cpuOf = (fn: () => void): number => {
  const c = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};
const leastOf10 = (fn: () => void) => Math.min(...Array.from({ length: 10 }, () => cpuOf(fn)));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fresh = dir.accountLabels.map((l, i) => leastOf10(() => verifySearch(policy, undefined, l, decodeSearchResponse(bytes[i]!))));
const retained = verifySearch(policy, undefined, dir.accountLabels[0]!, decodeSearchResponse(bytes[0]!)).checkpoint;
const sameBytes = dir.accountLabels.map((l) => encodeSearchResponse(dir.prover.search(l, size, size)));
const kept = dir.accountLabels.map((l, i) => leastOf10(() => verifySearch(policy, retained, l, decodeSearchResponse(sameBytes[i]!))));
console.log(`least of 10 runs, median over ${fresh.length} accounts: ${median(fresh).toFixed(1)} ms (no retained checkpoint), ${median(kept).toFixed(1)} ms (retained checkpoint, head 'same')`);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const c0 = process.cpuUsage();
for (let k = 0; k < 10; k++) run();
const cpu = process.cpuUsage(c0);
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
session.disconnect();

// Inclusive sample time per part: a sample counts for a part when the part's function is on its stack.
const parts: [string, RegExp][] = [
  ['decode + verifySearch (100 % below)', /^(verifySearch|decodeSearchResponse)$/],
  ['ECVRF verification (4 ladder steps)', /^vrfVerify$/],
  ['  of which V = s*H - c*Gamma (Straus-Shamir)', /^mulAddUnsafe$/],
  ['  of which point decoding (Gamma, hash to curve)', /^stringToPoint$/],
  ['tree-head signatures (log + auditor)', /^verifyEd25519$/],
  ['prefix proof (batched)', /^verifyPrefixBatch$/],
  ['log inclusion / consistency', /^(rootFromInclusion|verifyConsistency)$/],
  ['commitment', /^commit$/],
  ['decoding the response', /^decodeSearchResponse$/],
  ['garbage collector', /^\(garbage collector\)$/],
];
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const totals = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  all += dt;
  const names = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) names.add(byId.get(cur)!.callFrame.functionName);
  for (const [part, re] of parts) if ([...names].some((n) => re.test(n))) totals.set(part, (totals.get(part) ?? 0) + dt);
});
const perVerify = (cpu.user + cpu.system) / 1000 / (10 * dir.accountLabels.length);
console.log(`${accounts.toLocaleString('en')} accounts, ${new Date().toISOString()}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`search verification (account label, 3 versions): ${perVerify.toFixed(1)} ms CPU each (under the profiler)`);
// Shares of the verification's own samples (the rest is the profiler, idle time, the loop).
const whole = totals.get(parts[0]![0]) ?? 1;
console.log(`samples in decode + verifySearch: ${((whole / all) * 100).toFixed(0)} % of all`);
for (const [part] of parts.slice(1)) console.log(`${(((totals.get(part) ?? 0) / whole) * 100).toFixed(1).padStart(5)} %  ${part}`);
