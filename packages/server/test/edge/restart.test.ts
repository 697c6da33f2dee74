/**
 * Acknowledged sends survive a restart of a real server process (same data dir), and a
 * SIGTERM shutdown is graceful: the process exits 0 after closing sockets with 1001.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLOSE_CODES } from '@sealed/protocol/errors';
import { register, tokenOf } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';

const bin = fileURLToPath(new URL('../../bin/sealed-server.mjs', import.meta.url));
/** Start-up can take a few seconds on a loaded machine (tsx compiles on first load). */
const START_TIMEOUT_MS = 20_000;

async function startProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { child, url };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-restart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every acknowledged send is delivered after a restart; SIGTERM closes sockets with 1001 and exits 0', async () => {
    const first = await startProcess(dir);
    const alice = await register(first.url, 'alice.restart');
    const bob = await register(first.url, 'bob.restart');
    const a = await TestSocket.connect(first.url, tokenOf(alice));
    const count = 50;
    for (let i = 0; i < count; i++) {
      a.send({ type: 'send', requestId: i, clientMessageId: new Uint8Array(randomBytes(16)), kind: 'application', epoch: 0, groupId: new Uint8Array([1]), recipients: [bob.devices[0]!.id], payload: new Uint8Array([i]) });
    }
    for (let i = 0; i < count; i++) await a.next('sent');
    assert.equal(await stop(first.child), 0);
    assert.equal(await a.closed, CLOSE_CODES.goingAway);

    const second = await startProcess(dir);
    try {
      const b = await TestSocket.connect(second.url, tokenOf(bob));
      const got = await b.entries(count);
      assert.deepEqual(got.map((e) => e.payload[0]), Array.from({ length: count }, (_, i) => i));
      await b.close();
    } finally {
      await stop(second.child);
    }
  });
});
