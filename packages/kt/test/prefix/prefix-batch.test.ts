// Batched prefix proofs (draft "Tree Proofs" / "Prefix Tree"): current and past trees,
// cross-checked with the naive root; every damaged proof rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { PrefixTree } from '../../src/prefix/prefix-tree.ts';
import { provePrefixBatch, prefixRootAt, verifyPrefixBatch, type PrefixBatchProof, type PrefixQuery } from '../../src/prefix/prefix-batch.ts';
import { PrefixError } from '../../src/prefix/prefix-error.ts';
import { naivePrefixRoot, type Entry } from './naive-prefix.ts';

const h = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest());
const entry = (i: number): Entry => ({ key: h(`key ${i}`), commitment: h(`c ${i}`) });

/** Inserts entry i at position floor(i / perEpoch). */
function build(n: number, perEpoch: number): PrefixTree {
  let t = PrefixTree.empty();
  for (let i = 0; i < n; i++) t = t.insert(entry(i).key, entry(i).commitment, Math.floor(i / perEpoch));
  return t;
}

function queriesFor(tree: PrefixTree, keys: Uint8Array[], at?: number): { queries: PrefixQuery[]; proof: PrefixBatchProof } {
  const { proof, commitments } = provePrefixBatch(tree, keys, at);
  return { queries: keys.map((key, i) => (commitments[i] === undefined ? { key } : { key, commitment: commitments[i]! })), proof };
}

test('batched proofs verify for present and absent keys, now and at every past position', () => {
  const n = 60;
  const tree = build(n, 7);
  const keys = [entry(3).key, entry(59).key, h('absent 1'), entry(20).key, h('absent 2'), entry(40).key];
  for (let at = 0; at <= Math.floor((n - 1) / 7); at++) {
    const present = Array.from({ length: Math.min(n, (at + 1) * 7) }, (_, i) => entry(i));
    const root = naivePrefixRoot(present);
    assert.deepEqual(prefixRootAt(tree, at), root, `root at ${at}`);
    const { queries, proof } = queriesFor(tree, keys, at);
    const included = verifyPrefixBatch(root, queries, proof);
    assert.deepEqual(included, [3 < present.length, 59 < present.length, false, 20 < present.length, false, 40 < present.length]);
  }
  const { queries, proof } = queriesFor(tree, keys);
  assert.deepEqual(verifyPrefixBatch(tree.rootValue(), queries, proof), [true, true, false, true, false, true]);
  // Shared top: far fewer elements than six separate paths.
  const single = keys.reduce((sum, k) => sum + tree.search(k).elements.length, 0);
  assert.ok(proof.elements.length < single, `${proof.elements.length} < ${single}`);
});

test('every single-byte flip, dropped, added or moved element and changed depth or type is rejected', () => {
  const tree = build(40, 5);
  const keys = [entry(1).key, h('absent'), entry(30).key, h('absent 2')];
  for (const at of [undefined, 2]) {
    const { queries, proof } = queriesFor(tree, keys, at);
    const root = at === undefined ? tree.rootValue() : prefixRootAt(tree, at);
    verifyPrefixBatch(root, queries, proof);
    const rejects = (p: PrefixBatchProof, q: readonly PrefixQuery[] = queries, why = '') =>
      assert.throws(() => verifyPrefixBatch(root, q, p), PrefixError, why);
    let count = 0;
    proof.elements.forEach((e, i) => {
      for (let b = 0; b < e.length; b++) {
        for (const mask of [0x01, 0x80]) {
          const copy = e.slice();
          copy[b]! ^= mask;
          rejects({ ...proof, elements: proof.elements.map((x, j) => (j === i ? copy : x)) }, queries, `element ${i} byte ${b}`);
          count++;
        }
      }
      rejects({ ...proof, elements: proof.elements.filter((_, j) => j !== i) }, queries, 'dropped');
      rejects({ ...proof, elements: [...proof.elements.slice(0, i), e, ...proof.elements.slice(i)] }, queries, 'duplicated');
    });
    rejects({ ...proof, elements: [...proof.elements, new Uint8Array(32)] }, queries, 'extra zero element');
    if (proof.elements.length > 1) rejects({ ...proof, elements: [...proof.elements].reverse() }, queries, 'reordered');
    proof.results.forEach((r, i) => {
      for (const depth of [r.depth - 1, r.depth + 1]) {
        if (depth < 1) continue;
        rejects({ ...proof, results: proof.results.map((x, j) => (j === i ? { ...x, depth } : x)) }, queries, `depth ${i}`);
      }
      if (r.resultType !== 'nonInclusionParent') rejects({ ...proof, results: proof.results.map((x, j) => (j === i ? { resultType: 'nonInclusionParent', depth: r.depth } : x)) });
      if (r.resultType === 'nonInclusionLeaf') {
        for (const field of ['vrfOutput', 'commitment'] as const) {
          for (let b = 0; b < 32; b++) {
            const copy = r.leaf[field].slice();
            copy[b]! ^= 0x01;
            rejects({ ...proof, results: proof.results.map((x, j) => (j === i ? { ...r, leaf: { ...r.leaf, [field]: copy } } : x)) }, queries, `leaf ${field} ${b}`);
            count++;
          }
        }
      }
    });
    // Commitments the verifier holds: a flipped one fails, a missing one fails.
    queries.forEach((q, i) => {
      if (q.commitment === undefined) return;
      const copy = q.commitment.slice();
      copy[0]! ^= 1;
      rejects(proof, queries.map((x, j) => (j === i ? { key: x.key, commitment: copy } : x)), 'commitment');
      rejects(proof, queries.map((x, j) => (j === i ? { key: x.key } : x)), 'missing commitment');
    });
    rejects({ ...proof, results: proof.results.slice(1) }, queries, 'result dropped');
    rejects(proof, [...queries].reverse(), 'queries reordered');
    assert.ok(count > 200, `${count} flips`);
  }
});

test('property: random trees and key sets agree with the naive root and verify', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 12 }), (n, per, picks) => {
      const tree = build(n, per);
      assert.deepEqual(tree.rootValue(), naivePrefixRoot(Array.from({ length: n }, (_, i) => entry(i))));
      const keys = [...new Set(picks)].map((i) => entry(i).key);
      const at = Math.floor(Math.max(0, n - 1) / per / 2);
      const { queries, proof } = queriesFor(tree, keys, at);
      const included = verifyPrefixBatch(prefixRootAt(tree, at), queries, proof);
      assert.deepEqual(included, [...new Set(picks)].map((i) => i < n && Math.floor(i / per) <= at));
    }),
    { numRuns: 150 },
  );
});

test('malformed inputs get typed errors', () => {
  const tree = build(5, 1);
  assert.throws(() => provePrefixBatch(tree, []), PrefixError);
  assert.throws(() => provePrefixBatch(tree, [entry(1).key, entry(1).key]), PrefixError);
  assert.throws(() => provePrefixBatch(tree, [new Uint8Array(31)]), PrefixError);
  const { queries, proof } = queriesFor(tree, [entry(1).key]);
  assert.throws(() => verifyPrefixBatch(new Uint8Array(31), queries, proof), PrefixError);
  assert.throws(() => verifyPrefixBatch(tree.rootValue(), queries, { ...proof, results: [{ resultType: 'inclusion', depth: 0 }] }), PrefixError);
  assert.throws(() => verifyPrefixBatch(tree.rootValue(), queries, { ...proof, results: [{ resultType: 'inclusion', depth: 257 }] }), PrefixError);
  assert.throws(() => verifyPrefixBatch(tree.rootValue(), queries, { ...proof, elements: [...proof.elements.slice(1), new Uint8Array(33)] }), PrefixError);
  assert.throws(() => verifyPrefixBatch(tree.rootValue(), queries, { ...proof, elements: Array.from({ length: 3000 }, () => new Uint8Array(32)) }), PrefixError);
});
