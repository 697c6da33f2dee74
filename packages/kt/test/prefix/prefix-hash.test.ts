// Prefix-tree node values (draft "Prefix Tree", Cryptographic Computations) against
// node:crypto's SHA-256 over the concatenated input: the hasher fed in three parts gives the
// same digest, for the 32-octet inputs the tree uses and for any other lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { prefixLeafValue, prefixParentValue } from '../../src/prefix/prefix-hash.ts';

const sha256 = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());

test('leaf = SHA-256(0x02 || vrf_output || commitment), parent = SHA-256(0x03 || left || right)', () => {
  for (const [la, lb] of [[32, 32], [0, 0], [31, 32], [32, 31], [63, 1], [64, 64], [100, 3]] as const) {
    for (let i = 0; i < 20; i++) {
      const a = new Uint8Array(randomBytes(la));
      const b = new Uint8Array(randomBytes(lb));
      assert.deepEqual(prefixLeafValue(a, b), sha256(Uint8Array.of(2), a, b), `leaf ${la}/${lb}`);
      assert.deepEqual(prefixParentValue(a, b), sha256(Uint8Array.of(3), a, b), `parent ${la}/${lb}`);
    }
  }
  assert.deepEqual(prefixParentValue(new Uint8Array(32), new Uint8Array(32)), sha256(Uint8Array.of(3), new Uint8Array(64)));
});
