// PrefixTree.insertAll (one epoch's inserts in one walk) makes exactly the tree that
// PrefixTree.insert makes one key at a time: same nodes (values, positions, shape, shared
// old leaves), same proofs now and at every past position, same errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { PrefixTree } from '../../src/prefix/prefix-tree.ts';
import { provePrefixBatch } from '../../src/prefix/prefix-batch.ts';
import { PrefixError, type PrefixErrorCode } from '../../src/prefix/prefix-error.ts';
import { keyWithPrefix, naivePrefixRoot, type Entry } from './naive-prefix.ts';

const h = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest());
const entry = (i: number): Entry => ({ key: h(`key ${i}`), commitment: h(`c ${i}`) });
const code = (c: PrefixErrorCode) => (e: unknown) => e instanceof PrefixError && e.code === c;

/** The reference: one insert per key, epoch by epoch. */
function oneByOne(epochs: readonly (readonly Entry[])[]): PrefixTree {
  let t = PrefixTree.empty();
  epochs.forEach((entries, position) => {
    for (const e of entries) t = t.insert(e.key, e.commitment, position);
  });
  return t;
}

function batched(epochs: readonly (readonly Entry[])[]): PrefixTree {
  let t = PrefixTree.empty();
  epochs.forEach((entries, position) => (t = t.insertAll(entries, position)));
  return t;
}

function sameTrees(a: PrefixTree, b: PrefixTree, probes: readonly Uint8Array[], positions: number): void {
  assert.equal(a.size, b.size);
  assert.deepStrictEqual(a.rootNode(), b.rootNode());
  for (const k of probes) assert.deepStrictEqual(a.search(k), b.search(k));
  for (let at = 0; at < positions; at++) assert.deepStrictEqual(provePrefixBatch(a, probes, at), provePrefixBatch(b, probes, at));
}

test('epochs of random keys: the same nodes, roots and proofs (now and at every past position) as one insert at a time', () => {
  const sizes = [0, 1, 2, 37, 0, 300, 5, 1, 64, 0, 900];
  let i = 0;
  const epochs = sizes.map((n) => Array.from({ length: n }, () => entry(i++)));
  const a = batched(epochs);
  const b = oneByOne(epochs);
  const probes = [entry(0).key, entry(40).key, entry(i - 1).key, h('absent'), entry(700).key];
  sameTrees(a, b, probes, epochs.length);
  assert.deepEqual(a.rootValue(), naivePrefixRoot(epochs.flat()));
});

test('keys sharing long prefixes with an existing leaf and with each other (leaves down to depth 256)', () => {
  const base = keyWithPrefix('', 0x5a);
  const near = (bit: number): Uint8Array => {
    const k = base.slice();
    k[bit >> 3] = (k[bit >> 3] ?? 0) ^ (1 << (7 - (bit & 7)));
    return k;
  };
  const c = (n: number) => h(`c ${n}`);
  const epochs = [
    [{ key: base, commitment: c(0) }],
    [{ key: near(255), commitment: c(1) }, { key: near(254), commitment: c(2) }, { key: near(3), commitment: c(3) }],
    [{ key: near(100), commitment: c(4) }, { key: keyWithPrefix('1'), commitment: c(5) }],
  ];
  const a = batched(epochs);
  sameTrees(a, oneByOne(epochs), epochs.flat().map((e) => e.key), epochs.length);
  assert.equal(a.search(near(255)).depth, 256);
});

test('property: any split into epochs and any order inside them gives the one-at-a-time tree', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(40), { maxLength: 12 }), fc.integer(), (sizes, seed) => {
      let i = 0;
      const epochs = sizes.map((n) => Array.from({ length: n }, () => entry(seed + i++)));
      const shuffled = epochs.map((e) => [...e].reverse());
      const a = batched(shuffled);
      sameTrees(a, oneByOne(epochs), [entry(seed).key, entry(seed + i + 1).key, h(`p ${seed}`)], epochs.length);
    }),
    { numRuns: 100 },
  );
});

test('an empty batch returns the same tree; the old tree is unchanged by a batch (persistence)', () => {
  const t = batched([[entry(1), entry(2)]]);
  assert.equal(t.insertAll([], 5), t);
  const root = t.rootValue();
  const t2 = t.insertAll([entry(3), entry(4)], 1);
  assert.deepEqual(t.rootValue(), root);
  assert.equal(t.size, 2);
  assert.equal(t2.size, 4);
});

test('errors: as insert gives them, and the tree is unchanged', () => {
  const t = batched([[entry(1), entry(2)]]);
  const root = t.rootValue();
  assert.throws(() => t.insertAll([entry(3), entry(1)], 1), code('duplicate-key'));
  assert.throws(() => t.insertAll([entry(3), entry(4), entry(3)], 1), code('duplicate-key'));
  assert.throws(() => t.insertAll([entry(3), { key: new Uint8Array(31), commitment: h('c') }], 1), code('invalid-key-length'));
  assert.throws(() => t.insertAll([entry(3), { key: h('k'), commitment: new Uint8Array(33) }], 1), code('invalid-hash-length'));
  assert.throws(() => t.insertAll([entry(3)], -1), code('invalid-position'));
  assert.throws(() => t.insertAll([entry(3)], 2 ** 53), code('invalid-position'));
  for (const [bad, c] of [
    [[entry(1)], 'duplicate-key'],
    [[{ key: new Uint8Array(31), commitment: h('c') }], 'invalid-key-length'],
    [[{ key: h('k'), commitment: new Uint8Array(33) }], 'invalid-hash-length'],
  ] as const) {
    // One key: the same code as insert.
    assert.throws(() => t.insert(bad[0].key, bad[0].commitment, 1), code(c));
    assert.throws(() => t.insertAll(bad, 1), code(c));
  }
  assert.deepEqual(t.rootValue(), root);
  assert.equal(t.size, 2);
});
