// Runs every test file of every workspace with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [path-filter ...]   e.g. node scripts/test.mjs packages/mls
// Suites that need PostgreSQL/NATS/Chromium are named *.pg.test.ts, *.nats.test.ts, *.browser.test.ts;
// they run here too and fail (never skip) when their service is missing.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = [...walk(join(root, 'packages'), []), ...walk(join(root, 'bench'), [])]
  .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p) || f.includes(p)))
  .sort();
if (files.length === 0) {
  console.error('scripts/test.mjs: no test files matched', filters.join(' '));
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SEALED_ROOT: root },
});
process.exit(result.status ?? 1);
