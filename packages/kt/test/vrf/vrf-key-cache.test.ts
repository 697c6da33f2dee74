import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { hex } from '../../../../tools/testvectors.ts';
import { vrfProve, vrfPublicKey, vrfVerify } from '../../src/vrf/ecvrf.ts';
import { Point, challengeFromStrings, challengeGeneration, pointToString, stringToPoint, validateKey } from '../../src/vrf/ecvrf-suite.ts';
import { MAX_CACHED_VRF_KEYS, cachedVerificationKeyCount, validatedVerificationKey } from '../../src/vrf/vrf-key-cache.ts';
import { VrfError } from '../../src/vrf/vrf-error.ts';

const secretKey = (i: number) => new Uint8Array(32).fill(i + 1);
const alpha = Uint8Array.of(1, 2, 3);

test('a verification key is decoded and validated once, then the same point is reused', () => {
  const pk = vrfPublicKey(secretKey(0));
  const first = validatedVerificationKey(pk);
  assert.equal(validatedVerificationKey(Uint8Array.from(pk)), first, 'equal bytes in another buffer hit the cache');
  assert.ok(first.equals(validateKey(pk)));
});

test(`at most MAX_CACHED_VRF_KEYS (${MAX_CACHED_VRF_KEYS}) keys are kept; an evicted key verifies as before`, () => {
  const keys = Array.from({ length: MAX_CACHED_VRF_KEYS + 3 }, (_, i) => ({ pk: vrfPublicKey(secretKey(i)), proof: vrfProve(secretKey(i), alpha) }));
  for (const k of keys) assert.equal(vrfVerify(k.pk, alpha, k.proof).length, 64);
  assert.equal(cachedVerificationKeyCount(), MAX_CACHED_VRF_KEYS);
  // keys[0] was evicted long ago: it is validated again and still verifies its own proof only.
  assert.equal(vrfVerify(keys[0]!.pk, alpha, keys[0]!.proof).length, 64);
  assert.equal(cachedVerificationKeyCount(), MAX_CACHED_VRF_KEYS);
  // Cached keys never mix: every proof fails under every other key.
  for (const k of keys) {
    for (const other of keys) {
      if (other === k) continue;
      assert.throws(() => vrfVerify(other.pk, alpha, k.proof), (e) => e instanceof VrfError && e.code === 'proof-mismatch');
    }
  }
});

test('a rejected key is never kept: it is rejected again on every use', () => {
  const pk = vrfPublicKey(secretKey(0));
  const kept = validatedVerificationKey(pk);
  const proof = vrfProve(secretKey(0), alpha);
  const nonCanonical = hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
  const smallOrder = ED25519_TORSION_SUBGROUP.map(hex).filter((b) => stringToPoint(b) !== undefined);
  assert.ok(smallOrder.length > 0);
  for (let round = 0; round < 3; round++) {
    assert.throws(() => vrfVerify(nonCanonical, alpha, proof), (e) => e instanceof VrfError && e.code === 'invalid-public-key');
    for (const key of smallOrder) assert.throws(() => vrfVerify(key, alpha, proof), (e) => e instanceof VrfError && e.code === 'weak-public-key');
  }
  // More rejected keys than slots went by: had any been kept, the valid key would be gone.
  assert.ok(smallOrder.length + 1 > MAX_CACHED_VRF_KEYS);
  assert.equal(validatedVerificationKey(pk), kept);
  for (const key of smallOrder) assert.throws(() => validatedVerificationKey(key), (e) => e instanceof VrfError && e.code === 'weak-public-key');
});

test('property: a string that string_to_point accepts is the encoding of its point (what challengeFromStrings relies on)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
      const p = stringToPoint(bytes);
      if (p !== undefined) assert.deepEqual(pointToString(p), bytes);
    }),
    { numRuns: 300 },
  );
  // Points that certainly decode: multiples of B, with either sign of x.
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: Point.Fn.ORDER - 1n }), (k) => {
      for (const p of [Point.BASE.multiply(k), Point.BASE.multiply(k).negate()]) {
        const s = pointToString(p);
        assert.deepEqual(pointToString(stringToPoint(s)!), s);
      }
    }),
    { numRuns: 30 },
  );
});

test('challengeFromStrings over the encodings equals challengeGeneration over the points', () => {
  const points = [1n, 2n, 3n, 5n, 8n].map((k) => Point.BASE.multiply(k));
  const [a, b, c, d, e] = points as [Point, Point, Point, Point, Point];
  assert.equal(challengeFromStrings(...(points.map(pointToString) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array])), challengeGeneration(a, b, c, d, e));
});
