/**
 * A persistent binary prefix tree over 256-bit search keys (VRF outputs), whose leaves
 * hold commitments (draft-ietf-keytrans-protocol, "Prefix Tree"). Inserting returns a new
 * tree and shares every untouched node with the old one, so each epoch's tree stays
 * readable after the next is built.
 *
 * Shape (the draft's figures): the root is always a parent node and stands for the empty
 * prefix; a leaf sits at the shallowest depth at which no other key shares its path; a
 * parent may lack a child. The draft does not spell out the empty tree: here it is the
 * root parent with two missing children, value Hash(0x03 || 0^32 || 0^32).
 */
import { PrefixError } from './prefix-error.ts';
import { HASH_LEN, KEY_BITS, MISSING_CHILD, VRF_OUTPUT_LEN, keyBit, prefixLeafValue, prefixParentValue } from './prefix-hash.ts';
import type { PrefixSearchProof } from './prefix-proof.ts';

/** `position` is the log entry (epoch) whose prefix tree first held the key. */
export interface LeafNode {
  readonly kind: 'leaf';
  readonly key: Uint8Array;
  readonly commitment: Uint8Array;
  readonly value: Uint8Array;
  readonly position: number;
}
/** `maxPosition`: the latest insertion below, so a past tree's view can skip old subtrees. */
export interface ParentNode {
  readonly kind: 'parent';
  readonly left: PrefixNode | undefined;
  readonly right: PrefixNode | undefined;
  readonly value: Uint8Array;
  readonly maxPosition: number;
}
export type PrefixNode = LeafNode | ParentNode;

function leaf(key: Uint8Array, commitment: Uint8Array, position: number): LeafNode {
  return { kind: 'leaf', key, commitment, value: prefixLeafValue(key, commitment), position };
}

function positionOf(node: PrefixNode | undefined): number {
  if (node === undefined) return -1;
  return node.kind === 'leaf' ? node.position : node.maxPosition;
}

function parent(left: PrefixNode | undefined, right: PrefixNode | undefined): ParentNode {
  return {
    kind: 'parent',
    left,
    right,
    value: prefixParentValue(left?.value ?? MISSING_CHILD, right?.value ?? MISSING_CHILD),
    maxPosition: Math.max(positionOf(left), positionOf(right)),
  };
}

function withChild(p: ParentNode, bit: 0 | 1, child: PrefixNode): ParentNode {
  return bit === 0 ? parent(child, p.right) : parent(p.left, child);
}

function keysEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== VRF_OUTPUT_LEN) throw new PrefixError('invalid-key-length', `search key must be ${VRF_OUTPUT_LEN} octets, got ${key.length}`);
}

/** Places `fresh` below a position at `depth` already held by leaf `old` (keys differ). */
function split(old: LeafNode, fresh: LeafNode, depth: number): PrefixNode {
  const oldBit = keyBit(old.key, depth);
  const freshBit = keyBit(fresh.key, depth);
  if (oldBit !== freshBit) return oldBit === 0 ? parent(old, fresh) : parent(fresh, old);
  const below = split(old, fresh, depth + 1);
  return oldBit === 0 ? parent(below, undefined) : parent(undefined, below);
}

/** Inserts below parent `p`, which sits at `depth`. */
function insertBelow(p: ParentNode, fresh: LeafNode, depth: number): ParentNode {
  const bit = keyBit(fresh.key, depth);
  const child = bit === 0 ? p.left : p.right;
  if (child === undefined) return withChild(p, bit, fresh);
  if (child.kind === 'parent') return withChild(p, bit, insertBelow(child, fresh, depth + 1));
  if (keysEqual(child.key, fresh.key)) throw new PrefixError('duplicate-key', 'the tree already holds this search key');
  return withChild(p, bit, split(child, fresh, depth + 1));
}

/** Splits `leaves` on key bit `depth`, keeping their order. */
function partition(leaves: readonly LeafNode[], depth: number): [LeafNode[], LeafNode[]] {
  const zero: LeafNode[] = [];
  const one: LeafNode[] = [];
  for (const l of leaves) (keyBit(l.key, depth) === 0 ? zero : one).push(l);
  return [zero, one];
}

/**
 * The subtree in the slot at `depth` holding exactly `leaves` (at least one): a lone leaf
 * sits in the slot itself, several go below a parent split on bit `depth`. This is the
 * shape repeated {@link split}s give, whatever the order. Two leaves still together past
 * the last key bit have the same key.
 */
function build(leaves: readonly LeafNode[], depth: number): PrefixNode {
  if (leaves.length === 1) return leaves[0]!;
  if (depth === KEY_BITS) throw new PrefixError('duplicate-key', 'the tree already holds this search key');
  const [zero, one] = partition(leaves, depth);
  return parent(zero.length === 0 ? undefined : build(zero, depth + 1), one.length === 0 ? undefined : build(one, depth + 1));
}

/**
 * Places all of `fresh` in the slot at `depth` now held by `node`, making each new parent
 * once: one walk for a whole epoch instead of one root-to-leaf path per key, so the nodes
 * that several keys share are hashed once. An existing leaf met on the way moves down
 * with the new ones (the same object, as in {@link split}).
 */
function placeAll(node: PrefixNode | undefined, fresh: readonly LeafNode[], depth: number): PrefixNode | undefined {
  if (fresh.length === 0) return node;
  if (node === undefined) return build(fresh, depth);
  if (node.kind === 'leaf') return build([node, ...fresh], depth);
  if (fresh.length === 1) {
    // One key goes down one side (most of the path of a small epoch): no partition arrays.
    return keyBit(fresh[0]!.key, depth) === 0 ? parent(placeAll(node.left, fresh, depth + 1), node.right) : parent(node.left, placeAll(node.right, fresh, depth + 1));
  }
  const [zero, one] = partition(fresh, depth);
  return parent(placeAll(node.left, zero, depth + 1), placeAll(node.right, one, depth + 1));
}

/** An immutable prefix tree; {@link PrefixTree.insert} returns a new one. */
export class PrefixTree {
  private constructor(
    private readonly root: ParentNode,
    /** Number of leaves. */
    readonly size: number,
  ) {}

  /** The empty tree. */
  static empty(): PrefixTree {
    return new PrefixTree(parent(undefined, undefined), 0);
  }

  /** The root value (what a log entry commits to). */
  rootValue(): Uint8Array {
    return this.root.value.slice();
  }

  /** The root node, for the batched and past-position proofs (prefix-batch.ts). */
  rootNode(): ParentNode {
    return this.root;
  }

  /**
   * A new tree that also maps `key` (a VRF output) to `commitment`.
   * `position` is the log entry (epoch) that first holds the key; proofs about a past
   * entry (prefix-batch.ts) leave out keys inserted after it.
   * @throws {PrefixError} `invalid-key-length`, `invalid-hash-length` or `duplicate-key`
   *   (a label-version pair is written once; keys are never replaced), `invalid-position`.
   */
  insert(key: Uint8Array, commitment: Uint8Array, position = 0): PrefixTree {
    checkKey(key);
    if (commitment.length !== HASH_LEN) throw new PrefixError('invalid-hash-length', `commitment must be ${HASH_LEN} octets, got ${commitment.length}`);
    if (!Number.isSafeInteger(position) || position < 0) throw new PrefixError('invalid-position', 'position must be a safe non-negative integer');
    return new PrefixTree(insertBelow(this.root, leaf(key.slice(), commitment.slice(), position), 0), this.size + 1);
  }

  /**
   * A new tree that also maps each entry's key to its commitment, all first held at log
   * entry `position` (one epoch's inserts): exactly the tree that {@link insert} makes
   * for them one by one, in any order, with every node shared by several new keys hashed
   * once. Checks every entry (lengths, in order) before any work.
   * @throws {PrefixError} `invalid-key-length`, `invalid-hash-length`, `invalid-position`,
   *   `duplicate-key` (a key the tree holds, or two equal keys among the entries).
   */
  insertAll(entries: readonly { readonly key: Uint8Array; readonly commitment: Uint8Array }[], position = 0): PrefixTree {
    if (entries.length === 0) return this;
    for (const { key, commitment } of entries) {
      checkKey(key);
      if (commitment.length !== HASH_LEN) throw new PrefixError('invalid-hash-length', `commitment must be ${HASH_LEN} octets, got ${commitment.length}`);
      if (!Number.isSafeInteger(position) || position < 0) throw new PrefixError('invalid-position', 'position must be a safe non-negative integer');
    }
    const fresh = entries.map(({ key, commitment }) => leaf(key.slice(), commitment.slice(), position));
    // The root is a parent and gets at least one new key, so it stays a parent.
    return new PrefixTree(placeAll(this.root, fresh, 0) as ParentNode, this.size + fresh.length);
  }

  /**
   * The search proof for `key` (draft, "Tree Proofs" / "Prefix Tree"): where the search
   * ends, at which depth, and the copath values from the root down, in the draft's
   * left-to-right order.
   * @throws {PrefixError} `invalid-key-length`.
   */
  search(key: Uint8Array): PrefixSearchProof {
    checkKey(key);
    // Copath values, from depth 1 down, each with the side the search took.
    const copath: { bit: 0 | 1; value: Uint8Array }[] = [];
    let node: ParentNode = this.root;
    for (let depth = 0; depth < KEY_BITS; depth++) {
      const bit = keyBit(key, depth);
      const child = bit === 0 ? node.left : node.right;
      const sibling = bit === 0 ? node.right : node.left;
      copath.push({ bit, value: sibling?.value ?? MISSING_CHILD });
      const elements = orderLeftToRight(copath);
      if (child === undefined) return { resultType: 'nonInclusionParent', depth: depth + 1, elements };
      if (child.kind === 'leaf') {
        if (keysEqual(child.key, key)) return { resultType: 'inclusion', depth: depth + 1, elements, commitment: child.commitment.slice() };
        return { resultType: 'nonInclusionLeaf', depth: depth + 1, elements, leaf: { vrfOutput: child.key.slice(), commitment: child.commitment.slice() } };
      }
      node = child;
    }
    // Unreachable for 256-bit keys: distinct keys diverge within KEY_BITS bits.
    throw new PrefixError('invalid-depth', 'search ran past the last key bit');
  }
}

/**
 * The draft lists proof elements left to right: a node in the root's left subtree comes
 * before any node in its right subtree, recursively. Along one search path that means:
 * where the path goes left, the (right) sibling comes after everything deeper; where it
 * goes right, the (left) sibling comes before.
 */
export function orderLeftToRight(copath: readonly { bit: 0 | 1; value: Uint8Array }[]): Uint8Array[] {
  const before: Uint8Array[] = [];
  const after: Uint8Array[] = [];
  for (const { bit, value } of copath) {
    if (bit === 1) before.push(value);
    else after.unshift(value);
  }
  return [...before, ...after];
}
