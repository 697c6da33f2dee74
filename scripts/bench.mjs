// `npm run bench [name ...]`: runs bench/*.bench.ts one after another (never in parallel:
// the machine has 2 cores and benchmarks must not compete). Results go to stdout; copy the
// tables into docs/BENCHMARKS.md with the machine and the date.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const dir = new URL('../bench/', import.meta.url).pathname;
const wanted = process.argv.slice(2);
// bench/kt/ keeps the key-transparency benchmark beside its synthetic-directory builder.
const benches = [...readdirSync(dir), ...readdirSync(dir + 'kt/').map((f) => `kt/${f}`)]
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', dir + file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
