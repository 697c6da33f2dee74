/**
 * Builds the prefix tree of many random keys at once, bottom-up from the sorted keys, for
 * the benchmark's synthetic directories: every node is hashed once (about 2.4 hashes per
 * key) instead of once per insert along its whole path (about 22 per key at 2 x 10^6
 * keys), and no intermediate tree is made. The result has exactly the nodes that
 * PrefixTree.insert makes for the same keys at the same position (a leaf at the shallowest
 * depth no other key shares, single-child parents above a split); `checkBulkBuild` compares
 * the two on every run before anything is measured.
 *
 * PrefixTree has no bulk constructor (the server never needs one), so the finished root is
 * wrapped through its private constructor; the nodes are the exported LeafNode/ParentNode.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MISSING_CHILD, prefixLeafValue, prefixParentValue } from '@sealed/kt/prefix/prefix-hash';
import { PrefixTree, type LeafNode, type ParentNode, type PrefixNode } from '@sealed/kt/prefix/prefix-tree';

/** Keys are sorted by (first 32 bits, index) packed into one float64: 32 + 21 bits. */
const MAX_BULK_KEYS = 2 ** 21;

/** Indices of the keys (32-octet slots of `keys`) in ascending key order. */
function sortedOrder(keys: Buffer, n: number): Uint32Array {
  if (n > MAX_BULK_KEYS) throw new Error(`bulk build takes at most ${MAX_BULK_KEYS} keys, got ${n}`);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = keys.readUInt32BE(32 * i) * MAX_BULK_KEYS + i;
  packed.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = packed[i]! % MAX_BULK_KEYS;
  // Runs with equal first 32 bits (a few hundred pairs at 2 x 10^6 keys): full comparison.
  const cmp = (a: number, b: number) => keys.compare(keys, 32 * b, 32 * b + 32, 32 * a, 32 * a + 32);
  for (let lo = 0; lo < n; ) {
    const top = keys.readUInt32BE(32 * order[lo]!);
    let hi = lo + 1;
    while (hi < n && keys.readUInt32BE(32 * order[hi]!) === top) hi++;
    if (hi - lo > 1) order.set(Array.from(order.subarray(lo, hi)).sort(cmp), lo);
    for (let i = lo + 1; i < hi; i++) if (cmp(order[i - 1]!, order[i]!) === 0) throw new Error('duplicate random key');
    lo = hi;
  }
  return order;
}

/**
 * The tree holding `n` keys (32-octet slots of `keys`) with their commitments (32-octet
 * slots of `commitments`), all inserted at log position `position`.
 */
export function bulkPrefixTree(keys: Buffer, commitments: Buffer, n: number, position: number): PrefixTree {
  const order = sortedOrder(keys, n);
  // Plain Uint8Array views (not Buffer, whose slice() would not copy where the tree copies).
  const slot = (b: Buffer, i: number) => new Uint8Array(b.buffer, b.byteOffset + 32 * order[i]!, 32);
  const leaf = (i: number): LeafNode => {
    const key = slot(keys, i);
    const commitment = slot(commitments, i);
    return { kind: 'leaf', key, commitment, value: prefixLeafValue(key, commitment), position };
  };
  // The node for sorted keys [lo, hi) that share their first `depth` bits, as a child.
  const child = (lo: number, hi: number, depth: number): PrefixNode | undefined => {
    if (hi === lo) return undefined;
    if (hi - lo === 1) return leaf(lo);
    return parentOf(lo, hi, depth);
  };
  // A parent at `depth`: its keys split on bit `depth` (binary search: they are sorted).
  const parentOf = (lo: number, hi: number, depth: number): ParentNode => {
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >> 1;
      // keyBit without a view per probe: bit `depth` of the key in slot order[mid].
      if (((keys[32 * order[mid]! + (depth >> 3)]! >> (7 - (depth & 7))) & 1) === 0) a = mid + 1;
      else b = mid;
    }
    const left = child(lo, a, depth + 1);
    const right = child(a, hi, depth + 1);
    return { kind: 'parent', left, right, value: prefixParentValue(left?.value ?? MISSING_CHILD, right?.value ?? MISSING_CHILD), maxPosition: lo === hi ? -1 : position };
  };
  const root = parentOf(0, n, 0);
  const Ctor = PrefixTree as unknown as new (root: ParentNode, size: number) => PrefixTree;
  return new Ctor(root, n);
}

/** Builds `n` random keys both ways and requires equal roots and equal search proofs. */
export function checkBulkBuild(n: number): void {
  const keys = randomBytes(32 * n);
  const commitments = randomBytes(32 * n);
  const bulk = bulkPrefixTree(keys, commitments, n, 0);
  const at = (b: Buffer, i: number) => new Uint8Array(b.buffer, b.byteOffset + 32 * i, 32);
  let incremental = PrefixTree.empty();
  for (let i = 0; i < n; i++) incremental = incremental.insert(at(keys, i), at(commitments, i), 0);
  assert.equal(bulk.size, incremental.size);
  assert.deepEqual(bulk.rootValue(), incremental.rootValue(), 'bulk-built prefix root differs from PrefixTree.insert');
  const probes = [...Array.from({ length: 50 }, (_, i) => at(keys, i)), ...Array.from({ length: 50 }, () => new Uint8Array(randomBytes(32)))];
  for (const k of probes) assert.deepEqual(bulk.search(k), incremental.search(k));
  const empty = bulkPrefixTree(Buffer.alloc(0), Buffer.alloc(0), 0, 0);
  assert.deepEqual(empty.rootValue(), PrefixTree.empty().rootValue());
}
