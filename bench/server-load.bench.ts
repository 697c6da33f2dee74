// `npm run bench server-load`: the Sealed relay under load, against NATS JetStream and NATS
// core measured in the same run on the same workload (issue 4, "Performance"). Everything is
// loopback-only and bounded in count and time. See docs/BENCHMARKS.md, "Relay server".
//
// Workload: K sender/receiver pairs, M messages each of 200 bytes, at most F in flight per
// pair; a message counts once the sender got its answer (Sealed: SENT after the SQLite /
// PostgreSQL transaction committed; JetStream: PubAck after the file store took it) and the
// receiver got it and acknowledged it. Figures are medians over R rounds, systems interleaved
// within each round.
//
// Scale it down for a quick run, e.g.:
//   SERVER_BENCH_RUNS=1 SERVER_BENCH_MESSAGES=200 SERVER_BENCH_IDLE=1000 npm run bench server-load
// Variables (default): SERVER_BENCH_PAIRS (50), SERVER_BENCH_MESSAGES (2000),
// SERVER_BENCH_INFLIGHT (100), SERVER_BENCH_PAYLOAD (200), SERVER_BENCH_RATE (2000 msgs/s),
// SERVER_BENCH_RATE_SECONDS (5), SERVER_BENCH_LOW_RATE (200 msgs/s, for 5 s, 0: skip), SERVER_BENCH_DRAIN (10000), SERVER_BENCH_IDLE (10000),
// SERVER_BENCH_IDLE_DEVICES (500), SERVER_BENCH_RUNS (3), SERVER_BENCH_PG_MESSAGES (300 per pair),
// SERVER_BENCH_PG_RUNS (1), SERVER_BENCH_RANDOM_IDS (0; 1: random client message ids, as the SDK sends),
// SERVER_BENCH_SYSTEMS (sqlite,postgres+nats,jetstream,core),
// SERVER_BENCH_PROFILE (a directory: each Sealed server of the first round runs with --cpu-prof there;
// summarise with `node --import tsx bench/server/profile-summary.ts <file>`).
import { cpuMicrosOf, loadAverage, pidsNamed } from './server/proc.ts';
import { startBenchServer, type BenchServer, type Mode } from './server/sealed-server.ts';
import { connectPairs, drain, idle, offered, saturation, withCpu } from './server/sealed-load.ts';
import { corePairs, jetStreamDrain, jetStreamPairs, natsIdle, startNats } from './server/nats-anchor.ts';
import { closedLoop, openLoop } from './server/workload.ts';
import { cpuMicros } from './server/proc.ts';
import { execFileSync } from 'node:child_process';
import { envInt, median } from './server/stats.ts';

const PAIRS = envInt('SERVER_BENCH_PAIRS', 50);
const MESSAGES = envInt('SERVER_BENCH_MESSAGES', 2000);
const INFLIGHT = envInt('SERVER_BENCH_INFLIGHT', 100);
const PAYLOAD = envInt('SERVER_BENCH_PAYLOAD', 200);
const RATE = envInt('SERVER_BENCH_RATE', 2000);
const RATE_SECONDS = envInt('SERVER_BENCH_RATE_SECONDS', 5);
/** A rate far below capacity on a loaded machine: latency without queueing (0 skips it). */
const LOW_RATE = envInt('SERVER_BENCH_LOW_RATE', 200);
const DRAIN = envInt('SERVER_BENCH_DRAIN', 10_000);
const DRAIN_WARMUP = 1000;
const IDLE = envInt('SERVER_BENCH_IDLE', 10_000);
const IDLE_DEVICES = Math.max(1, Math.min(IDLE, envInt('SERVER_BENCH_IDLE_DEVICES', 500)));
const RUNS = Math.max(1, envInt('SERVER_BENCH_RUNS', 3));
/** Scale-out mode is an order of magnitude slower here: fewer messages per pair and fewer rounds by default. */
const PG_MESSAGES = envInt('SERVER_BENCH_PG_MESSAGES', Math.min(MESSAGES, 300));
const PG_RUNS = envInt('SERVER_BENCH_PG_RUNS', 1);
const SYSTEMS = (process.env['SERVER_BENCH_SYSTEMS'] ?? 'sqlite,postgres+nats,jetstream,core').split(',').map((s) => s.trim());
const PROFILE_DIR = process.env['SERVER_BENCH_PROFILE'];
/** A whole closed-loop phase must finish within this. */
const PHASE_TIMEOUT_MS = 600_000;

interface Row {
  msgsPerSecond: number;
  p50SatMs: number;
  p99SatMs: number;
  p50RateMs: number;
  p99RateMs: number;
  rateAchieved: number;
  p50LowMs: number;
  p99LowMs: number;
  cpuUsPerMsg: number;
  otherCpuUsPerMsg: number;
  clientCpuUsPerMsg: number;
  drainSeconds: number;
  drainAckedSeconds: number;
  drainGrowthMB: number;
  drainCpuSeconds: number;
  load: string;
}

const rows = new Map<string, Row[]>();
const push = (system: string, row: Row) => rows.set(system, [...(rows.get(system) ?? []), row]);
const MB = 1024 * 1024;

async function sealedRound(mode: Mode, round: number): Promise<Row> {
  const profile = PROFILE_DIR !== undefined && round === 0;
  let server: BenchServer = await startBenchServer(mode, profile ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] } : {});
  try {
    const load = loadAverage();
    const pairs = await connectPairs(server, PAIRS, PAYLOAD);
    // Scale-out mode: count PostgreSQL backends and the shared NATS server too.
    const others = mode === 'postgres+nats' ? () => cpuMicrosOf([...pidsNamed('postgres'), ...pidsNamed('nats-server')]) : undefined;
    const messages = mode === 'postgres+nats' ? PG_MESSAGES : MESSAGES;
    const sat = await withCpu(server, () => saturation(pairs, messages, INFLIGHT), PHASE_TIMEOUT_MS, others);
    const rate = await offered(pairs, RATE, RATE_SECONDS, INFLIGHT);
    const low = LOW_RATE > 0 ? await offered(pairs, LOW_RATE, 5, INFLIGHT) : undefined;
    pairs.close();
    const d = await drain(server, DRAIN, DRAIN_WARMUP);
    server = d.server;
    return {
      msgsPerSecond: sat.result.perSecond,
      p50SatMs: sat.result.p50Ms,
      p99SatMs: sat.result.p99Ms,
      p50RateMs: rate.p50Ms,
      p99RateMs: rate.p99Ms,
      rateAchieved: rate.perSecond,
      p50LowMs: low?.p50Ms ?? Number.NaN,
      p99LowMs: low?.p99Ms ?? Number.NaN,
      cpuUsPerMsg: sat.serverCpuUsPerMessage,
      otherCpuUsPerMsg: sat.otherCpuUsPerMessage ?? 0,
      clientCpuUsPerMsg: sat.clientCpuUsPerMessage,
      drainSeconds: d.result.deliveredSeconds,
      drainAckedSeconds: d.result.ackedSeconds,
      drainGrowthMB: d.result.rssGrowthBytes / MB,
      drainCpuSeconds: d.result.serverCpuSeconds,
      load,
    };
  } finally {
    await server.dispose();
  }
}

async function natsRound(kind: 'jetstream' | 'core'): Promise<Row> {
  const nats = await startNats();
  try {
    const load = loadAverage();
    const pairs = kind === 'jetstream' ? await jetStreamPairs(nats, PAIRS, PAYLOAD) : await corePairs(nats, PAIRS, PAYLOAD);
    const cpuBefore = cpuMicros(nats.pid);
    const clientBefore = process.cpuUsage();
    const sat = await closedLoop(pairs.pairs, MESSAGES, INFLIGHT, PHASE_TIMEOUT_MS);
    // Acks are fire-and-forget: give the server a moment to process the last ones.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cpu = (cpuMicros(nats.pid) - cpuBefore) / sat.messages;
    const client = process.cpuUsage(clientBefore);
    const rate = await openLoop(pairs.pairs, RATE, RATE_SECONDS, INFLIGHT, 60_000);
    const low = LOW_RATE > 0 ? await openLoop(pairs.pairs, LOW_RATE, 5, INFLIGHT, 60_000) : undefined;
    await pairs.close();
    const d = kind === 'jetstream' ? await jetStreamDrain(nats, DRAIN, PAYLOAD) : undefined;
    return {
      msgsPerSecond: sat.perSecond,
      p50SatMs: sat.p50Ms,
      p99SatMs: sat.p99Ms,
      p50RateMs: rate.p50Ms,
      p99RateMs: rate.p99Ms,
      rateAchieved: rate.perSecond,
      p50LowMs: low?.p50Ms ?? Number.NaN,
      p99LowMs: low?.p99Ms ?? Number.NaN,
      cpuUsPerMsg: cpu,
      otherCpuUsPerMsg: 0,
      clientCpuUsPerMsg: (client.user + client.system) / sat.messages,
      drainSeconds: d?.deliveredSeconds ?? Number.NaN,
      drainAckedSeconds: d?.deliveredSeconds ?? Number.NaN,
      drainGrowthMB: d === undefined ? Number.NaN : d.rssGrowthBytes / MB,
      drainCpuSeconds: Number.NaN,
      load,
    };
  } finally {
    await nats.stop();
  }
}

const fmt = (n: number, digits = 0) => (Number.isNaN(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** The commit measured, and whether the server's or protocol's files differ from it (others edit them as we run). */
function serverRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // Porcelain lines are "XY path"; X may be a space, so the output is not trimmed.
    const dirty = git('status', '--porcelain', '--', 'packages/server/src', 'packages/protocol/src').split('\n').filter((l) => l.length > 3).map((l) => l.slice(3));
    return `${git('rev-parse', '--short', 'HEAD').trim()} (${git('log', '-1', '--format=%cI').trim()})${dirty.length === 0 ? '' : `, uncommitted changes in: ${dirty.join(' ')}`}`;
  } catch {
    return 'unknown (no git)';
  }
}

async function main(): Promise<void> {
  console.log(`K=${PAIRS} pairs x ${MESSAGES} msgs of ${PAYLOAD} B, <= ${INFLIGHT} in flight per pair; offered ${RATE}/s for ${RATE_SECONDS} s; drain ${DRAIN}; idle ${IDLE} sockets over ${IDLE_DEVICES} devices; ${RUNS} round(s); systems ${SYSTEMS.join(', ')}`);
  console.log(`scale-out mode (postgres+nats): ${PG_MESSAGES} msgs per pair, ${Math.min(PG_RUNS, RUNS)} round(s)`);
  console.log(`load average at start: ${loadAverage()}`);
  console.log(`server code: ${serverRevision()}`);
  const started = performance.now();
  for (let round = 0; round < RUNS; round++) {
    for (const system of SYSTEMS) {
      const t = performance.now();
      let row: Row;
      if (system === 'postgres+nats' && round >= PG_RUNS) continue;
      try {
        if (system === 'sqlite' || system === 'postgres+nats') row = await sealedRound(system, round);
        else if (system === 'jetstream' || system === 'core') row = await natsRound(system);
        else throw new Error(`unknown system ${system}`);
      } catch (error) {
        console.log(`round ${round + 1} ${system}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      push(system, row);
      console.log(
        `round ${round + 1} ${system}: ${fmt(row.msgsPerSecond)} msgs/s, p50/p99 sat ${fmt(row.p50SatMs, 1)}/${fmt(row.p99SatMs, 1)} ms, ` +
          `at ${RATE}/s ${fmt(row.p50RateMs, 2)}/${fmt(row.p99RateMs, 2)} ms (achieved ${fmt(row.rateAchieved)}/s), at ${LOW_RATE}/s ${fmt(row.p50LowMs, 2)}/${fmt(row.p99LowMs, 2)} ms, ` +
          `CPU ${fmt(row.cpuUsPerMsg, 1)} us/msg (+${fmt(row.otherCpuUsPerMsg, 1)} db/bus, client ${fmt(row.clientCpuUsPerMsg, 1)}), ` +
          `drain ${fmt(row.drainSeconds, 3)} s (acked ${fmt(row.drainAckedSeconds, 3)} s, +${fmt(row.drainGrowthMB, 1)} MB, server CPU ${fmt(row.drainCpuSeconds, 2)} s), load ${row.load}, ${fmt((performance.now() - t) / 1000, 1)} s`,
      );
    }
  }

  const idleRows: string[] = [];
  if (IDLE > 0) {
    if (SYSTEMS.includes('sqlite')) {
      const server = await startBenchServer('sqlite');
      try {
        const r = await idle(server, IDLE, IDLE_DEVICES);
        idleRows.push(`sqlite: ${r.connections} idle authenticated sockets over ${r.devices} devices: RSS ${fmt(r.rssBeforeBytes / MB, 1)} -> ${fmt(r.rssAfterBytes / MB, 1)} MB, ${fmt(r.bytesPerConnection)} B/conn marginal -> ${fmt(r.perGiB)} conns/GiB (whole process: ${fmt((r.connections * 2 ** 30) / r.rssAfterBytes)} per GiB at this count)`);
      } finally {
        await server.dispose();
      }
    }
    if (SYSTEMS.includes('jetstream') || SYSTEMS.includes('core')) {
      const nats = await startNats();
      try {
        const r = await natsIdle(nats, IDLE);
        idleRows.push(`nats-server: ${r.connections} idle client connections: ${fmt(r.bytesPerConnection)} B/conn marginal -> ${fmt(r.perGiB)} conns/GiB`);
      } finally {
        await nats.stop();
      }
    }
  }

  console.log(`\nMedians of ${RUNS} round(s); load average at end: ${loadAverage()}; bench time ${fmt((performance.now() - started) / 1000)} s\n`);
  console.log('| system | msgs/s | p50 / p99 at saturation | p50 / p99 at ' + RATE + '/s offered | p50 / p99 at ' + LOW_RATE + '/s | server CPU us/msg | db+bus CPU us/msg | drain ' + DRAIN + ' (delivered / acked) | drain RSS growth | drain server CPU |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [system, list] of rows) {
    const m = (f: (r: Row) => number) => median(list.map(f));
    console.log(
      `| ${system} | ${fmt(m((r) => r.msgsPerSecond))} | ${fmt(m((r) => r.p50SatMs), 1)} / ${fmt(m((r) => r.p99SatMs), 1)} ms | ${fmt(m((r) => r.p50RateMs), 2)} / ${fmt(m((r) => r.p99RateMs), 2)} ms | ${fmt(m((r) => r.p50LowMs), 2)} / ${fmt(m((r) => r.p99LowMs), 2)} ms | ` +
        `${fmt(m((r) => r.cpuUsPerMsg), 1)} | ${fmt(m((r) => r.otherCpuUsPerMsg), 1)} | ${fmt(m((r) => r.drainSeconds), 3)} / ${fmt(m((r) => r.drainAckedSeconds), 3)} s | ${fmt(m((r) => r.drainGrowthMB), 1)} MB | ${fmt(m((r) => r.drainCpuSeconds), 2)} s |`,
    );
  }
  for (const line of idleRows) console.log(`\nidle: ${line}`);
}

await main();
// Sockets of the ws client and the NATS clients may keep the loop alive; everything is closed.
process.exit(0);
