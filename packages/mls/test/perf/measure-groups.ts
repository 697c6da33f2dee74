// Not a test: times the official group scenario (bench/mls/group-scenario.ts) on Sealed
// alone, each step once and cold (fresh decodes, as the benchmark does), so the cost of one
// step can be profiled. Run:
//   node --import tsx [--cpu-prof --cpu-prof-dir=/tmp/prof] packages/mls/test/perf/measure-groups.ts [N] [suite]
import { SealedDriver } from '../../../../bench/mls/sealed-driver.ts';

const n = Number(process.argv[2] ?? 1024);
const suiteId = Number(process.argv[3] ?? 1);
const driver = new SealedDriver(suiteId);
const keyPackages = await driver.setup(n);

async function time<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await run();
  console.log(`${label}: ${(performance.now() - start).toFixed(1)} ms`);
  return out;
}

console.log(`N=${n} suite 0x${suiteId.toString(16)}`);
const welcome = await time('commit', () => driver.addAll(keyPackages));
await time('welcome', () => driver.join(welcome));
const commit = await time('update', () => driver.update());
await time('process', () => driver.process(commit));
if (!driver.agree()) throw new Error('epoch authenticators differ');
