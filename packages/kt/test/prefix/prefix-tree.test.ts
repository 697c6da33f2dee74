import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { PrefixTree } from '../../src/prefix/prefix-tree.ts';
import { verifyPrefixSearch, type PrefixSearchProof } from '../../src/prefix/prefix-proof.ts';
import { PrefixError, type PrefixErrorCode } from '../../src/prefix/prefix-error.ts';
import { keyWithPrefix, naivePrefixRoot, type Entry } from './naive-prefix.ts';

const code = (c: PrefixErrorCode) => (e: unknown) => e instanceof PrefixError && e.code === c;
const anyPrefixError = (e: unknown) => e instanceof PrefixError;

function commitmentFor(i: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`commitment ${i}`).digest());
}
function randomishKey(i: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`key ${i}`).digest());
}
function build(entries: readonly Entry[]): PrefixTree {
  let t = PrefixTree.empty();
  for (const e of entries) t = t.insert(e.key, e.commitment);
  return t;
}

test('draft "Prefix Tree" figures: five keys, then 01101 added; leaf depths as drawn', () => {
  const bits = ['00010', '00101', '10001', '10111', '11011'];
  const entries = bits.map((b, i) => ({ key: keyWithPrefix(b), commitment: commitmentFor(i) }));
  const t = build(entries);
  assert.deepEqual(bits.map((b) => t.search(keyWithPrefix(b)).depth), [3, 3, 3, 3, 2]);
  const t2 = t.insert(keyWithPrefix('01101'), commitmentFor(5));
  assert.deepEqual(['00010', '00101', '01101', '10001', '10111', '11011'].map((b) => t2.search(keyWithPrefix(b)).depth), [3, 3, 2, 3, 3, 2]);
  // The first tree is unchanged (persistence), and both roots match the naive computation.
  assert.deepEqual(t.rootValue(), naivePrefixRoot(entries));
  assert.deepEqual(t2.rootValue(), naivePrefixRoot([...entries, { key: keyWithPrefix('01101'), commitment: commitmentFor(5) }]));
  // 01101 in the first tree: the root's left child (prefix 0) lacks child 1 -> stand-in at depth 2.
  const absent = t.search(keyWithPrefix('01101'));
  assert.equal(absent.resultType, 'nonInclusionParent');
  assert.equal(absent.depth, 2);
  assert.deepEqual(verifyPrefixSearch(t.rootValue(), keyWithPrefix('01101'), absent), { included: false });
  // 11000 ends at the leaf 11011 (depth 2): a nonInclusionLeaf.
  const other = t.search(keyWithPrefix('11000'));
  assert.equal(other.resultType, 'nonInclusionLeaf');
  assert.deepEqual(verifyPrefixSearch(t.rootValue(), keyWithPrefix('11000'), other), { included: false });
});

test('empty tree: every search is a nonInclusionParent at depth 1 and verifies', () => {
  const t = PrefixTree.empty();
  assert.deepEqual(t.rootValue(), naivePrefixRoot([]));
  const p = t.search(randomishKey(1));
  assert.equal(p.resultType, 'nonInclusionParent');
  assert.equal(p.depth, 1);
  assert.deepEqual(verifyPrefixSearch(t.rootValue(), randomishKey(1), p), { included: false });
});

test('keys sharing 255 bits: leaves at depth 256 are proved', () => {
  const a = keyWithPrefix('', 0x5a);
  const b = a.slice();
  b[31] = (b[31] ?? 0) ^ 1;
  const t = build([{ key: a, commitment: commitmentFor(1) }, { key: b, commitment: commitmentFor(2) }]);
  const p = t.search(b);
  assert.equal(p.depth, 256);
  assert.deepEqual(verifyPrefixSearch(t.rootValue(), b, p), { included: true, commitment: commitmentFor(2) });
  assert.deepEqual(t.rootValue(), naivePrefixRoot([{ key: a, commitment: commitmentFor(1) }, { key: b, commitment: commitmentFor(2) }]));
});

test('insert rejects duplicate keys and bad lengths, and changes nothing', () => {
  const t = build([{ key: randomishKey(1), commitment: commitmentFor(1) }]);
  const before = t.rootValue();
  assert.throws(() => t.insert(randomishKey(1), commitmentFor(2)), code('duplicate-key'));
  assert.throws(() => t.insert(randomishKey(2).subarray(1), commitmentFor(2)), code('invalid-key-length'));
  assert.throws(() => t.insert(randomishKey(2), new Uint8Array(31)), code('invalid-hash-length'));
  assert.throws(() => t.search(new Uint8Array(33)), code('invalid-key-length'));
  assert.deepEqual(t.rootValue(), before);
  assert.equal(t.size, 1);
});

function flip(b: Uint8Array, i: number, mask = 1): Uint8Array {
  const o = b.slice();
  o[i] = (o[i] ?? 0) ^ mask;
  return o;
}

/** Every one-byte or one-element damage to a proof. */
function* damaged(p: PrefixSearchProof): Generator<[string, PrefixSearchProof]> {
  for (let e = 0; e < p.elements.length; e++) {
    for (let b = 0; b < 32; b++) yield [`element ${e} byte ${b}`, { ...p, elements: p.elements.map((x, j) => (j === e ? flip(x, b) : x)) }];
    yield [`element ${e} dropped`, { ...p, elements: p.elements.filter((_, j) => j !== e) }];
  }
  yield ['extra element', { ...p, elements: [...p.elements, new Uint8Array(32)] }];
  yield ['depth + 1', { ...p, depth: p.depth + 1 }];
  yield ['depth - 1', { ...p, depth: p.depth - 1 }];
  yield ['depth + 1 with extra element', { ...p, depth: p.depth + 1, elements: [...p.elements, new Uint8Array(32)] }];
  if (p.depth > 1) yield ['depth - 1 with an element dropped', { ...p, depth: p.depth - 1, elements: p.elements.slice(1) }];
  if (p.resultType === 'inclusion') {
    for (let b = 0; b < 32; b++) yield [`commitment byte ${b}`, { ...p, commitment: flip(p.commitment, b) }];
    yield ['inclusion shown as nonInclusionParent', { resultType: 'nonInclusionParent', depth: p.depth, elements: p.elements }];
  }
  if (p.resultType === 'nonInclusionLeaf') {
    for (let b = 0; b < 32; b++) {
      yield [`leaf commitment byte ${b}`, { ...p, leaf: { ...p.leaf, commitment: flip(p.leaf.commitment, b) } }];
      yield [`leaf key byte ${b}`, { ...p, leaf: { ...p.leaf, vrfOutput: flip(p.leaf.vrfOutput, b) } }];
    }
    yield ['shown as nonInclusionParent', { resultType: 'nonInclusionParent', depth: p.depth, elements: p.elements }];
    yield ['shown as inclusion', { resultType: 'inclusion', depth: p.depth, elements: p.elements, commitment: p.leaf.commitment }];
  }
  if (p.resultType === 'nonInclusionParent') {
    yield ['shown as inclusion', { resultType: 'inclusion', depth: p.depth, elements: p.elements, commitment: new Uint8Array(32) }];
  }
}

test('every flipped byte, extra or missing element, wrong depth or result type is rejected', () => {
  const entries = Array.from({ length: 40 }, (_, i) => ({ key: randomishKey(i), commitment: commitmentFor(i) }));
  const t = build(entries);
  const root = t.rootValue();
  let rejected = 0;
  const kinds = new Set<string>();
  for (let i = 0; i < 80; i++) {
    const key = randomishKey(i); // 0..39 present, 40..79 absent
    const proof = t.search(key);
    kinds.add(proof.resultType);
    const result = verifyPrefixSearch(root, key, proof);
    assert.equal(result.included, i < 40);
    for (const [what, bad] of damaged(proof)) {
      assert.throws(() => verifyPrefixSearch(root, key, bad), anyPrefixError, `key ${i}: ${what}`);
      rejected++;
    }
    for (let b = 0; b < 32; b++) {
      assert.throws(() => verifyPrefixSearch(flip(root, b, 0x80), key, proof), code('root-mismatch'));
      rejected++;
    }
    // An inclusion proof for one key never verifies for another. (A non-inclusion proof
    // legitimately covers every key on the same path prefix, so it may verify, as "absent".)
    const another = randomishKey(i + 1000);
    if (proof.resultType === 'inclusion') assert.throws(() => verifyPrefixSearch(root, another, proof), anyPrefixError);
    else {
      try {
        assert.equal(verifyPrefixSearch(root, another, proof).included, false);
      } catch (e) {
        assert.ok(e instanceof PrefixError);
      }
    }
  }
  assert.deepEqual([...kinds].sort(), ['inclusion', 'nonInclusionLeaf', 'nonInclusionParent']);
  console.log(`prefix search: ${rejected} damaged proofs rejected`);
});

test('verification bounds: depth outside 1..256, bad lengths, leaf off the path or equal to the key', () => {
  const t = build([{ key: keyWithPrefix('0'), commitment: commitmentFor(1) }]);
  const root = t.rootValue();
  const key = keyWithPrefix('1');
  const ok = t.search(key);
  assert.throws(() => verifyPrefixSearch(root, key, { ...ok, depth: 0, elements: [] }), code('invalid-depth'));
  assert.throws(() => verifyPrefixSearch(root, key, { ...ok, depth: 257, elements: [] }), code('invalid-depth'));
  assert.throws(() => verifyPrefixSearch(root, key, { ...ok, depth: 1.5 }), code('invalid-depth'));
  assert.throws(() => verifyPrefixSearch(root, key, { ...ok, elements: [] }), code('wrong-element-count'));
  assert.throws(() => verifyPrefixSearch(root, key, { ...ok, elements: [new Uint8Array(31)] }), code('invalid-hash-length'));
  assert.throws(() => verifyPrefixSearch(root.subarray(1), key, ok), code('invalid-hash-length'));
  assert.throws(() => verifyPrefixSearch(root, key.subarray(1), ok), code('invalid-key-length'));
  // A present key's leaf passed off as the nonInclusionLeaf of a key on another path.
  const present = keyWithPrefix('0');
  const leafProof: PrefixSearchProof = { resultType: 'nonInclusionLeaf', depth: 1, elements: ok.elements, leaf: { vrfOutput: present, commitment: commitmentFor(1) } };
  assert.throws(() => verifyPrefixSearch(root, key, leafProof), code('leaf-not-on-path'));
  const selfProof: PrefixSearchProof = { resultType: 'nonInclusionLeaf', depth: 1, elements: [new Uint8Array(32)], leaf: { vrfOutput: present, commitment: commitmentFor(1) } };
  assert.throws(() => verifyPrefixSearch(root, present, selfProof), code('leaf-is-searched-key'));
});

test('property: random key sets up to 200: root equals the naive root; every search verifies with the right answer', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 200, size: 'max', selector: (k) => k.join(',') }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (keys, probe) => {
      const entries = keys.map((key, i) => ({ key, commitment: commitmentFor(i) }));
      const t = build(entries);
      const root = t.rootValue();
      assert.deepEqual(root, naivePrefixRoot(entries));
      assert.equal(t.size, entries.length);
      for (const [i, e] of entries.entries()) {
        assert.deepEqual(verifyPrefixSearch(root, e.key, t.search(e.key)), { included: true, commitment: commitmentFor(i) });
      }
      const isPresent = keys.some((k) => k.every((b, j) => b === probe[j]));
      assert.equal(verifyPrefixSearch(root, probe, t.search(probe)).included, isPresent);
    }),
    { numRuns: 40 },
  );
});
