/**
 * The sealed-auditor command as a separate process against the real server: it pins the
 * Configuration, countersigns (the server then serves the countersigned size), and on a
 * forged epoch exits 2 leaving evidence, after which it refuses to start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { signTreeHead } from '@sealed/kt/checkpoint/tree-head';
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { treeRoot } from '@sealed/kt/log/merkle-tree';
import { decodeAuditPage, encodeAuditPage } from '@sealed/protocol/transparency/audit';
import { decodeCheckpointResponse } from '@sealed/protocol/transparency/checkpoint';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import { toHex } from '@sealed/protocol/encoding';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../../src/storage/sqlite/open.ts';
import { register, startHarness } from '../support/harness.ts';
import { TamperProxy } from './tamper-proxy.ts';

const BIN = fileURLToPath(new URL('../../../auditor/bin/sealed-auditor.mjs', import.meta.url));
/** The auditor run must end within this (start-up through tsx included). */
const RUN_TIMEOUT_MS = 60_000;

function runAuditor(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sealed-auditor did not finish: ${output}`));
    }, RUN_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('sealed-auditor process: countersigns the real server, halts with evidence on a forged epoch, then refuses to start', async () => {
  const key = nodeProvider.signatureGenerate('Ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'sealed-auditor-proc-'));
  const keyFile = join(dir, 'auditor.key');
  writeFileSync(keyFile, `${toHex(key.privateKey)}\n`, { mode: 0o600 });
  const stateDir = join(dir, 'state');
  const harness = await startHarness(['--kt-epoch-ms', '150', '--kt-auditors', toHex(key.publicKey)]);
  const proxy = await TamperProxy.start(harness.server.url);
  try {
    await register(harness.server.url, 'alice');
    await new Promise((r) => setTimeout(r, 600));
    const args = ['--server', proxy.baseUrl, '--state-dir', stateDir, '--key-file', keyFile, '--once'];
    const first = await runAuditor(args);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /countersigned size \d+/);
    // The server now serves a checkpoint countersigned by this auditor.
    const cp = decodeCheckpointResponse(new Uint8Array(await (await fetch(`${harness.server.url}/v1/kt/checkpoint`)).arrayBuffer()));
    assert.equal(cp.fullTreeHead.headType, 'updated');
    if (cp.fullTreeHead.headType === 'updated') assert.deepEqual(cp.fullTreeHead.auditorTreeHeads.map((h) => toHex(h.auditorPublicKey)), [toHex(key.publicKey)]);
    // A forged next epoch (log-signed, time going back) through the proxy.
    const all = decodeAuditPage(new Uint8Array(await (await fetch(`${harness.server.url}/v1/kt/audit?start=0`)).arrayBuffer()));
    const db = new Database(join(harness.dir, SQLITE_FILE_NAME), { readonly: true });
    const row = db.prepare('SELECT signing_key FROM kt_keys WHERE id = 1').get() as { signing_key: Buffer };
    db.close();
    const config = decodeConfigurationWire(new Uint8Array(await (await fetch(`${harness.server.url}/v1/kt/config`)).arrayBuffer()));
    proxy.tampers.push((x, status) => {
      if (!x.path.startsWith('/v1/kt/audit?start=')) return undefined;
      const start = Number(x.path.split('=')[1]);
      const honest = all.epochs.slice(0, start);
      const forged = { position: start, timestamp: honest[start - 1]!.timestamp - 1, prefixRoot: honest[start - 1]!.prefixRoot, signature: new Uint8Array(64), inserts: [] };
      const leaves = [...honest, forged].map((e) => logEntryLeafHash({ timestamp: e.timestamp, prefixTreeRoot: e.prefixRoot }));
      const signed = { ...forged, signature: signTreeHead(new Uint8Array(row.signing_key), config, start + 1, treeRoot(leaves)) };
      return { status, body: encodeAuditPage({ treeSize: start + 1, epochs: [signed] }) };
    });
    assert.ok(readdirSync(stateDir).includes('journal.jsonl'));
    const second = await runAuditor(args);
    assert.equal(second.code, 2, second.output);
    assert.match(second.output, /HALTED \(time-went-back\)/);
    assert.equal(readdirSync(stateDir).filter((f) => f.startsWith('evidence-')).length, 1);
    const third = await runAuditor(args);
    assert.equal(third.code, 2, third.output);
    assert.match(third.output, /HALTED \(evidence-present\)/);
  } finally {
    await proxy.close();
    await harness.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
