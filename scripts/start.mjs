// `npm start`: runs the relay server with embedded SQLite and the web client (built first if missing).
// Until packages/server exists (issue 4), say so plainly instead of pretending.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../packages/server/bin/node-flags.mjs';

const entry = new URL('../packages/server/src/main.ts', import.meta.url);
if (!existsSync(entry)) {
  console.error('Sealed: the relay server is not built yet (issue 4). Nothing to start; `npm test` runs what exists.');
  process.exit(1);
}
// The web client the server serves at `/`: built once (esbuild, about a second) when missing.
const webBundle = new URL('../packages/web/dist/app.js', import.meta.url);
if (!existsSync(webBundle)) {
  console.error('Sealed: building the web client (packages/web/dist)...');
  const build = spawnSync(process.execPath, ['--import', 'tsx', new URL('../packages/web/src/build/main.ts', import.meta.url).pathname], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('Sealed: the web client did not build; fix the error above (the relay alone would serve no app at /).');
    process.exit(1);
  }
}
const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', entry.pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
