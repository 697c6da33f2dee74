import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { hex, loadVectors } from '../../../../tools/testvectors.ts';
import { MAX_PINNED_SIGNATURE_KEYS, pinnedSignatureKeyCount, verifyEd25519Pinned } from '../../src/checkpoint/ed25519-pinned.ts';

interface WycheproofEddsa {
  testGroups: { publicKey: { pk: string }; tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' }[] }[];
}

const nobleStrict = (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean => {
  try {
    return ed25519.verify(sig, msg, pk, { zip215: false });
  } catch {
    return false;
  }
};

test('Wycheproof ed25519_test.json: every vector gives its expected result, as noble verify does (twice: key fresh, then kept)', () => {
  const { testGroups } = loadVectors<WycheproofEddsa>('wycheproof/ed25519_test.json');
  let count = 0;
  for (const group of testGroups) {
    const pk = hex(group.publicKey.pk);
    for (const t of group.tests) {
      const sig = hex(t.sig);
      const msg = hex(t.msg);
      for (let round = 0; round < 2; round++) {
        assert.equal(verifyEd25519Pinned(sig, msg, pk), t.result === 'valid', `tcId ${t.tcId}`);
      }
      assert.equal(nobleStrict(sig, msg, pk), t.result === 'valid', `noble on tcId ${t.tcId}`);
      count++;
    }
  }
  assert.equal(count, 151);
});

test('property: same result as noble strict verify for valid, bit-flipped and torsion-shifted signatures and keys', () => {
  const torsion = ED25519_TORSION_SUBGROUP.map((h) => hex(h)).flatMap((b) => {
    try {
      return [ed25519.Point.fromBytes(b, false)];
    } catch {
      return [];
    }
  });
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 200 }),
      fc.nat({ max: 64 * 8 - 1 }),
      fc.nat({ max: torsion.length - 1 }),
      (sk, msg, bit, t) => {
        const pk = ed25519.getPublicKey(sk);
        const sig = ed25519.sign(msg, sk);
        assert.equal(verifyEd25519Pinned(sig, msg, pk), true);
        const flipped = sig.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        assert.equal(verifyEd25519Pinned(flipped, msg, pk), nobleStrict(flipped, msg, pk));
        assert.equal(verifyEd25519Pinned(flipped, msg, pk), false);
        const otherMsg = Uint8Array.of(...msg, 0);
        assert.equal(verifyEd25519Pinned(sig, otherMsg, pk), false);
        // A key or R with a small-order component: both verifiers agree.
        const T = torsion[t]!;
        const shiftedKey = ed25519.Point.fromBytes(pk).add(T).toBytes();
        assert.equal(verifyEd25519Pinned(sig, msg, shiftedKey), nobleStrict(sig, msg, shiftedKey));
        const shiftedR = Uint8Array.of(...ed25519.Point.fromBytes(sig.subarray(0, 32)).add(T).toBytes(), ...sig.subarray(32));
        assert.equal(verifyEd25519Pinned(shiftedR, msg, pk), nobleStrict(shiftedR, msg, pk));
      },
    ),
    { numRuns: 60 },
  );
});

test('S >= L, non-canonical encodings, small-order keys and wrong lengths are rejected', () => {
  const sk = new Uint8Array(32).fill(9);
  const pk = ed25519.getPublicKey(sk);
  const msg = Uint8Array.of(1, 2, 3);
  const sig = ed25519.sign(msg, sk);
  const L = ed25519.Point.Fn.ORDER;
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
  const plusL = sig.slice();
  let v = s + L;
  for (let i = 32; i < 64; i++, v >>= 8n) plusL[i] = Number(v & 0xffn);
  assert.equal(verifyEd25519Pinned(plusL, msg, pk), false);
  const nonCanonical = hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
  assert.equal(verifyEd25519Pinned(sig, msg, nonCanonical), false);
  assert.equal(verifyEd25519Pinned(Uint8Array.of(...nonCanonical, ...sig.subarray(32)), msg, pk), false);
  for (const h of ED25519_TORSION_SUBGROUP) {
    // Rejected every time: a small-order key is never kept.
    for (let round = 0; round < 2; round++) assert.equal(verifyEd25519Pinned(sig, msg, hex(h)), false);
  }
  assert.equal(verifyEd25519Pinned(sig.subarray(0, 63), msg, pk), false);
  assert.equal(verifyEd25519Pinned(sig, msg, pk.subarray(0, 31)), false);
  assert.equal(verifyEd25519Pinned(sig, msg, pk), true);
});

test(`at most MAX_PINNED_SIGNATURE_KEYS (${MAX_PINNED_SIGNATURE_KEYS}) keys are kept; an evicted key verifies as before`, () => {
  const msg = Uint8Array.of(7);
  const signers = Array.from({ length: MAX_PINNED_SIGNATURE_KEYS + 5 }, (_, i) => {
    const sk = new Uint8Array(32).fill(i + 100);
    return { pk: ed25519.getPublicKey(sk), sig: ed25519.sign(msg, sk) };
  });
  for (const s of signers) assert.equal(verifyEd25519Pinned(s.sig, msg, s.pk), true);
  assert.equal(pinnedSignatureKeyCount(), MAX_PINNED_SIGNATURE_KEYS);
  for (const s of signers) {
    assert.equal(verifyEd25519Pinned(s.sig, msg, s.pk), true);
    for (const other of signers.slice(0, 3)) if (other !== s) assert.equal(verifyEd25519Pinned(s.sig, msg, other.pk), false);
  }
  assert.equal(pinnedSignatureKeyCount(), MAX_PINNED_SIGNATURE_KEYS);
});
