/**
 * Batched prefix-tree search proofs (draft-ietf-keytrans-protocol, "Tree Proofs" /
 * "Prefix Tree": one PrefixProof with a result per searched key and one shared list of
 * elements), for the current tree or for the tree as it stood at an earlier log entry.
 *
 * Proving walks the tree once for all keys: where the searched keys split, both children
 * are visited; a child no key goes to contributes its value as an element. Elements come
 * out left to right because the left child is always finished before the right one.
 * Verifying replays the same walk from the results' depths and the keys' bits.
 */
import { PrefixError } from './prefix-error.ts';
import { HASH_LEN, KEY_BITS, MISSING_CHILD, VRF_OUTPUT_LEN, keyBit, prefixLeafValue, prefixParentValue } from './prefix-hash.ts';
import type { LeafNode, ParentNode, PrefixNode, PrefixTree } from './prefix-tree.ts';

/** One result of a batched proof (PrefixSearchResult). */
export type PrefixBatchResult =
  | { readonly resultType: 'inclusion'; readonly depth: number }
  | { readonly resultType: 'nonInclusionLeaf'; readonly depth: number; readonly leaf: { readonly vrfOutput: Uint8Array; readonly commitment: Uint8Array } }
  | { readonly resultType: 'nonInclusionParent'; readonly depth: number };

/** PrefixProof: results in the order of the searched keys, elements left to right. */
export interface PrefixBatchProof {
  readonly results: readonly PrefixBatchResult[];
  readonly elements: readonly Uint8Array[];
}

/** What the prover also learns: each key's commitment when included (not part of the proof). */
export interface PrefixBatchOutcome {
  readonly proof: PrefixBatchProof;
  readonly commitments: readonly (Uint8Array | undefined)[];
}

/**
 * The most keys one batched proof covers: a full binary ladder (65 lookups) plus room;
 * equals the wire bound KT_MAX_PREFIX_RESULTS.
 */
export const MAX_BATCH_KEYS = 255;
/** elements<0..2^16-1> holds at most 2,047 hash values. */
export const MAX_BATCH_ELEMENTS = 2047;

/** A node as seen at some log position: gone, a leaf, or a parent with its value then. */
type View = { readonly kind: 'empty' } | { readonly kind: 'leaf'; readonly leaf: LeafNode } | { readonly kind: 'parent'; readonly node: ParentNode; readonly value: Uint8Array };

const EMPTY: View = { kind: 'empty' };

function viewValue(v: View): Uint8Array {
  return v.kind === 'empty' ? MISSING_CHILD : v.kind === 'leaf' ? v.leaf.value : v.value;
}

/**
 * How a node looked when the tree held only keys inserted at positions <= `position`:
 * subtrees with nothing newer are unchanged (their stored value is reused); otherwise the
 * children's views are combined, and a parent left with a single leaf collapses into it
 * (the leaf then sits at the shallowest free depth, as the draft's shape requires).
 * Memoised per proof, so the work is bounded by the nodes touched after `position`.
 */
class PastView {
  private readonly memo = new Map<PrefixNode, View>();
  constructor(private readonly position: number) {}

  of(node: PrefixNode | undefined): View {
    if (node === undefined) return EMPTY;
    if (node.kind === 'leaf') return node.position <= this.position ? { kind: 'leaf', leaf: node } : EMPTY;
    if (node.maxPosition <= this.position) return { kind: 'parent', node, value: node.value };
    const cached = this.memo.get(node);
    if (cached !== undefined) return cached;
    const l = this.of(node.left);
    const r = this.of(node.right);
    let out: View;
    if (l.kind === 'empty' && r.kind === 'empty') out = EMPTY;
    else if (l.kind === 'leaf' && r.kind === 'empty') out = l;
    else if (r.kind === 'leaf' && l.kind === 'empty') out = r;
    else out = { kind: 'parent', node, value: prefixParentValue(viewValue(l), viewValue(r)) };
    this.memo.set(node, out);
    return out;
  }

  /** The root stays a parent (the empty prefix) even when it holds one leaf or none. */
  rootValue(root: ParentNode): Uint8Array {
    if (root.maxPosition <= this.position) return root.value;
    return prefixParentValue(viewValue(this.of(root.left)), viewValue(this.of(root.right)));
  }
}

/** The current tree's view: every node as it is. */
function currentView(node: PrefixNode | undefined): View {
  if (node === undefined) return EMPTY;
  return node.kind === 'leaf' ? { kind: 'leaf', leaf: node } : { kind: 'parent', node, value: node.value };
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < VRF_OUTPUT_LEN; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0 && a.length === b.length;
}

function checkKeys(keys: readonly Uint8Array[]): void {
  if (keys.length === 0 || keys.length > MAX_BATCH_KEYS) throw new PrefixError('wrong-result-count', `a batch searches 1..${MAX_BATCH_KEYS} keys, got ${keys.length}`);
  for (const k of keys) if (k.length !== VRF_OUTPUT_LEN) throw new PrefixError('invalid-key-length', `search key must be ${VRF_OUTPUT_LEN} octets`);
  const seen = new Set<string>();
  for (const k of keys) {
    const id = k.join(',');
    if (seen.has(id)) throw new PrefixError('duplicate-query', 'a batched search names one key twice');
    seen.add(id);
  }
}

/**
 * Proves the search for every key of `keys` (distinct, 1..MAX_BATCH_KEYS) in `tree`, or in
 * the tree as it stood at log position `atPosition` (keys inserted later left out).
 * @throws {PrefixError} `invalid-key-length`, `duplicate-query`, `wrong-result-count`.
 */
export function provePrefixBatch(tree: PrefixTree, keys: readonly Uint8Array[], atPosition?: number): PrefixBatchOutcome {
  checkKeys(keys);
  const past = atPosition === undefined ? undefined : new PastView(atPosition);
  const view = (n: PrefixNode | undefined): View => (past === undefined ? currentView(n) : past.of(n));
  const results: PrefixBatchResult[] = new Array<PrefixBatchResult>(keys.length);
  const commitments: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(keys.length).fill(undefined);
  const elements: Uint8Array[] = [];

  const walk = (node: ParentNode, depth: number, indices: readonly number[]): void => {
    const sides: [readonly number[], readonly number[]] = [[], []];
    for (const i of indices) (sides[keyBit(keys[i]!, depth)] as number[]).push(i);
    for (const bit of [0, 1] as const) {
      const child = view(bit === 0 ? node.left : node.right);
      const here = sides[bit];
      if (here.length === 0) {
        elements.push(viewValue(child).slice());
        continue;
      }
      if (child.kind === 'parent') {
        walk(child.node, depth + 1, here);
        continue;
      }
      for (const i of here) {
        if (child.kind === 'empty') results[i] = { resultType: 'nonInclusionParent', depth: depth + 1 };
        else if (sameKey(child.leaf.key, keys[i]!)) {
          results[i] = { resultType: 'inclusion', depth: depth + 1 };
          commitments[i] = child.leaf.commitment.slice();
        } else {
          results[i] = { resultType: 'nonInclusionLeaf', depth: depth + 1, leaf: { vrfOutput: child.leaf.key.slice(), commitment: child.leaf.commitment.slice() } };
        }
      }
    }
  };
  walk(tree.rootNode(), 0, keys.map((_, i) => i));
  return { proof: { results, elements }, commitments };
}

/** The root value of `tree` as it stood at log position `position`. */
export function prefixRootAt(tree: PrefixTree, position: number): Uint8Array {
  return new PastView(position).rootValue(tree.rootNode()).slice();
}

/** A key to check and, if the verifier expects it included, its commitment. */
export interface PrefixQuery {
  readonly key: Uint8Array;
  readonly commitment?: Uint8Array;
}

/**
 * Verifies a batched proof against a trusted root and returns, per query, whether the key
 * is included. An `inclusion` result needs the query's commitment (the verifier computes
 * or was given it); results ending at the same node must describe the same node; every
 * element must be used. Recursion follows key bits, at most KEY_BITS deep.
 * @throws {PrefixError} `invalid-hash-length`, `invalid-key-length`, `duplicate-query`,
 *   `wrong-result-count`, `invalid-depth`, `missing-commitment`, `leaf-not-on-path`,
 *   `leaf-is-searched-key`, `inconsistent-results`, `too-many-elements`, `wrong-element-count`,
 *   `root-mismatch`.
 */
export function verifyPrefixBatch(root: Uint8Array, queries: readonly PrefixQuery[], proof: PrefixBatchProof): boolean[] {
  if (root.length !== HASH_LEN) throw new PrefixError('invalid-hash-length', 'root must be 32 octets');
  const keys = queries.map((q) => q.key);
  checkKeys(keys);
  const { results, elements } = proof;
  if (results.length !== keys.length) throw new PrefixError('wrong-result-count', `${results.length} results for ${keys.length} keys`);
  if (elements.length > MAX_BATCH_ELEMENTS) throw new PrefixError('too-many-elements', `${elements.length} elements`);
  for (const e of elements) if (e.length !== HASH_LEN) throw new PrefixError('invalid-hash-length', 'proof element must be 32 octets');
  for (const r of results) {
    if (!Number.isInteger(r.depth) || r.depth < 1 || r.depth > KEY_BITS) throw new PrefixError('invalid-depth', `depth ${r.depth} outside 1..${KEY_BITS}`);
  }

  const terminalValue = (i: number): Uint8Array => {
    const r = results[i]!;
    const key = keys[i]!;
    if (r.resultType === 'inclusion') {
      const c = queries[i]!.commitment;
      if (c === undefined) throw new PrefixError('missing-commitment', `inclusion result ${i} for a key the verifier expects absent`);
      if (c.length !== HASH_LEN) throw new PrefixError('invalid-hash-length', 'commitment must be 32 octets');
      return prefixLeafValue(key, c);
    }
    if (r.resultType === 'nonInclusionParent') return MISSING_CHILD;
    const other = r.leaf;
    if (other.vrfOutput.length !== VRF_OUTPUT_LEN) throw new PrefixError('invalid-key-length', 'leaf vrf_output must be 32 octets');
    if (other.commitment.length !== HASH_LEN) throw new PrefixError('invalid-hash-length', 'leaf commitment must be 32 octets');
    for (let b = 0; b < r.depth; b++) if (keyBit(other.vrfOutput, b) !== keyBit(key, b)) throw new PrefixError('leaf-not-on-path', `leaf leaves the search path at bit ${b}`);
    if (sameKey(other.vrfOutput, key)) throw new PrefixError('leaf-is-searched-key', 'nonInclusionLeaf names the searched key');
    return prefixLeafValue(other.vrfOutput, other.commitment);
  };

  let next = 0;
  const value = (depth: number, indices: readonly number[]): Uint8Array => {
    const ending = indices.filter((i) => results[i]!.depth === depth);
    if (ending.length > 0) {
      if (ending.length !== indices.length) throw new PrefixError('inconsistent-results', `a terminal node at depth ${depth} with searches continuing below`);
      const first = terminalValue(indices[0]!);
      for (const i of indices.slice(1)) {
        const v = terminalValue(i);
        let diff = 0;
        for (let b = 0; b < HASH_LEN; b++) diff |= (v[b] ?? 0) ^ (first[b] ?? 0);
        if (diff !== 0) throw new PrefixError('inconsistent-results', `results ending at one node at depth ${depth} disagree`);
      }
      return first;
    }
    if (depth >= KEY_BITS) throw new PrefixError('invalid-depth', 'search ran past the last key bit');
    const sides: [number[], number[]] = [[], []];
    for (const i of indices) sides[keyBit(keys[i]!, depth)].push(i);
    const children = ([0, 1] as const).map((bit) => {
      if (sides[bit].length > 0) return value(depth + 1, sides[bit]);
      const e = elements[next++];
      if (e === undefined) throw new PrefixError('wrong-element-count', 'the proof ran out of elements');
      return e;
    });
    return prefixParentValue(children[0]!, children[1]!);
  };
  // The root (depth 0) is never terminal: depths were checked to be >= 1.
  const computed = value(0, keys.map((_, i) => i));
  if (next !== elements.length) throw new PrefixError('too-many-elements', `${elements.length - next} elements left over`);
  let diff = 0;
  for (let b = 0; b < HASH_LEN; b++) diff |= (computed[b] ?? 0) ^ (root[b] ?? 0);
  if (diff !== 0) throw new PrefixError('root-mismatch', 'recomputed prefix-tree root differs');
  return results.map((r) => r.resultType === 'inclusion');
}
