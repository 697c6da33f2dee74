// Key transparency with real processes on 127.0.0.1: a server process running KT (short
// epochs) that serves only checkpoints countersigned by a real `sealed-auditor` process,
// and `sealed` processes that pin the server's configuration at init (requiring that
// auditor's countersignature). verify shows the status beside the safety number; status
// shows the log; the operator's key swap reaches the owner as an alert on her next command.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { signDeviceList } from '@sealed/client/engine/identity';
import { toHex } from '@sealed/protocol/encoding';
import { freePort, startServer, type ServerProcess } from '../../server/test/support/server-process.ts';
import { sealed, type Options, type Result } from './support/sealed-process.ts';

const AUDITOR_BIN = fileURLToPath(new URL('../../auditor/bin/sealed-auditor.mjs', import.meta.url));
/** Epoch length of the server: short, so tests wait little. */
const EPOCH_MS = 250;
/** Attempts at a condition that needs a few epochs (each attempt is one `sealed` run, seconds). */
const MAX_ATTEMPTS = 10;

function ok(result: Result): string {
  assert.equal(result.code, 0, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout;
}

describe('key transparency with the sealed command, a KT server and a sealed-auditor process', () => {
  let server: ServerProcess;
  let auditor: ChildProcess;
  let auditorOutput = '';
  let root: string;
  let url: string;
  const user = (name: string): Options => ({ home: join(root, name), passcode: `${name}-passcode-1` });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sealed-cli-kt-'));
    const key = nodeProvider.signatureGenerate('Ed25519');
    const keyFile = join(root, 'auditor.key');
    writeFileSync(keyFile, `${toHex(key.privateKey)}\n`, { mode: 0o600 });
    server = await startServer({
      label: 'server',
      port: await freePort(),
      args: ['--storage', 'sqlite', '--data-dir', join(root, 'server'), '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn', '--kt-epoch-ms', String(EPOCH_MS), '--kt-auditors', toHex(key.publicKey)],
    });
    url = server.baseUrl;
    auditor = spawn(process.execPath, [AUDITOR_BIN, '--server', url, '--state-dir', join(root, 'auditor'), '--key-file', keyFile, '--poll-ms', '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
    auditor.stdout!.on('data', (d: Buffer) => (auditorOutput += d.toString()));
    auditor.stderr!.on('data', (d: Buffer) => (auditorOutput += d.toString()));
  });
  after(async () => {
    auditor.kill('SIGTERM');
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('init pins the configuration; a bad pin or threshold is refused', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => sealed(['init', name, '--server', url], user(name))));
    for (const r of [alice!, bob!]) assert.match(ok(r), /^Key transparency: on; the server's log configuration is pinned \(1 auditor named, 1 countersignature required\)\.$/m);
    const wrongPin = await sealed(['init', 'carol', '--server', url, '--kt-config', '00'.repeat(40)], user('carol'));
    assert.equal(wrongPin.code, 10, wrongPin.stderr);
    assert.match(wrongPin.stderr, /publishes another key transparency configuration than --kt-config/);
    const tooMany = await sealed(['init', 'carol', '--server', url, '--kt-auditors', '2'], user('carol'));
    assert.equal(tooMany.code, 2, tooMany.stderr);
    assert.match(tooMany.stderr, /the server names 1 auditor/);
  });

  it('verify shows the transparency status beside the safety number; a message goes through', async () => {
    let out = '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      out = ok(await sealed(['verify', 'bob'], user('alice')));
      if (/^Key transparency: verified/m.test(out)) break;
      await new Promise((r) => setTimeout(r, 4 * EPOCH_MS));
    }
    assert.match(out, /^Safety number with bob/m);
    assert.match(out, /^Key transparency: verified in the log at checkpoint size \d+, countersigned by 1 auditor; 1 device \(list version 1\)$/m);
    assert.match(auditorOutput, /countersigned size \d+/);
    assert.match(ok(await sealed(['send', 'bob', 'hello through the log'], user('alice'))), /^Sent/m);
    const read = await sealed(['chat', 'alice'], user('bob'));
    assert.match(ok(read), /alice: hello through the log/);
    assert.equal(read.stderr, '', 'no transparency alert for anyone');
    const status = ok(await sealed(['status'], user('alice')));
    assert.match(status, /^Key transparency: on; log key [0-9a-f]{16}\.\.\., 1 auditor countersignature required$/m);
    assert.match(status, /^Checkpoint: size \d+, latest entry \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
    assert.match(status, /^Your account in the log: no change you did not make$/m);
    assert.match(status, /^Transparency alerts: none$/m);
    // bob compared numbers with alice and marks her verified (her key pinned).
    assert.match(ok(await sealed(['verify', 'alice', '--mark'], user('bob'))), /^alice is verified\.$/m);
  });

  it("the operator swaps alice's key: her next command prints the alert, status keeps it; bob (who verified her) is warned, carol accepts the new version", async () => {
    // The operator's power: write the accounts table; the next epochs log both labels.
    const db = new Database(join(root, 'server', 'sealed.sqlite'));
    db.pragma('busy_timeout = 5000');
    const row = db.prepare('SELECT id, device_list_version FROM accounts WHERE username = ?').get('alice') as { id: string; device_list_version: number };
    const mallory = nodeProvider.signatureGenerate('Ed25519');
    const device = { id: new Uint8Array(16).fill(7), key: nodeProvider.signatureGenerate('Ed25519') };
    const swapped = signDeviceList(nodeProvider, 'alice', mallory, row.device_list_version + 1, [device]);
    db.prepare('UPDATE accounts SET identity_key = ?, device_list = ?, device_list_version = ? WHERE id = ?').run(Buffer.from(mallory.publicKey), Buffer.from(swapped), row.device_list_version + 1, row.id);
    db.close();
    let alerted: Result | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && alerted === undefined; attempt++) {
      await new Promise((r) => setTimeout(r, 4 * EPOCH_MS));
      const r = await sealed(['contacts'], user('alice'));
      if (/identity key was replaced/.test(r.stderr)) alerted = r;
    }
    assert.ok(alerted, 'alice is alerted on a later command');
    assert.match(alerted.stderr, /^sealed: your account's identity key was replaced at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; was it you\?$/m);
    assert.match(alerted.stderr, /^sealed: your username was bound to another identity key at .* UTC; was it you\?$/m);
    // Printed once; status keeps the list.
    assert.doesNotMatch((await sealed(['contacts'], user('alice'))).stderr, /was it you/);
    const status = ok(await sealed(['status'], user('alice')));
    assert.match(status, /^Your account in the log: changed in ways this device did not make \(see the alerts below\)$/m);
    assert.match(status, /^Transparency alerts \(2, newest last\):$/m);
    assert.match(status, /identity key was replaced .*; was it you\?$/m);
    // bob had verified alice: the log vouches for the new version (so it reaches his
    // engine), and he gets the identity-changed warning: the engine keeps the verified key
    // until he compares and accepts.
    const verify = await sealed(['verify', 'alice'], user('bob'));
    assert.equal(verify.code, 10, verify.stderr);
    assert.match(verify.stderr, /^sealed: alice's identity key changed since you last talked/m);
    // carol, who never talked to alice, accepts the new version through the log.
    ok(await sealed(['init', 'carol', '--server', url], user('carol')));
    let carolSees = '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !/^Key transparency: verified/m.test(carolSees); attempt++) {
      await new Promise((r) => setTimeout(r, 4 * EPOCH_MS));
      carolSees = ok(await sealed(['verify', 'alice'], user('carol')));
    }
    assert.match(carolSees, /^Key transparency: verified in the log at checkpoint size \d+, countersigned by 1 auditor; 1 device \(list version 2\)$/m);
  });
});
