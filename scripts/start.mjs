// `npm start`: runs the relay server with embedded SQLite and the web client.
// Until packages/server exists (issue 4), say so plainly instead of pretending.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';

const entry = new URL('../packages/server/src/main.ts', import.meta.url);
if (!existsSync(entry)) {
  console.error('Sealed: the relay server is not built yet (issue 4). Nothing to start; `npm test` runs what exists.');
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', entry.pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
