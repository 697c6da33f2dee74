import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { hex, loadVectors } from '../../../../tools/testvectors.ts';
import { vrfProofToHash, vrfProve, vrfPublicKey, vrfVerify } from '../../src/vrf/ecvrf.ts';
import { Q, intToString } from '../../src/vrf/ecvrf-suite.ts';
import { VrfError, type VrfErrorCode } from '../../src/vrf/vrf-error.ts';

interface Vector { sk: string; pk: string; alpha: string; pi: string }
const [first] = loadVectors<{ vectors: Vector[] }>('rfc/rfc9381-ecvrf-edwards25519-sha512-tai.json').vectors;
if (first === undefined) throw new Error('no vectors');
const pk = hex(first.pk);
const alpha = hex(first.alpha);
const pi = hex(first.pi);

function code(c: VrfErrorCode) {
  return (e: unknown) => e instanceof VrfError && e.code === c;
}

/** y = p = 2^255 - 19, little-endian: not canonical, RFC 8032 §5.1.3 step 1 fails. */
const NON_CANONICAL = hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');

test('RFC 9381 §5.4.5: public keys that do not decode or have small order are rejected', () => {
  assert.throws(() => vrfVerify(NON_CANONICAL, alpha, pi), code('invalid-public-key'));
  assert.throws(() => vrfVerify(pk.subarray(0, 31), alpha, pi), code('invalid-public-key'));
  assert.throws(() => vrfVerify(new Uint8Array(33), alpha, pi), code('invalid-public-key'));
  let smallOrder = 0;
  for (const h of ED25519_TORSION_SUBGROUP) {
    const bytes = hex(h);
    // The torsion list holds one non-canonical encoding; either rejection is correct.
    assert.throws(() => vrfVerify(bytes, alpha, pi), (e) => e instanceof VrfError && (e.code === 'weak-public-key' || e.code === 'invalid-public-key'));
    smallOrder++;
  }
  assert.equal(smallOrder, 8);
});

test('RFC 9381 §5.4.4: proofs of the wrong length, undecodable Gamma or s >= q are rejected', () => {
  assert.throws(() => vrfVerify(pk, alpha, pi.subarray(0, 79)), code('invalid-proof-length'));
  assert.throws(() => vrfVerify(pk, alpha, Uint8Array.of(...pi, 0)), code('invalid-proof-length'));
  assert.throws(() => vrfVerify(pk, alpha, new Uint8Array(0)), code('invalid-proof-length'));
  assert.throws(() => vrfProofToHash(pi.subarray(1)), code('invalid-proof-length'));
  const badGamma = pi.slice();
  badGamma.set(NON_CANONICAL, 0);
  assert.throws(() => vrfVerify(pk, alpha, badGamma), code('invalid-proof-gamma'));
  assert.throws(() => vrfProofToHash(badGamma), code('invalid-proof-gamma'));
  for (const s of [Q, Q + 1n, (1n << 256n) - 1n]) {
    const bad = pi.slice();
    bad.set(intToString(s, 32), 48);
    assert.throws(() => vrfVerify(pk, alpha, bad), code('invalid-proof-scalar'));
  }
  // s = q - 1 decodes, then fails the challenge comparison.
  const sMax = pi.slice();
  sMax.set(intToString(Q - 1n, 32), 48);
  assert.throws(() => vrfVerify(pk, alpha, sMax), code('proof-mismatch'));
});

test('RFC 9381 §5.1: secret keys must be 32 octets', () => {
  assert.throws(() => vrfProve(new Uint8Array(31), alpha), code('invalid-secret-key'));
  assert.throws(() => vrfPublicKey(new Uint8Array(64)), code('invalid-secret-key'));
});

test('errors never carry key, alpha or proof bytes', () => {
  const sk = hex(first.sk);
  try {
    vrfVerify(pk, alpha, pi.subarray(1));
    assert.fail('expected rejection');
  } catch (e) {
    const text = `${String(e)} ${JSON.stringify(e)}`;
    for (const secret of [first.sk, first.pi.slice(2, 34), first.pk]) assert.ok(!text.includes(secret));
  }
  assert.equal(sk.length, 32);
});

test('property: prove then verify round-trips; another alpha or key is rejected', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      (sk, a, suffix) => {
        const key = vrfPublicKey(sk);
        const proof = vrfProve(sk, a);
        const beta = vrfVerify(key, a, proof);
        assert.deepEqual(beta, vrfProofToHash(proof));
        assert.throws(() => vrfVerify(key, Uint8Array.of(...a, ...suffix), proof), code('proof-mismatch'));
        const otherKey = vrfPublicKey(Uint8Array.from(sk, (b) => b ^ 1));
        assert.throws(() => vrfVerify(otherKey, a, proof), code('proof-mismatch'));
      },
    ),
    { numRuns: 20 },
  );
});
