/**
 * `node --import tsx bench/server/saturation-cpu.ts [runs]`: only the saturation phase of
 * `npm run bench server-load` against the SQLite relay (K pairs x M messages, F in flight),
 * each run on a fresh server process; prints the server's CPU per message (from /proc, all
 * threads) and msgs/s per run. For A/B comparisons of server code on a shared machine,
 * where CPU per message is steadier than throughput. SERVER_BENCH_PROFILE=<dir> runs the
 * servers under --cpu-prof (then the profile holds the saturation phase, plus start-up and
 * registration). Same knobs as the full bench: SERVER_BENCH_PAIRS, _MESSAGES, _INFLIGHT,
 * _PAYLOAD; SERVER_BENCH_NODE_FLAGS adds node flags to the server process.
 */
import { loadAverage } from './proc.ts';
import { startBenchServer } from './sealed-server.ts';
import { connectPairs, saturation, withCpu } from './sealed-load.ts';
import { envInt, median } from './stats.ts';

const PAIRS = envInt('SERVER_BENCH_PAIRS', 50);
const MESSAGES = envInt('SERVER_BENCH_MESSAGES', 2000);
const INFLIGHT = envInt('SERVER_BENCH_INFLIGHT', 100);
const PAYLOAD = envInt('SERVER_BENCH_PAYLOAD', 200);
const PROFILE_DIR = process.env['SERVER_BENCH_PROFILE'];
const RUNS = Math.max(1, Number(process.argv[2] ?? 3));
/** Extra node flags for the server process (space-separated), e.g. to A/B V8 heap settings. */
const NODE_FLAGS = (process.env['SERVER_BENCH_NODE_FLAGS'] ?? '').split(' ').filter((f) => f.length > 0);

const cpu: number[] = [];
const rates: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const server = await startBenchServer('sqlite', {
    nodeFlags: [...NODE_FLAGS, ...(PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`])],
  });
  try {
    const load = loadAverage();
    const pairs = await connectPairs(server, PAIRS, PAYLOAD);
    const sat = await withCpu(server, () => saturation(pairs, MESSAGES, INFLIGHT), 600_000);
    pairs.close();
    cpu.push(sat.serverCpuUsPerMessage);
    rates.push(sat.result.perSecond);
    console.log(
      `run ${run + 1}: ${Math.round(sat.result.perSecond)} msgs/s, server CPU ${sat.serverCpuUsPerMessage.toFixed(1)} us/msg, ` +
        `client ${sat.clientCpuUsPerMessage.toFixed(1)} us/msg, errors ${sat.result.errors}, load ${load}`,
    );
  } finally {
    await server.dispose();
  }
}
console.log(`median of ${RUNS}: ${Math.round(median(rates))} msgs/s, server CPU ${median(cpu).toFixed(1)} us/msg; load ${loadAverage()}`);
process.exit(0);
