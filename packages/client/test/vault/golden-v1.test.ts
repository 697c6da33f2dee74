/**
 * Cross-version test: a header and a record written by format version 1 (frozen here as
 * hex, generated once with weak test parameters) must stay readable by every later release.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordKind } from '../../src/store/backend.ts';
import { MemoryVaultStorage } from '../../src/store/memory/memory-vault-storage.ts';
import { decodeHeader, type ActiveHeader } from '../../src/vault/header.ts';
import { openWeakVault, provider } from './helpers.ts';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

const V1_HEADER = hex(
  '534c56480101000000080000000101000760c73de3261159768ba4836c5a29d3f9942beaff2d06a96d326ca6b0af88a8eced5edceae2eddfa0b1a9294a1a60ae557528e7fcb92e81892472032566f94cc3d796d49bd8de7a48102fb6d80000af8de8549ea8d317980922f7f4726f74e656e2f12d2000c15235c55a10591ca5',
);
/** The settings record "golden" = { version 2, "written by format version 1" }. */
const V1_SETTING_KEY = hex('8dc076276638381c1fb3faf5f85b60aa707a487feaf7347a107d2ce2c51a0aa0');
const V1_SETTING_VALUE = hex(
  '0199515f6b68f1d2cee5a0b24bfbc133b580a4e5a08d5433d6dba65127ba31394ff803b2ea9ecccca44954ab286467dda1157cc2ab5b66ce998366f638449f3d4520',
);

test('golden v1: a version-1 header and record still decode, unlock and read', async () => {
  const header = decodeHeader(provider, V1_HEADER, 'weak-for-tests') as ActiveHeader;
  assert.deepEqual(header.params, { memoryKiB: 8, iterations: 1, parallelism: 1 });
  assert.equal(header.maxAttempts, 7);
  assert.equal(header.failures, 0);
  const storage = new MemoryVaultStorage();
  storage.headerBytes = V1_HEADER;
  await storage.records.put(RecordKind.setting, new Uint8Array(0), V1_SETTING_KEY, V1_SETTING_VALUE);
  const vault = await openWeakVault(storage);
  await assert.rejects(vault.unlock('not-it'), { code: 'wrong-passcode', attemptsRemaining: 6 });
  await vault.unlock('golden-passcode');
  assert.deepEqual(await vault.stores().settings.get('golden'), {
    version: 2,
    data: new TextEncoder().encode('written by format version 1'),
  });
  await vault.lock();
});
