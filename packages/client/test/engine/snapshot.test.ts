// The account record: versioned, strict, round-trips, typed errors for malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { cipherSuite, DEFAULT_CIPHER_SUITE } from '@sealed/mls/crypto/cipher-suite';
import { encodeCbor } from '../../src/content/cbor-encode.ts';
import { addKeyPackages, newAccount, ownKeyPackage } from '../../src/engine/account.ts';
import { decodeAccount, encodeAccount, SnapshotError, type SnapshotErrorCode } from '../../src/engine/snapshot.ts';

const suite = cipherSuite(DEFAULT_CIPHER_SUITE, nodeProvider);
const NOW = 1_800_000_000n;

function rejects(bytes: Uint8Array, code: SnapshotErrorCode): void {
  assert.throws(() => decodeAccount(suite, bytes), (e: unknown) => e instanceof SnapshotError && e.code === code);
}

test('an account with key packages and a last resort round-trips byte for byte', () => {
  const account = newAccount(nodeProvider, 'alice');
  addKeyPackages(suite, account, 3, NOW);
  account.lastResort = ownKeyPackage(suite, account, NOW);
  const bytes = encodeAccount(account);
  const decoded = decodeAccount(suite, bytes);
  assert.equal(decoded.username, 'alice');
  assert.deepEqual([...decoded.keyPackages.keys()], [...account.keyPackages.keys()]);
  assert.deepEqual(decoded.device, account.device);
  assert.deepEqual(encodeAccount(decoded), bytes);
});

test('malformed records and unknown versions are refused with typed errors', () => {
  const account = newAccount(nodeProvider, 'bob');
  const good = encodeAccount(account);
  rejects(good.subarray(0, good.length - 1), 'malformed-record');
  rejects(Uint8Array.of(...good, 0), 'malformed-record');
  rejects(encodeCbor([3, 'bob']), 'unknown-version');
  rejects(encodeCbor([1, 'bob']), 'malformed-record');
  rejects(encodeCbor('not an account'), 'malformed-record');
  rejects(encodeCbor([1, 'bob', [new Uint8Array(32), new Uint8Array(32)], [new Uint8Array(15), new Uint8Array(32), new Uint8Array(32)], 1, [], null]), 'malformed-record');
  rejects(encodeCbor([1, 'bob', [new Uint8Array(32), new Uint8Array(32)], [new Uint8Array(16), new Uint8Array(32), new Uint8Array(32)], 1, [[Uint8Array.of(1), new Uint8Array(1), new Uint8Array(1)]], null]), 'malformed-record');
});

