/**
 * One conformance suite for the encrypted stores, run against every VaultStorage back end
 * (memory, SQLite directory; IndexedDB later). `makeStorage` is called once per test and
 * must return a fresh, empty storage; `reopen` gives a new storage object on the same
 * bytes (a restart).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordKind, type RecordBackend } from '../../src/store/backend.ts';
import type { VaultStorage } from '../../src/vault/vault-storage.ts';
import { createWeakVault, openWeakVault, rejectCode } from '../vault/helpers.ts';

export interface StorageFixture {
  readonly storage: VaultStorage;
  reopen(): VaultStorage;
  cleanup(): Promise<void>;
}

const enc = (text: string) => new TextEncoder().encode(text);
const rec = (text: string, version = 1) => ({ version, data: enc(text) });
const id = (n: number) => new Uint8Array([n, n, n]);
const NO_COLLECTION = new Uint8Array(0);

async function withVault(
  makeStorage: () => Promise<StorageFixture>,
  body: (fixture: StorageFixture, vault: Awaited<ReturnType<typeof createWeakVault>>) => Promise<void>,
): Promise<void> {
  const fixture = await makeStorage();
  const vault = await createWeakVault(fixture.storage, 'conformance');
  try {
    await body(fixture, vault);
  } finally {
    await vault.lock();
    await fixture.cleanup();
  }
}

/** Opens a second raw handle on the rows, for tampering. */
async function raw(fixture: StorageFixture): Promise<RecordBackend> {
  return fixture.storage.openRecords();
}

export function runStoreConformance(name: string, makeStorage: () => Promise<StorageFixture>): void {
  test(`${name}: named stores (key material, settings) put/get/replace/delete`, () =>
    withVault(makeStorage, async (_fixture, vault) => {
      const { keyMaterial, settings } = vault.stores();
      assert.equal(await keyMaterial.get('identity'), undefined);
      await keyMaterial.put('identity', rec('k1'));
      await keyMaterial.put('identity', rec('k2', 2));
      assert.deepEqual(await keyMaterial.get('identity'), rec('k2', 2));
      // Same name, other store: separate records.
      assert.equal(await settings.get('identity'), undefined);
      await settings.put('identity', rec('s'));
      assert.deepEqual(await keyMaterial.get('identity'), rec('k2', 2));
      assert.equal(await keyMaterial.delete('identity'), true);
      assert.equal(await keyMaterial.delete('identity'), false);
      assert.equal(await keyMaterial.get('identity'), undefined);
      assert.deepEqual(await settings.get('identity'), rec('s'));
      await settings.put('empty', { version: 7, data: new Uint8Array(0) });
      assert.deepEqual(await settings.get('empty'), { version: 7, data: new Uint8Array(0) });
    }));

  test(`${name}: group states and conversations list in first-stored order, in pages`, () =>
    withVault(makeStorage, async (_fixture, vault) => {
      const { groupStates, conversations } = vault.stores();
      for (let i = 1; i <= 5; i++) await groupStates.put(id(i), rec(`g${i}`));
      await groupStates.put(id(2), rec('g2-updated')); // keeps its place
      const first = await groupStates.list({ limit: 2 });
      assert.deepEqual(first.items.map((x) => x.groupId), [id(1), id(2)]);
      assert.deepEqual(first.items[1]?.state, rec('g2-updated'));
      assert.ok(first.next !== undefined);
      const rest = await groupStates.list({ after: first.next, limit: 10 });
      assert.deepEqual(rest.items.map((x) => x.groupId), [id(3), id(4), id(5)]);
      assert.equal(rest.next, undefined);
      await groupStates.delete(id(3));
      assert.equal((await groupStates.list()).items.length, 4);
      assert.equal((await conversations.list()).items.length, 0);
      await conversations.put(id(9), rec('c9'));
      assert.deepEqual((await conversations.list()).items, [{ conversationId: id(9), record: rec('c9') }]);
      assert.deepEqual(await conversations.get(id(9)), rec('c9'));
    }));

  test(`${name}: messages are kept per conversation, in order; a conversation can be cleared`, () =>
    withVault(makeStorage, async (_fixture, vault) => {
      const { messages } = vault.stores();
      const a = enc('conversation-a');
      const b = enc('conversation-b');
      for (let i = 1; i <= 4; i++) {
        await messages.put(a, id(i), rec(`a${i}`));
        await messages.put(b, id(i), rec(`b${i}`));
      }
      await messages.put(a, id(1), rec('a1-edited'));
      const pageA = await messages.list(a);
      assert.deepEqual(pageA.items.map((m) => new TextDecoder().decode(m.message.data)), ['a1-edited', 'a2', 'a3', 'a4']);
      assert.deepEqual(await messages.get(b, id(1)), rec('b1'));
      assert.equal(await messages.delete(b, id(1)), true);
      assert.equal(await messages.get(b, id(1)), undefined);
      assert.equal(await messages.deleteConversation(a), 4);
      assert.equal((await messages.list(a)).items.length, 0);
      assert.equal((await messages.list(b)).items.length, 3);
    }));

  test(`${name}: bad arguments get typed errors and store nothing`, () =>
    withVault(makeStorage, async (_fixture, vault) => {
      const { settings, groupStates, messages } = vault.stores();
      assert.equal(await rejectCode(settings.put('x', { version: 0, data: new Uint8Array(0) })), 'invalid-argument');
      assert.equal(await rejectCode(settings.put('x', { version: 65536, data: new Uint8Array(0) })), 'invalid-argument');
      assert.equal(await rejectCode(settings.put('', rec('x'))), 'invalid-argument');
      assert.equal(await rejectCode(groupStates.put(new Uint8Array(1025), rec('x'))), 'invalid-argument');
      assert.equal(await rejectCode(messages.put(new Uint8Array(1025), id(1), rec('x'))), 'invalid-argument');
      assert.equal(await rejectCode(groupStates.list({ limit: 0 })), 'invalid-argument');
      assert.equal(await rejectCode(groupStates.list({ limit: 1001 })), 'invalid-argument');
      assert.equal(await rejectCode(groupStates.list({ after: -1 })), 'invalid-argument');
      assert.equal(await settings.get('x'), undefined);
      assert.equal((await groupStates.list()).items.length, 0);
    }));

  test(`${name}: records cannot be swapped between ids or stores, nor tampered with`, () =>
    withVault(makeStorage, async (fixture, vault) => {
      const { keyMaterial, settings } = vault.stores();
      await keyMaterial.put('one', rec('first-secret'));
      await keyMaterial.put('two', rec('second-secret'));
      await settings.put('three', rec('setting'));
      const backend = await raw(fixture);
      const keyRows = await backend.list(RecordKind.keyMaterial, NO_COLLECTION, 0, 10);
      const settingRows = await backend.list(RecordKind.setting, NO_COLLECTION, 0, 10);
      assert.equal(keyRows.length, 2);
      const [one, two] = keyRows as [(typeof keyRows)[0], (typeof keyRows)[0]];
      const [three] = settingRows as [(typeof settingRows)[0]];
      // Swap the two key-material records.
      await backend.put(RecordKind.keyMaterial, NO_COLLECTION, one.key, two.value);
      assert.equal(await rejectCode(keyMaterial.get('one')), 'record-auth');
      // Move a settings record into key material.
      await backend.put(RecordKind.keyMaterial, NO_COLLECTION, two.key, three.value);
      assert.equal(await rejectCode(keyMaterial.get('two')), 'record-auth');
      // Untouched records still open.
      assert.deepEqual(await settings.get('three'), rec('setting'));
      // Flip one ciphertext bit.
      const flipped = three.value.slice();
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
      await backend.put(RecordKind.setting, NO_COLLECTION, three.key, flipped);
      assert.equal(await rejectCode(settings.get('three')), 'record-auth');
      // Unknown envelope version, and truncated envelopes.
      const future = three.value.slice();
      future[0] = 2;
      await backend.put(RecordKind.setting, NO_COLLECTION, three.key, future);
      assert.equal(await rejectCode(settings.get('three')), 'record-version-unknown');
      for (const length of [0, 1, 13, 29, 32]) {
        await backend.put(RecordKind.setting, NO_COLLECTION, three.key, three.value.subarray(0, length));
        assert.match(await rejectCode(settings.get('three')), /^record-(malformed|auth)$/, `length ${length}`);
      }
      await backend.close();
    }));

  test(`${name}: records survive lock/unlock and a restart`, async () => {
    const fixture = await makeStorage();
    try {
      const vault = await createWeakVault(fixture.storage, 'restart');
      await vault.stores().messages.put(enc('c'), enc('m1'), rec('persisted'));
      await vault.lock();
      await vault.unlock('restart');
      assert.deepEqual(await vault.stores().messages.get(enc('c'), enc('m1')), rec('persisted'));
      await vault.lock();
      const again = await openWeakVault(fixture.reopen());
      await again.unlock('restart');
      assert.deepEqual(await again.stores().messages.get(enc('c'), enc('m1')), rec('persisted'));
      await again.lock();
    } finally {
      await fixture.cleanup();
    }
  });
}
