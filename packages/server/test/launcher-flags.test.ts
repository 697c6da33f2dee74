// The launcher (bin/sealed-server.mjs) starts the relay with the V8 flags of
// bin/node-flags.mjs (GC settings that cut its CPU per message; docs/BENCHMARKS.md): the
// server process's own command line carries them, and it serves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../bin/node-flags.mjs';

const BIN = fileURLToPath(new URL('../bin/sealed-server.mjs', import.meta.url));
const START_TIMEOUT_MS = 60_000;

it('bin/sealed-server.mjs runs the server with SERVER_NODE_FLAGS', async () => {
  assert.ok(SERVER_NODE_FLAGS.includes('--single-threaded-gc'));
  const dataDir = mkdtempSync(join(tmpdir(), 'sealed-launcher-'));
  const launcher = spawn(process.execPath, [BIN, '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--web-dir', 'none'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening:\n${output}`)), START_TIMEOUT_MS);
      launcher.stderr.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-4000);
        if (output.includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      launcher.once('exit', () => reject(new Error(`launcher exited:\n${output}`)));
    });
    // The launcher's one child is the server (Linux /proc).
    const children = readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, 'utf8').trim().split(/\s+/);
    assert.equal(children.length, 1);
    const argv = readFileSync(`/proc/${children[0]}/cmdline`, 'utf8').split('\0');
    for (const flag of SERVER_NODE_FLAGS) assert.ok(argv.includes(flag), `server started with ${flag}: ${argv.join(' ')}`);
    assert.ok(argv.indexOf(SERVER_NODE_FLAGS[0]!) < argv.indexOf('--import'), 'flags go to node, not to the server');
  } finally {
    const exited = new Promise((resolve) => launcher.once('exit', resolve));
    launcher.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
