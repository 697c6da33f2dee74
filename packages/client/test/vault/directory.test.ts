/**
 * The vault on a real directory (Node): restarts are new objects on the same files, corrupt
 * header files get typed errors and change nothing, the wipe deletes the record files, a
 * passcode change leaves every record byte as it was, and a process killed during the
 * Argon2id check cannot take its attempt back.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DirectoryVaultStorage, HEADER_FILE, LOCK_FILE, RECORDS_FILE } from '../../src/store/node/directory-vault-storage.ts';
import { decodeHeader, type ActiveHeader } from '../../src/vault/header.ts';
import { Vault } from '../../src/vault/vault.ts';
import { createWeakVault, openWeakVault, provider, rejectCode } from './helpers.ts';

const rec = (text: string) => ({ version: 1, data: new TextEncoder().encode(text) });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sealed-vault-dir-'));
}

function snapshot(directory: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(directory).sort()) out.set(name, readFileSync(join(directory, name)).toString('hex'));
  return out;
}

function headerOf(directory: string): ActiveHeader {
  return decodeHeader(provider, readFileSync(join(directory, HEADER_FILE)), 'weak-for-tests') as ActiveHeader;
}

test('directory: a restart (new storage and vault objects) keeps records and the failure count', async () => {
  const directory = tempDir();
  try {
    const vault = await createWeakVault(new DirectoryVaultStorage(directory), 'right', 4);
    await vault.stores().settings.put('s', rec('kept'));
    await vault.lock();
    await assert.rejects((await openWeakVault(new DirectoryVaultStorage(directory))).unlock('wrong'), { attemptsRemaining: 3 });
    await assert.rejects((await openWeakVault(new DirectoryVaultStorage(directory))).unlock('wrong'), { attemptsRemaining: 2 });
    const restarted = await openWeakVault(new DirectoryVaultStorage(directory));
    await restarted.unlock('right');
    assert.deepEqual(await restarted.stores().settings.get('s'), rec('kept'));
    await restarted.lock();
    assert.equal(headerOf(directory).failures, 0);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: malformed header files get typed errors and change nothing', async () => {
  const directory = tempDir();
  try {
    const vault = await createWeakVault(new DirectoryVaultStorage(directory), 'right', 4);
    await vault.stores().settings.put('s', rec('kept'));
    await vault.lock();
    const good = readFileSync(join(directory, HEADER_FILE));
    const corruptions: Array<[string, Uint8Array, string]> = [
      ['empty', new Uint8Array(0), 'header-truncated'],
      ['truncated header', good.subarray(0, 60), 'header-truncated'],
      ['unknown version', Uint8Array.from(good, (b, i) => (i === 4 ? 9 : b)), 'header-version-unknown'],
      ['flipped salt byte', Uint8Array.from(good, (b, i) => (i === 20 ? b ^ 0x40 : b)), 'header-corrupt'],
      ['flipped wrapped-key byte', Uint8Array.from(good, (b, i) => (i === 50 ? b ^ 1 : b)), 'header-corrupt'],
      ['flipped failure count', Uint8Array.from(good, (b, i) => (i === 94 ? b ^ 1 : b)), 'header-corrupt'],
      ['not a vault', new TextEncoder().encode('{"json": "instead"}'), 'header-not-a-vault'],
    ];
    for (const [name, bytes, code] of corruptions) {
      writeFileSync(join(directory, HEADER_FILE), bytes);
      const before = snapshot(directory);
      assert.equal(await rejectCode(openWeakVault(new DirectoryVaultStorage(directory))), code, name);
      assert.deepEqual(snapshot(directory), before, `${name}: open changed a file`);
      assert.equal(await rejectCode(createWeakVault(new DirectoryVaultStorage(directory), 'x')), code, `${name}: create`);
      assert.deepEqual(snapshot(directory), before, `${name}: create changed a file`);
    }
    // Restoring the good header brings everything back: nothing was counted or destroyed.
    writeFileSync(join(directory, HEADER_FILE), good);
    const restored = await openWeakVault(new DirectoryVaultStorage(directory));
    await restored.unlock('right');
    assert.deepEqual(await restored.stores().settings.get('s'), rec('kept'));
    await restored.lock();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: a corrupt header met during unlock (after open) is typed and changes nothing', async () => {
  const directory = tempDir();
  try {
    await (await createWeakVault(new DirectoryVaultStorage(directory), 'right', 4)).lock();
    const vault = await openWeakVault(new DirectoryVaultStorage(directory));
    const good = readFileSync(join(directory, HEADER_FILE));
    writeFileSync(join(directory, HEADER_FILE), good.subarray(0, good.length - 1));
    const before = snapshot(directory);
    assert.equal(await rejectCode(vault.unlock('right')), 'header-truncated');
    assert.equal(await rejectCode(vault.unlock('wrong')), 'header-truncated');
    assert.deepEqual(snapshot(directory), before);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: the wipe replaces the header with a tombstone and deletes the record files', async () => {
  const directory = tempDir();
  try {
    const vault = await createWeakVault(new DirectoryVaultStorage(directory), 'right', 2);
    await vault.stores().messages.put(new Uint8Array([1]), new Uint8Array([2]), rec('gone soon'));
    assert.ok(existsSync(join(directory, RECORDS_FILE)));
    await assert.rejects(vault.unlock('wrong'), { code: 'wrong-passcode' });
    await assert.rejects(vault.unlock('wrong'), { code: 'wiped' });
    assert.deepEqual(readdirSync(directory), [HEADER_FILE]);
    assert.equal(decodeHeader(provider, readFileSync(join(directory, HEADER_FILE)), 'production').state, 'wiped');
    assert.equal(await rejectCode(openWeakVault(new DirectoryVaultStorage(directory))), 'wiped');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: changing the passcode leaves every record byte in the SQLite file unchanged', async () => {
  const directory = tempDir();
  try {
    const vault = await createWeakVault(new DirectoryVaultStorage(directory), 'old', 5);
    for (let i = 0; i < 20; i++) await vault.stores().messages.put(new Uint8Array([7]), new Uint8Array([i]), rec(`m${i}`));
    const rows = () => {
      const db = new Database(join(directory, RECORDS_FILE), { readonly: true });
      try {
        return db.prepare('SELECT seq, kind, collection, key, value FROM records ORDER BY seq').all();
      } finally {
        db.close();
      }
    };
    const before = rows();
    const headerBefore = readFileSync(join(directory, HEADER_FILE));
    await vault.changePasscode('old', 'new');
    assert.notDeepEqual(readFileSync(join(directory, HEADER_FILE)), headerBefore);
    assert.equal(before.length, 20);
    assert.deepEqual(rows(), before);
    await vault.lock();
    const reopened = await openWeakVault(new DirectoryVaultStorage(directory));
    await reopened.unlock('new');
    assert.deepEqual(await reopened.stores().messages.get(new Uint8Array([7]), new Uint8Array([19])), rec('m19'));
    await reopened.lock();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: a process killed during the Argon2id check keeps its attempt counted', async () => {
  const directory = tempDir();
  try {
    // Real production-floor parameters: the check takes over a second, the poll 10 ms.
    // (Argon2id in WASM blocks the child's event loop, so it cannot print mid-check; with
    // the count written after the check instead, "result:" would already be in the pipe.)
    const slow = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 };
    await (await Vault.create({ provider, storage: new DirectoryVaultStorage(directory), passcode: 'right', argon2: slow })).lock();
    assert.equal(headerOf(directory).failures, 0);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/unlock-child.ts', import.meta.url)), directory, 'wrong'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Poll (bounded) until the child has durably counted its attempt, then kill it mid-check.
    let counted = false;
    for (let i = 0; i < 3000 && !counted && child.exitCode === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      counted = headerOf(directory).failures === 1;
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(counted, `the attempt was never counted before the child finished (output: ${output})`);
    assert.ok(output.includes('started') && !output.includes('result:'), `the child finished its check before the kill: ${output}`);
    // After the "restart", the attempt still counts; only the right passcode resets it.
    assert.equal(headerOf(directory).failures, 1);
    const vault = await Vault.open({ provider, storage: new DirectoryVaultStorage(directory) });
    await vault.unlock('right');
    assert.equal(headerOf(directory).failures, 0);
    await vault.lock();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: parallel unlocks from separate vault objects (as separate processes) each count', async () => {
  const directory = tempDir();
  try {
    await (await createWeakVault(new DirectoryVaultStorage(directory), 'right', 20)).lock();
    const vaults = await Promise.all(Array.from({ length: 6 }, () => openWeakVault(new DirectoryVaultStorage(directory))));
    const results = await Promise.allSettled(vaults.map((vault) => vault.unlock('wrong')));
    assert.ok(results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'wrong-passcode'));
    assert.equal(headerOf(directory).failures, 6);
    assert.ok(!existsSync(join(directory, LOCK_FILE)), 'the lock is released');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: a lock left by a dead process is taken over; a live one makes unlock wait, then fail "busy" without counting', async () => {
  const directory = tempDir();
  try {
    await (await createWeakVault(new DirectoryVaultStorage(directory), 'right', 5)).lock();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(directory, LOCK_FILE), dead.stdout);
    const vault = await openWeakVault(new DirectoryVaultStorage(directory));
    await assert.rejects(vault.unlock('wrong'), { code: 'wrong-passcode', attemptsRemaining: 4 });
    // A live owner (this very process) holding the lock: bounded wait, typed error, nothing counted.
    writeFileSync(join(directory, LOCK_FILE), String(process.pid));
    const before = snapshot(directory);
    const impatient = await openWeakVault(new DirectoryVaultStorage(directory, { lockTimeoutMs: 100 }));
    assert.equal(await rejectCode(impatient.unlock('right')), 'busy');
    assert.deepEqual(snapshot(directory), before);
    rmSync(join(directory, LOCK_FILE));
    await impatient.unlock('right');
    await impatient.lock();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: a damaged or newer record file is a typed error at unlock, and the passcode still counts as right', async () => {
  const directory = tempDir();
  try {
    const vault = await createWeakVault(new DirectoryVaultStorage(directory), 'right', 5);
    await vault.lock();
    writeFileSync(join(directory, RECORDS_FILE), 'this is not an SQLite database, only text '.repeat(100));
    rmSync(join(directory, `${RECORDS_FILE}-wal`), { force: true });
    rmSync(join(directory, `${RECORDS_FILE}-shm`), { force: true });
    const reopened = await openWeakVault(new DirectoryVaultStorage(directory));
    assert.equal(await rejectCode(reopened.unlock('right')), 'record-malformed');
    assert.equal(reopened.state, 'locked');
    assert.equal(headerOf(directory).failures, 0);
    rmSync(join(directory, RECORDS_FILE));
    const db = new Database(join(directory, RECORDS_FILE));
    db.pragma('user_version = 99');
    db.close();
    assert.equal(await rejectCode(reopened.unlock('right')), 'record-version-unknown');
    assert.equal(reopened.state, 'locked');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('directory: the directory is 0700 and every file in it 0600, also for a records file made wider before', async () => {
  const directory = tempDir();
  try {
    const vault = await createWeakVault(new DirectoryVaultStorage(directory), 'right', 4);
    await vault.stores().settings.put('s', rec('kept'));
    const modes = () => new Map(readdirSync(directory).map((name) => [name, statSync(join(directory, name)).mode & 0o777]));
    assert.equal(statSync(directory).mode & 0o777, 0o700);
    assert.ok(modes().has(`${RECORDS_FILE}-wal`), 'the WAL exists while the vault is open');
    for (const [name, mode] of modes()) assert.equal(mode, 0o600, `${name} is ${mode.toString(8)}`);
    await vault.lock();
    // A vault made by an earlier version left records.sqlite 0644: narrowed when opened.
    chmodSync(join(directory, RECORDS_FILE), 0o644);
    const again = await openWeakVault(new DirectoryVaultStorage(directory));
    await again.unlock('right');
    for (const [name, mode] of modes()) assert.equal(mode, 0o600, `${name} is ${mode.toString(8)} after reopening`);
    await again.lock();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
