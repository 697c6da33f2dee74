import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { leafHash } from '../../src/log/merkle-hash.ts';
import { consistencyProof, inclusionProof, treeRoot } from '../../src/log/merkle-tree.ts';
import { MAX_PROOF_HASHES, verifyConsistency, verifyInclusion } from '../../src/log/merkle-verify.ts';
import { LogError, type LogErrorCode } from '../../src/log/log-error.ts';
import { entry, naiveRoot } from './naive-merkle.ts';

const MAX_LEAVES = 300;
const entries = Array.from({ length: MAX_LEAVES }, (_, i) => entry(i));
const hashes = entries.map(leafHash);
const roots = Array.from({ length: MAX_LEAVES + 1 }, (_, n) => treeRoot(hashes, n));

const code = (c: LogErrorCode) => (e: unknown) => e instanceof LogError && e.code === c;
const anyLogError = (e: unknown) => e instanceof LogError;

function flipped(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const out = bytes.slice();
  out[index] = (out[index] ?? 0) ^ mask;
  return out;
}

/** Every way of damaging `proof` by one hash: each byte flipped, each hash dropped, one added or duplicated. */
function* damaged(proof: readonly Uint8Array[]): Generator<{ what: string; proof: Uint8Array[] }> {
  for (let h = 0; h < proof.length; h++) {
    for (let b = 0; b < 32; b++) {
      yield { what: `hash ${h} byte ${b} flipped`, proof: proof.map((x, j) => (j === h ? flipped(x, b) : x)) };
    }
    yield { what: `hash ${h} dropped`, proof: proof.filter((_, j) => j !== h) };
    yield { what: `hash ${h} duplicated`, proof: [...proof.slice(0, h + 1), ...proof.slice(h)] };
  }
  yield { what: 'extra hash appended', proof: [...proof, new Uint8Array(32)] };
  yield { what: 'extra hash prepended', proof: [new Uint8Array(32), ...proof] };
  yield { what: 'root appended', proof: [...proof, roots[1] as Uint8Array] };
}

test('RFC 9162 §2.1.3.2: every flipped byte, missing or extra hash is rejected (all proofs of sizes 1..24)', () => {
  let rejected = 0;
  for (let n = 1; n <= 24; n++) {
    const root = roots[n] as Uint8Array;
    for (let i = 0; i < n; i++) {
      const leaf = hashes[i] as Uint8Array;
      const proof = inclusionProof(hashes, i, n);
      for (const d of damaged(proof)) {
        assert.throws(() => verifyInclusion(leaf, i, n, d.proof, root), anyLogError, `n=${n} i=${i} ${d.what}`);
        rejected++;
      }
      for (let b = 0; b < 32; b++) {
        assert.throws(() => verifyInclusion(flipped(leaf, b), i, n, proof, root), code('root-mismatch'));
        assert.throws(() => verifyInclusion(leaf, i, n, proof, flipped(root, b, 0x80)), code('root-mismatch'));
        rejected += 2;
      }
      // Wrong index; wrong size with that size's real root. (A size alone, with the root of
      // another size, is not checked by §2.1.3.2 when the path shape agrees: a checkpoint
      // signs size and root together, so callers take both from one verified checkpoint.)
      if (n > 1) assert.throws(() => verifyInclusion(leaf, (i + 1) % n, n, proof, root), anyLogError);
      assert.throws(() => verifyInclusion(leaf, i, n + 1, proof, roots[n + 1] as Uint8Array), anyLogError);
      if (i < n - 1) assert.throws(() => verifyInclusion(leaf, i, n - 1, proof, roots[n - 1] as Uint8Array), anyLogError);
    }
  }
  console.log(`inclusion: ${rejected} damaged proofs rejected`);
});

test('RFC 9162 §2.1.3.2: extra and missing hashes give proof-too-long / proof-too-short', () => {
  const proof = inclusionProof(hashes, 5, 13);
  assert.throws(() => verifyInclusion(hashes[5] as Uint8Array, 5, 13, [...proof, new Uint8Array(32)], roots[13] as Uint8Array), code('proof-too-long'));
  assert.throws(() => verifyInclusion(hashes[5] as Uint8Array, 5, 13, proof.slice(0, -1), roots[13] as Uint8Array), code('proof-too-short'));
  assert.throws(() => verifyInclusion(hashes[0] as Uint8Array, 0, 1, [new Uint8Array(32)], roots[1] as Uint8Array), code('proof-too-long'));
  verifyInclusion(hashes[0] as Uint8Array, 0, 1, [], roots[1] as Uint8Array);
});

test('RFC 9162 §2.1.3.2 step 1 and input bounds: bad index, size and hash lengths', () => {
  const leaf = hashes[0] as Uint8Array;
  const root = roots[4] as Uint8Array;
  const proof = inclusionProof(hashes, 0, 4);
  assert.throws(() => verifyInclusion(leaf, 4, 4, proof, root), code('index-out-of-range'));
  assert.throws(() => verifyInclusion(leaf, 0, 0, [], root), code('index-out-of-range'));
  assert.throws(() => verifyInclusion(leaf, -1, 4, proof, root), code('invalid-size'));
  assert.throws(() => verifyInclusion(leaf, 0, 2 ** 53, proof, root), code('invalid-size'));
  assert.throws(() => verifyInclusion(leaf, 0, Number.NaN, proof, root), code('invalid-size'));
  assert.throws(() => verifyInclusion(leaf.subarray(1), 0, 4, proof, root), code('invalid-hash-length'));
  assert.throws(() => verifyInclusion(leaf, 0, 4, [proof[0] as Uint8Array, new Uint8Array(33)], root), code('invalid-hash-length'));
  assert.throws(() => verifyInclusion(leaf, 0, 4, proof, new Uint8Array(0)), code('invalid-hash-length'));
  const huge = Array.from({ length: MAX_PROOF_HASHES + 1 }, () => new Uint8Array(32));
  assert.throws(() => verifyInclusion(leaf, 0, 2 ** 52, huge, root), code('too-many-hashes'));
  assert.throws(() => verifyConsistency(1, 2 ** 52, root, root, huge), code('too-many-hashes'));
});

test('RFC 9162 §2.1.4.2: every flipped byte, missing or extra hash is rejected (all pairs 0 < m < n <= 24)', () => {
  let rejected = 0;
  for (let n = 2; n <= 24; n++) {
    for (let m = 1; m < n; m++) {
      const first = roots[m] as Uint8Array;
      const second = roots[n] as Uint8Array;
      const proof = consistencyProof(hashes, m, n);
      for (const d of damaged(proof)) {
        assert.throws(() => verifyConsistency(m, n, first, second, d.proof), anyLogError, `m=${m} n=${n} ${d.what}`);
        rejected++;
      }
      for (let b = 0; b < 32; b++) {
        assert.throws(() => verifyConsistency(m, n, flipped(first, b), second, proof), anyLogError);
        assert.throws(() => verifyConsistency(m, n, first, flipped(second, b), proof), code('root-mismatch'));
        rejected += 2;
      }
      // Wrong sizes, each with that size's real root.
      if (m + 1 < n) assert.throws(() => verifyConsistency(m + 1, n, roots[m + 1] as Uint8Array, second, proof), anyLogError);
      assert.throws(() => verifyConsistency(m, n + 1, first, roots[n + 1] as Uint8Array, proof), anyLogError);
    }
  }
  console.log(`consistency: ${rejected} damaged proofs rejected`);
});

test('RFC 9162 §2.1.4: sizes outside 0 < m < n and empty proofs are rejected', () => {
  const r4 = roots[4] as Uint8Array;
  const r8 = roots[8] as Uint8Array;
  const proof = consistencyProof(hashes, 4, 8);
  assert.throws(() => verifyConsistency(0, 8, roots[0] as Uint8Array, r8, proof), code('invalid-sizes'));
  assert.throws(() => verifyConsistency(8, 8, r8, r8, proof), code('invalid-sizes'));
  assert.throws(() => verifyConsistency(8, 8, r8, r8, []), code('invalid-sizes'));
  assert.throws(() => verifyConsistency(8, 4, r8, r4, proof), code('invalid-sizes'));
  // Step 1: empty path, even where step 2 would prepend first_hash.
  assert.throws(() => verifyConsistency(4, 8, r4, r8, []), code('empty-proof'));
  assert.throws(() => verifyConsistency(3, 8, roots[3] as Uint8Array, r8, []), code('empty-proof'));
  // Extra / missing hash codes.
  const p = consistencyProof(hashes, 5, 13);
  assert.throws(() => verifyConsistency(5, 13, roots[5] as Uint8Array, roots[13] as Uint8Array, [...p, new Uint8Array(32)]), code('proof-too-long'));
  assert.throws(() => verifyConsistency(5, 13, roots[5] as Uint8Array, roots[13] as Uint8Array, p.slice(0, -1)), code('proof-too-short'));
  assert.throws(() => verifyConsistency(4, 8, r4, r8, [...proof, new Uint8Array(32)]), code('proof-too-long'));
});

test('property: random sizes up to 300: proofs verify against the naive root; a random byte flip is rejected', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: MAX_LEAVES }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.nat(), fc.nat())),
      ([n, i, pick, byte]) => {
        const root = roots[n] as Uint8Array;
        assert.deepEqual(root, naiveRoot(entries.slice(0, n)));
        const proof = inclusionProof(hashes, i, n);
        verifyInclusion(hashes[i] as Uint8Array, i, n, proof, root);
        if (proof.length > 0) {
          const h = pick % proof.length;
          const bad = proof.map((x, j) => (j === h ? flipped(x, byte % 32, 1 << (byte % 8)) : x));
          assert.throws(() => verifyInclusion(hashes[i] as Uint8Array, i, n, bad, root), anyLogError);
        }
        const m = i; // 0 <= i < n, so m < n; the RFC defines consistency proofs for m > 0
        if (m > 0) {
          const cp = consistencyProof(hashes, m, n);
          verifyConsistency(m, n, roots[m] as Uint8Array, root, cp);
          const h = pick % cp.length;
          const bad = cp.map((x, j) => (j === h ? flipped(x, byte % 32, 1 << (byte % 8)) : x));
          assert.throws(() => verifyConsistency(m, n, roots[m] as Uint8Array, root, bad), anyLogError);
        }
      },
    ),
    { numRuns: 200 },
  );
});
