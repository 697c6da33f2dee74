import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RecordKind } from '../../src/store/backend.ts';
import { openRecord, sealRecord } from '../../src/store/envelope.ts';
import { RecordKeys } from '../../src/store/record-keys.ts';
import { VaultError } from '../../src/vault/errors.ts';
import { provider } from '../vault/helpers.ts';

const key = new Uint8Array(32).fill(9);
const tag = new Uint8Array(32).fill(1);

test('envelope: round trip; any other kind, tag or key fails authentication', () => {
  const id = new Uint8Array([1, 2, 3]);
  const record = { version: 3, data: new Uint8Array([4, 5, 6]) };
  const sealed = sealRecord(provider, key, RecordKind.message, tag, tag, id, record);
  assert.deepEqual(openRecord(provider, key, RecordKind.message, tag, tag, sealed), { id, record });
  const other = new Uint8Array(32).fill(2);
  for (const open of [
    () => openRecord(provider, key, RecordKind.setting, tag, tag, sealed),
    () => openRecord(provider, key, RecordKind.message, other, tag, sealed),
    () => openRecord(provider, key, RecordKind.message, tag, other, sealed),
    () => openRecord(provider, other, RecordKind.message, tag, tag, sealed),
  ]) {
    assert.throws(open, { code: 'record-auth' });
  }
});

test('envelope: random and mutated envelopes only ever give VaultError (property)', () => {
  const sealed = sealRecord(provider, key, RecordKind.message, tag, tag, new Uint8Array([7]), { version: 1, data: new Uint8Array(10) });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.tuple(fc.nat(sealed.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
      const copy = sealed.slice();
      copy[i] = (copy[i] as number) ^ x;
      return copy;
    })), (bytes) => {
      assert.throws(() => openRecord(provider, key, RecordKind.message, tag, tag, bytes), (error) => error instanceof VaultError);
    }),
    { numRuns: 500 },
  );
});

test('record keys: destroy() zeroes the key bytes it handed out and refuses further use', () => {
  const keys = new RecordKeys(provider, new Uint8Array(32).fill(5));
  const recordKey = keys.recordKey;
  const indexKey = keys.indexKey;
  assert.ok(recordKey.some((b) => b !== 0) && indexKey.some((b) => b !== 0));
  assert.notDeepEqual(recordKey, indexKey);
  keys.destroy();
  assert.ok(recordKey.every((b) => b === 0) && indexKey.every((b) => b === 0));
  assert.throws(() => keys.recordKey, { code: 'locked' });
  assert.equal(JSON.stringify(keys), '"[RecordKeys]"');
});
