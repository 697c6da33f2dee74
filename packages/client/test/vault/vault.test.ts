import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { MemoryVaultStorage } from '../../src/store/memory/memory-vault-storage.ts';
import { decodeHeader, encodeHeader, type ActiveHeader } from '../../src/vault/header.ts';
import { MIN_ARGON2_ITERATIONS, MIN_ARGON2_MEMORY_KIB } from '../../src/vault/limits.ts';
import { Vault } from '../../src/vault/vault.ts';
import { createWeakVault, openWeakVault, provider, rejectCode, WEAK_ARGON2 } from './helpers.ts';

const record = (text: string) => ({ version: 1, data: new TextEncoder().encode(text) });

function activeHeader(storage: MemoryVaultStorage): ActiveHeader {
  const header = decodeHeader(provider, storage.headerBytes as Uint8Array, 'weak-for-tests');
  assert.equal(header.state, 'active');
  return header as ActiveHeader;
}

test('vault: create, lock, unlock with the right passcode; stores refuse while locked', async () => {
  const storage = new MemoryVaultStorage();
  const vault = await createWeakVault(storage, '2468');
  assert.equal(vault.state, 'unlocked');
  await vault.stores().settings.put('theme', record('dark'));
  const stale = vault.stores();
  await vault.lock();
  assert.equal(vault.state, 'locked');
  assert.throws(() => vault.stores(), { code: 'locked' });
  assert.equal(await rejectCode(stale.settings.get('theme')), 'locked');
  await vault.unlock('2468');
  assert.deepEqual(await vault.stores().settings.get('theme'), record('dark'));
});

test('vault: a wrong passcode is counted, survives a restart, and a right one resets the count', async () => {
  const storage = new MemoryVaultStorage();
  await (await createWeakVault(storage, 'right', 5)).lock();
  const first = await openWeakVault(storage);
  await assert.rejects(first.unlock('wrong'), { code: 'wrong-passcode', attemptsRemaining: 4 });
  await assert.rejects(first.unlock('wrong'), { code: 'wrong-passcode', attemptsRemaining: 3 });
  assert.equal(activeHeader(storage).failures, 2);
  // Restart: a new instance on the same storage continues the count.
  const second = await openWeakVault(storage);
  await assert.rejects(second.unlock('wrong'), { code: 'wrong-passcode', attemptsRemaining: 2 });
  await second.unlock('right');
  assert.equal(activeHeader(storage).failures, 0);
  const third = await openWeakVault(storage);
  await assert.rejects(third.unlock('wrong'), { code: 'wrong-passcode', attemptsRemaining: 4 });
});

test('vault: the limit-th wrong passcode in a row wipes keys and records; nothing unlocks it again', async () => {
  const storage = new MemoryVaultStorage();
  const vault = await createWeakVault(storage, 'right', 3);
  await vault.stores().messages.put(new Uint8Array([1]), new Uint8Array([2]), record('hello'));
  await vault.lock();
  assert.equal(storage.records.rowCount, 1);
  await assert.rejects(vault.unlock('wrong1'), { code: 'wrong-passcode', attemptsRemaining: 2 });
  await assert.rejects(vault.unlock('wrong2'), { code: 'wrong-passcode', attemptsRemaining: 1 });
  await assert.rejects(vault.unlock('wrong3'), { code: 'wiped' });
  assert.deepEqual(decodeHeader(provider, storage.headerBytes as Uint8Array, 'weak-for-tests'), { state: 'wiped' });
  assert.equal(storage.records.rowCount, 0);
  assert.equal(await rejectCode(vault.unlock('right')), 'wiped');
  assert.equal(await rejectCode(openWeakVault(storage)), 'wiped');
  // A new vault may be created over a wiped one; the old data stays gone.
  const fresh = await createWeakVault(storage, 'new');
  assert.equal(await fresh.stores().messages.get(new Uint8Array([1]), new Uint8Array([2])), undefined);
});

test('vault: the default limit is 10', async () => {
  const storage = new MemoryVaultStorage();
  await (await createWeakVault(storage, 'right')).lock();
  assert.equal(activeHeader(storage).maxAttempts, 10);
  const vault = await openWeakVault(storage);
  for (let i = 1; i <= 9; i++) {
    await assert.rejects(vault.unlock('wrong'), { code: 'wrong-passcode', attemptsRemaining: 10 - i });
  }
  await assert.rejects(vault.unlock('wrong'), { code: 'wiped' });
});

test('vault: a count that already reached the limit (process died before wiping) wipes even for the right passcode', async () => {
  const storage = new MemoryVaultStorage();
  await (await createWeakVault(storage, 'right', 4)).lock();
  storage.headerBytes = encodeHeader(provider, { ...activeHeader(storage), failures: 4 });
  const vault = await openWeakVault(storage);
  await assert.rejects(vault.unlock('right'), { code: 'wiped' });
});

test('vault: the attempt is persisted before the check; if it cannot be, no check runs', async () => {
  const storage = new MemoryVaultStorage();
  await (await createWeakVault(storage, 'right', 5)).lock();
  const before = storage.headerBytes as Uint8Array;
  const failing = new MemoryVaultStorage();
  failing.headerBytes = before;
  failing.writeHeader = () => Promise.reject(new Error('disk full'));
  const vault = await openWeakVault(failing);
  // Even the right passcode does not unlock when its attempt cannot be recorded first.
  await assert.rejects(vault.unlock('right'), /disk full/);
  assert.equal(vault.state, 'locked');
  assert.deepEqual(failing.headerBytes, before);
});

test('vault: concurrent wrong attempts are each counted', async () => {
  const storage = new MemoryVaultStorage();
  await (await createWeakVault(storage, 'right', 10)).lock();
  const vault = await openWeakVault(storage);
  const results = await Promise.allSettled([vault.unlock('a'), vault.unlock('b'), vault.unlock('c')]);
  assert.ok(results.every((r) => r.status === 'rejected'));
  assert.equal(activeHeader(storage).failures, 3);
});

test('vault: invalid passcodes are refused without counting', async () => {
  const storage = new MemoryVaultStorage();
  await (await createWeakVault(storage, 'right', 5)).lock();
  const vault = await openWeakVault(storage);
  assert.equal(await rejectCode(vault.unlock('')), 'invalid-argument');
  assert.equal(await rejectCode(vault.unlock('x'.repeat(1025))), 'invalid-argument');
  assert.equal(activeHeader(storage).failures, 0);
});

test('vault: passcodes are NFC-normalised (composed and decomposed accents unlock alike)', async () => {
  const storage = new MemoryVaultStorage();
  await (await createWeakVault(storage, 'caf\u00e9')).lock();
  await (await openWeakVault(storage)).unlock('cafe\u0301');
});

test('vault: changing the passcode re-wraps the key only; old passcode fails, new one opens the same records', async () => {
  const storage = new MemoryVaultStorage();
  const vault = await createWeakVault(storage, 'old-pass', 5);
  await vault.stores().keyMaterial.put('identity', record('identity-secret'));
  const rowsBefore = await storage.records.list(1, new Uint8Array(0), 0, 100);
  const headerBefore = activeHeader(storage);
  await vault.changePasscode('old-pass', 'new-pass');
  const headerAfter = activeHeader(storage);
  assert.notDeepEqual(headerAfter.salt, headerBefore.salt);
  assert.notDeepEqual(headerAfter.wrappedKey, headerBefore.wrappedKey);
  assert.deepEqual(await storage.records.list(1, new Uint8Array(0), 0, 100), rowsBefore);
  assert.equal(vault.state, 'unlocked');
  await vault.lock();
  const reopened = await openWeakVault(storage);
  await assert.rejects(reopened.unlock('old-pass'), { code: 'wrong-passcode' });
  await reopened.unlock('new-pass');
  assert.deepEqual(await reopened.stores().keyMaterial.get('identity'), record('identity-secret'));
});

test('vault: changing the passcode with a wrong current one is a counted attempt and changes nothing else', async () => {
  const storage = new MemoryVaultStorage();
  const vault = await createWeakVault(storage, 'old-pass', 5);
  const before = activeHeader(storage);
  await assert.rejects(vault.changePasscode('nope', 'new-pass'), { code: 'wrong-passcode', attemptsRemaining: 4 });
  const after = activeHeader(storage);
  assert.deepEqual({ ...after, failures: 0 }, before);
  assert.equal(after.failures, 1);
});

test('vault: create refuses an existing vault, weak parameters without the opt-in, bad limits', async () => {
  const storage = new MemoryVaultStorage();
  await createWeakVault(storage, 'right');
  assert.equal(await rejectCode(createWeakVault(storage, 'other')), 'already-exists');
  const empty = new MemoryVaultStorage();
  assert.equal(await rejectCode(Vault.create({ provider, storage: empty, passcode: 'p', argon2: WEAK_ARGON2 })), 'weak-parameters');
  assert.equal(await rejectCode(createWeakVault(empty, 'p', 0)), 'invalid-argument');
  assert.equal(await rejectCode(createWeakVault(empty, 'p', 1001)), 'invalid-argument');
  assert.equal(empty.headerBytes, undefined);
  assert.equal(await rejectCode(Vault.open({ provider, storage: empty })), 'not-initialized');
});

test('vault: a header with weak parameters is refused when the test opt-in is absent', async () => {
  const storage = new MemoryVaultStorage();
  await (await createWeakVault(storage, 'right')).lock();
  assert.equal(await rejectCode(Vault.open({ provider, storage })), 'weak-parameters');
});

test('vault: the production default calibrates to at least 64 MiB and 3 passes', async () => {
  const storage = new MemoryVaultStorage();
  const vault = await Vault.create({ provider, storage, passcode: 'production-default', calibration: { targetMs: 1 } });
  const header = decodeHeader(provider, storage.headerBytes as Uint8Array, 'production') as ActiveHeader;
  assert.ok(header.params.memoryKiB >= MIN_ARGON2_MEMORY_KIB);
  assert.ok(header.params.iterations >= MIN_ARGON2_ITERATIONS);
  await vault.lock();
  await (await Vault.open({ provider, storage })).unlock('production-default');
});

test('vault: secrets never reach errors or JSON', async () => {
  const storage = new MemoryVaultStorage();
  const vault = await createWeakVault(storage, 'hunter2-secret', 3);
  await vault.lock();
  for (const attempt of ['wrong-secret-1', 'wrong-secret-2', 'wrong-secret-3']) {
    try {
      await vault.unlock(attempt);
      assert.fail('unlocked');
    } catch (error) {
      const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
      assert.ok(!text.includes('secret'), text);
    }
  }
  assert.equal(JSON.stringify(vault), '"[Vault locked]"');
});

test('vault: a vault written with the node provider opens with the noble (browser) provider', async () => {
  const storage = new MemoryVaultStorage();
  const vault = await createWeakVault(storage, 'cross-provider');
  await vault.stores().messages.put(new Uint8Array([1]), new Uint8Array([2]), record('hello browser'));
  await vault.lock();
  const noble = await Vault.open({ provider: nobleProvider, storage, allowWeakParametersForTests: true });
  await noble.unlock('cross-provider');
  assert.deepEqual(await noble.stores().messages.get(new Uint8Array([1]), new Uint8Array([2])), record('hello browser'));
  await noble.lock();
});
