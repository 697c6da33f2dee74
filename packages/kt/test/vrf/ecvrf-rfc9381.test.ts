import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { VRF_PROOF_LEN, vrfOutput32, vrfProofToHash, vrfProve, vrfPublicKey, vrfVerify } from '../../src/vrf/ecvrf.ts';
import { VrfError } from '../../src/vrf/vrf-error.ts';

interface Vector {
  sk: string;
  pk: string;
  alpha: string;
  pi: string;
  beta_prefix32: string;
}
const file = loadVectors<{ suite: string; vectors: Vector[] }>('rfc/rfc9381-ecvrf-edwards25519-sha512-tai.json');
const vectors = file.vectors;

function isVrfError(err: unknown): boolean {
  return err instanceof VrfError;
}

test(`RFC 9381 B.3 ECVRF-EDWARDS25519-SHA512-TAI: ${vectors.length} vectors (prove, verify, proof_to_hash)`, () => {
  assert.equal(file.suite, 'ECVRF-EDWARDS25519-SHA512-TAI');
  assert.ok(vectors.length >= 3, 'vector file must hold the RFC cases');
  for (const v of vectors) {
    const sk = hex(v.sk);
    const pk = hex(v.pk);
    const alpha = hex(v.alpha);
    assert.equal(toHex(vrfPublicKey(sk)), v.pk);
    const pi = vrfProve(sk, alpha);
    assert.equal(toHex(pi), v.pi);
    const beta = vrfVerify(pk, alpha, hex(v.pi));
    assert.equal(beta.length, 64);
    assert.equal(toHex(vrfOutput32(beta)), v.beta_prefix32);
    assert.deepEqual(vrfProofToHash(hex(v.pi)), beta);
  }
  console.log(`rfc9381-ecvrf-edwards25519-sha512-tai: ${vectors.length} cases`);
});

test('RFC 9381 §5.3: every single-bit flip of every vector proof is rejected', () => {
  let flips = 0;
  for (const v of vectors) {
    const pk = hex(v.pk);
    const alpha = hex(v.alpha);
    const pi = hex(v.pi);
    assert.equal(pi.length, VRF_PROOF_LEN);
    for (let bit = 0; bit < VRF_PROOF_LEN * 8; bit++) {
      const bad = pi.slice();
      bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      assert.throws(() => vrfVerify(pk, alpha, bad), isVrfError, `bit ${bit} of ${v.pi.slice(0, 8)}`);
      flips++;
    }
  }
  assert.equal(flips, vectors.length * 640);
  console.log(`rfc9381 bit flips: ${flips} proofs rejected`);
});

test('RFC 9381 §5.3: a proof is rejected under another vector\'s key or alpha', () => {
  for (const [i, v] of vectors.entries()) {
    const other = vectors[(i + 1) % vectors.length];
    assert.ok(other);
    assert.throws(() => vrfVerify(hex(other.pk), hex(v.alpha), hex(v.pi)), (e) => e instanceof VrfError && e.code === 'proof-mismatch');
    assert.throws(() => vrfVerify(hex(v.pk), Uint8Array.of(...hex(v.alpha), 0), hex(v.pi)), (e) => e instanceof VrfError && e.code === 'proof-mismatch');
    if (other.alpha !== v.alpha) {
      assert.throws(() => vrfVerify(hex(v.pk), hex(other.alpha), hex(v.pi)), (e) => e instanceof VrfError && e.code === 'proof-mismatch');
    }
  }
});
