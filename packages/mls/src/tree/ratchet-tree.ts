/**
 * The public ratchet tree (RFC 9420 §4.1, §7): an array of optional nodes in the layout of
 * Appendix C, leaves at even node indices, parents at odd ones.
 *
 *   node:   0   1   2   3   4   5   6
 *   kind:   L   P   L   P   L   P   L          leaf i sits at node 2i
 *
 * Leaves and parents live in two arrays (`leaves[i]` is node 2i, `parents[j]` is node
 * 2j + 1) so the types stay exact. The tree always has a power-of-two number of leaves
 * (§7.7: it grows by doubling and shrinks by halving).
 *
 * Ownership: node values (LeafNode, ParentNode) are treated as immutable; every change
 * replaces a node object, so `clone()` is a shallow copy of the arrays and the tree hash
 * cache, and a clone can be changed (e.g. while processing a commit that may still be
 * rejected) without touching the original.
 *
 * The tree keeps a cache of per-node tree hashes (§7.8) for one cipher suite; every
 * mutation invalidates the changed node and its ancestors (O(log n)), so the root hash after
 * an UpdatePath costs O(log n) hashes instead of O(n). Likewise its key index (key-index.ts),
 * built on first use, follows every mutation, so leaf validation and fresh-key checks of a
 * commit cost O(changed nodes), not O(n).
 */
import type { LeafNode } from '../structs/leaf-node.ts';
import type { Node, ParentNode, RatchetTree as WireRatchetTree } from '../structs/ratchet-tree.ts';
import { MAX_TREE_LEAVES } from '../structs/limits.ts';
import { directPath, isInSubtree, left, level, right, root } from '../tree-math.ts';
import { TreeError } from './errors.ts';
import { TreeKeyIndex } from './key-index.ts';

/** Node index of leaf `leafIndex` (Appendix C). */
export function leafNodeIndex(leafIndex: number): number {
  return 2 * leafIndex;
}

export class RatchetTree {
  private leaves: (LeafNode | undefined)[];
  private parents: (ParentNode | undefined)[];
  /** Tree hash of node x under the suite `hashSuite`, or undefined when not yet computed. */
  private hashes: (Uint8Array | undefined)[];
  private hashSuite: number | undefined;
  /** No leaf below this index is blank (a hint that keeps adding members O(1) amortised). */
  private firstBlankHint = 0;
  /** Keys and credential types of the nodes, once someone asked (see keyIndex()). */
  private index: TreeKeyIndex | undefined;

  private constructor(leaves: (LeafNode | undefined)[], parents: (ParentNode | undefined)[]) {
    this.leaves = leaves;
    this.parents = parents;
    this.hashes = new Array<Uint8Array | undefined>(2 * leaves.length - 1);
    this.hashSuite = undefined;
  }

  /** A one-member tree holding `leaf` (§11: a group starts with its creator). */
  static withFirstLeaf(leaf: LeafNode): RatchetTree {
    return new RatchetTree([leaf], []);
  }

  /**
   * A tree from the ratchet_tree extension's node list (§12.4.3.3): node i is `nodes[i]`,
   * and the list is extended with blank nodes to the next full tree. Node kinds must match
   * their positions, the last node must not be blank, and there may be no more than
   * MAX_TREE_LEAVES leaves. Only the shape is checked here; see validate-tree.ts for the
   * rest of §12.4.3.1.
   * @throws TreeError('malformed-tree' | 'too-many-leaves')
   */
  static fromNodes(nodes: WireRatchetTree): RatchetTree {
    if (nodes.length === 0) throw new TreeError('malformed-tree', 'no nodes');
    if (nodes.length % 2 === 0) throw new TreeError('malformed-tree', `even node count ${nodes.length}`);
    if (nodes[nodes.length - 1] === undefined) throw new TreeError('malformed-tree', 'last node is blank');
    const usedLeaves = (nodes.length + 1) / 2;
    if (usedLeaves > MAX_TREE_LEAVES) throw new TreeError('too-many-leaves', `${usedLeaves} leaves > ${MAX_TREE_LEAVES}`);
    let leafCount = 1;
    while (leafCount < usedLeaves) leafCount *= 2;
    const leaves = new Array<LeafNode | undefined>(leafCount);
    const parents = new Array<ParentNode | undefined>(leafCount - 1);
    for (let x = 0; x < nodes.length; x++) {
      const node = nodes[x];
      if (node === undefined) continue;
      if ((node.type === 'leaf') !== (x % 2 === 0)) throw new TreeError('malformed-tree', `${node.type} node at index ${x}`);
      if (node.type === 'leaf') leaves[x / 2] = node.leafNode;
      else parents[(x - 1) / 2] = node.parentNode;
    }
    return new RatchetTree(leaves, parents);
  }

  /** The ratchet_tree extension's node list (§12.4.3.3): array order, trailing blanks dropped. */
  toNodes(): (Node | undefined)[] {
    const out: (Node | undefined)[] = [];
    let last = -1;
    for (let x = 0; x < this.nodeCount; x++) {
      let node: Node | undefined;
      if (x % 2 === 0) {
        const leafNode = this.leaves[x / 2];
        if (leafNode !== undefined) node = { type: 'leaf', leafNode };
      } else {
        const parentNode = this.parents[(x - 1) / 2];
        if (parentNode !== undefined) node = { type: 'parent', parentNode };
      }
      out.push(node);
      if (node !== undefined) last = x;
    }
    return out.slice(0, last + 1);
  }

  /** A copy whose changes do not affect this tree (node objects are shared; they are immutable). */
  clone(): RatchetTree {
    const copy = new RatchetTree(this.leaves.slice(), this.parents.slice());
    copy.hashes = this.hashes.slice();
    copy.hashSuite = this.hashSuite;
    copy.firstBlankHint = this.firstBlankHint;
    if (this.index !== undefined) copy.index = new TreeKeyIndex(this.index);
    return copy;
  }

  /** Number of leaves, blank ones included: always a power of two. */
  get leafCount(): number {
    return this.leaves.length;
  }

  /** Number of nodes: 2 * leafCount - 1. */
  get nodeCount(): number {
    return 2 * this.leaves.length - 1;
  }

  /** Root node index. */
  get root(): number {
    return root(this.leaves.length);
  }

  /** The leaf at leaf index `leafIndex`; undefined when blank or outside the tree. */
  leaf(leafIndex: number): LeafNode | undefined {
    return this.leaves[leafIndex];
  }

  /** The leaf at `leafIndex`. @throws TreeError('blank-leaf') when it is blank or outside the tree. */
  requireLeaf(leafIndex: number): LeafNode {
    const leaf = Number.isInteger(leafIndex) ? this.leaves[leafIndex] : undefined;
    if (leaf === undefined) throw new TreeError('blank-leaf', `leaf ${leafIndex} of ${this.leaves.length}`);
    return leaf;
  }

  /** The parent node at odd node index `nodeIndex`; undefined when blank. */
  parent(nodeIndex: number): ParentNode | undefined {
    return this.parents[(nodeIndex - 1) / 2];
  }

  /** True when node `nodeIndex` is blank. */
  isBlank(nodeIndex: number): boolean {
    return nodeIndex % 2 === 0 ? this.leaves[nodeIndex / 2] === undefined : this.parents[(nodeIndex - 1) / 2] === undefined;
  }

  /** The HPKE public key of a non-blank node. */
  encryptionKey(nodeIndex: number): Uint8Array | undefined {
    return nodeIndex % 2 === 0 ? this.leaves[nodeIndex / 2]?.encryptionKey : this.parents[(nodeIndex - 1) / 2]?.encryptionKey;
  }

  /** Leaf indices of the non-blank leaves, in order. */
  *occupiedLeaves(): IterableIterator<[number, LeafNode]> {
    for (let i = 0; i < this.leaves.length; i++) {
      const leaf = this.leaves[i];
      if (leaf !== undefined) yield [i, leaf];
    }
  }

  /** Number of non-blank leaves (members). */
  memberCount(): number {
    let count = 0;
    for (const leaf of this.leaves) if (leaf !== undefined) count++;
    return count;
  }

  // -------------------------------------------------------------------------------------
  // Structure (§4.1.1, §4.1.2)

  /** Direct path of leaf `leafIndex`: its ancestors from its parent to the root (§4.1.2). */
  directPath(leafIndex: number): number[] {
    return directPath(2 * leafIndex, this.leaves.length);
  }

  /** Left and right children of parent node `nodeIndex`. */
  children(nodeIndex: number): [number, number] {
    const n = this.leaves.length;
    return [left(nodeIndex, n), right(nodeIndex, n)];
  }

  /**
   * Resolution of node `nodeIndex` (§4.1.1): the node itself and its unmerged leaves when it
   * is non-blank, nothing for a blank leaf, the resolutions of its children for a blank
   * parent. Leaves in `excluded` (leaf indices, e.g. members added by the current commit,
   * §7.6) are left out. Returns node indices, left to right.
   */
  resolution(nodeIndex: number, excluded?: ReadonlySet<number>): number[] {
    const out: number[] = [];
    this.collectResolution(nodeIndex, out, excluded);
    return out;
  }

  private collectResolution(x: number, out: number[], excluded: ReadonlySet<number> | undefined): void {
    if (x % 2 === 0) {
      const leafIndex = x / 2;
      if (this.leaves[leafIndex] !== undefined && excluded?.has(leafIndex) !== true) out.push(x);
      return;
    }
    const node = this.parents[(x - 1) / 2];
    if (node !== undefined) {
      out.push(x);
      for (const leafIndex of node.unmergedLeaves) if (excluded?.has(leafIndex) !== true) out.push(2 * leafIndex);
      return;
    }
    const k = level(x);
    this.collectResolution(x ^ (1 << (k - 1)), out, excluded);
    this.collectResolution(x ^ (3 << (k - 1)), out, excluded);
  }

  /** True when the resolution of `nodeIndex` (minus `excluded`) is empty, without building it. */
  hasEmptyResolution(nodeIndex: number, excluded?: ReadonlySet<number>): boolean {
    if (nodeIndex % 2 === 0) {
      const leafIndex = nodeIndex / 2;
      return this.leaves[leafIndex] === undefined || excluded?.has(leafIndex) === true;
    }
    if (this.parents[(nodeIndex - 1) / 2] !== undefined) return false;
    const k = level(nodeIndex);
    return this.hasEmptyResolution(nodeIndex ^ (1 << (k - 1)), excluded) && this.hasEmptyResolution(nodeIndex ^ (3 << (k - 1)), excluded);
  }

  /**
   * Filtered direct path of leaf `leafIndex` (§4.1.2): the direct path without the nodes
   * whose child on the copath has an empty resolution. Each entry is the path node and its
   * copath child. §4.1.2 counts every leaf, members added by the current commit included,
   * so UpdatePaths pass no `excluded` set; it exists for callers that need the other view.
   */
  filteredDirectPath(leafIndex: number, excluded?: ReadonlySet<number>): { node: number; copathChild: number }[] {
    const out: { node: number; copathChild: number }[] = [];
    let child = 2 * leafIndex;
    for (const node of this.directPath(leafIndex)) {
      const k = level(node);
      const leftChild = node ^ (1 << (k - 1));
      const copathChild = child === leftChild ? node ^ (3 << (k - 1)) : leftChild;
      if (!this.hasEmptyResolution(copathChild, excluded)) out.push({ node, copathChild });
      child = node;
    }
    return out;
  }

  /** True when node `x` lies in the subtree under `ancestor` (or is it). */
  inSubtree(x: number, ancestor: number): boolean {
    return isInSubtree(x, ancestor, this.leaves.length);
  }

  /**
   * The index of the tree's keys and credential types, built on the first call (O(n)) and
   * kept current by every mutation afterwards. Read-only for callers.
   */
  keyIndex(): TreeKeyIndex {
    if (this.index === undefined) {
      const index = new TreeKeyIndex();
      for (const [leafIndex, leaf] of this.occupiedLeaves()) index.addLeaf(leafIndex, leaf);
      for (let j = 0; j < this.parents.length; j++) {
        const node = this.parents[j];
        if (node !== undefined) index.addParentKey(2 * j + 1, node.encryptionKey);
      }
      this.index = index;
    }
    return this.index;
  }

  // -------------------------------------------------------------------------------------
  // Mutation (§7.7, §12.1.1-§12.1.3). Each invalidates the cached tree hashes it affects
  // and updates the key index, if built.

  private replaceLeaf(leafIndex: number, leaf: LeafNode | undefined): void {
    const old = this.leaves[leafIndex];
    this.leaves[leafIndex] = leaf;
    if (this.index !== undefined) {
      if (old !== undefined) this.index.removeLeaf(leafIndex, old);
      if (leaf !== undefined) this.index.addLeaf(leafIndex, leaf);
    }
  }

  private replaceParent(x: number, node: ParentNode | undefined): void {
    const j = (x - 1) / 2;
    const old = this.parents[j];
    this.parents[j] = node;
    if (this.index !== undefined) {
      if (old !== undefined) this.index.removeEncryptionKey(x, old.encryptionKey);
      if (node !== undefined) this.index.addParentKey(x, node.encryptionKey);
    }
  }

  /** Sets (or, with undefined, blanks) leaf `leafIndex`. */
  setLeaf(leafIndex: number, leaf: LeafNode | undefined): void {
    this.requireIndex(leafIndex);
    this.replaceLeaf(leafIndex, leaf);
    if (leaf === undefined && leafIndex < this.firstBlankHint) this.firstBlankHint = leafIndex;
    this.invalidate(2 * leafIndex);
  }

  /** Sets (or blanks) parent node `nodeIndex` (odd). */
  setParent(nodeIndex: number, node: ParentNode | undefined): void {
    if (nodeIndex % 2 !== 1 || nodeIndex >= this.nodeCount) throw new RangeError(`not a parent node index: ${nodeIndex}`);
    this.replaceParent(nodeIndex, node);
    this.invalidate(nodeIndex);
  }

  /** Blanks every node of leaf `leafIndex`'s direct path (§7.5 step 1, §12.1.2, §12.1.3). */
  blankDirectPath(leafIndex: number): void {
    for (const x of this.directPath(leafIndex)) {
      this.replaceParent(x, undefined);
      this.hashes[x] = undefined;
    }
  }

  /**
   * Adds `leaf` in the leftmost blank leaf, extending the tree when there is none, and
   * records it as unmerged in every non-blank parent on its direct path (§12.1.1, §7.7).
   * Returns its leaf index.
   * @throws TreeError('too-many-leaves') when the tree would exceed MAX_TREE_LEAVES
   */
  addLeaf(leaf: LeafNode): number {
    let leafIndex = this.firstBlankHint;
    while (leafIndex < this.leaves.length && this.leaves[leafIndex] !== undefined) leafIndex++;
    if (leafIndex === this.leaves.length) this.extend();
    this.replaceLeaf(leafIndex, leaf);
    this.firstBlankHint = leafIndex + 1;
    this.invalidate(2 * leafIndex);
    for (const x of this.directPath(leafIndex)) {
      const node = this.parents[(x - 1) / 2];
      if (node !== undefined) this.parents[(x - 1) / 2] = { ...node, unmergedLeaves: insertSorted(node.unmergedLeaves, leafIndex) };
    }
    return leafIndex;
  }

  /**
   * Replaces leaf `leafIndex` with `leaf` and blanks its direct path (§12.1.2).
   * @throws TreeError('blank-leaf') when the leaf is blank
   */
  updateLeaf(leafIndex: number, leaf: LeafNode): void {
    this.requireLeaf(leafIndex);
    this.replaceLeaf(leafIndex, leaf);
    this.invalidate(2 * leafIndex);
    this.blankDirectPath(leafIndex);
  }

  /**
   * Blanks leaf `leafIndex` and its direct path, then truncates the tree while its right
   * half is blank (§12.1.3, §7.7).
   * @throws TreeError('blank-leaf') when the leaf is blank
   */
  removeLeaf(leafIndex: number): void {
    this.requireLeaf(leafIndex);
    this.setLeaf(leafIndex, undefined);
    this.blankDirectPath(leafIndex);
    this.truncate();
  }

  /** Doubles the tree: a new blank root whose right subtree is all blank (§7.7). */
  private extend(): void {
    const n = this.leaves.length;
    if (2 * n > MAX_TREE_LEAVES) throw new TreeError('too-many-leaves', `${2 * n} leaves > ${MAX_TREE_LEAVES}`);
    this.leaves.length = 2 * n;
    this.parents.length = 2 * n - 1;
    this.hashes.length = 4 * n - 1;
    // The old root hash stays valid (same subtree); the new root and right half are blank and uncached.
  }

  /** Halves the tree while its right half holds no non-blank node (§7.7). */
  truncate(): void {
    while (this.leaves.length > 1) {
      const n = this.leaves.length;
      const half = n / 2;
      let rightBlank = true;
      for (let i = half; i < n && rightBlank; i++) if (this.leaves[i] !== undefined) rightBlank = false;
      // A right half with only blank leaves has only blank parents too (parents of removed members are blanked).
      if (!rightBlank) return;
      // Such parents are blank in any tree reached by the RFC's operations; forget any key anyway.
      for (let x = n - 1; x < 2 * n - 1; x += 2) this.replaceParent(x, undefined);
      this.leaves.length = half;
      this.parents.length = half - 1;
      this.hashes.length = n - 1;
      if (this.firstBlankHint > half) this.firstBlankHint = half;
    }
  }

  private requireIndex(leafIndex: number): void {
    if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= this.leaves.length) throw new TreeError('blank-leaf', `leaf ${leafIndex} outside a tree of ${this.leaves.length}`);
  }

  // -------------------------------------------------------------------------------------
  // Tree hash cache (used by tree-hash.ts)

  /** Drops cached hashes of `x` and its ancestors. */
  private invalidate(x: number): void {
    this.hashes[x] = undefined;
    const n = this.leaves.length;
    const r = root(n);
    let node = x;
    while (node !== r) {
      const k = level(node);
      const b = (node >> (k + 1)) & 1;
      node = (node | (1 << k)) ^ (b << (k + 1));
      this.hashes[node] = undefined;
    }
  }

  /** @internal cached tree hash of `x` for suite `suiteId`. */
  cachedHash(suiteId: number, x: number): Uint8Array | undefined {
    return this.hashSuite === suiteId ? this.hashes[x] : undefined;
  }

  /** @internal stores the tree hash of `x` for suite `suiteId`. */
  storeHash(suiteId: number, x: number, value: Uint8Array): void {
    if (this.hashSuite !== suiteId) {
      this.hashes = new Array<Uint8Array | undefined>(this.nodeCount);
      this.hashSuite = suiteId;
    }
    this.hashes[x] = value;
  }
}

/** `values` (sorted ascending) with `value` inserted in order, as a new array. */
function insertSorted(values: readonly number[], value: number): number[] {
  const out = values.slice();
  let i = out.length;
  while (i > 0 && out[i - 1]! > value) i--;
  if (out[i - 1] === value) return out;
  out.splice(i, 0, value);
  return out;
}
