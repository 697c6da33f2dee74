/**
 * Array-based complete binary trees (RFC 9420 Appendix C; §4.1, §7.1).
 *
 * Leaves sit at even node indices (leaf i at node 2i), intermediate nodes at odd
 * indices. For a tree of `n` leaves the array holds 2(n - 1) + 1 nodes:
 *
 *                 3
 *             /       \
 *           1           5
 *          / \         / \
 *   node:  0  1  2  3  4  5  6
 *   leaf:  0     1     2     3
 *
 * RFC 9420 trees always have a power-of-two number of leaves (§7.7: the tree grows by
 * doubling), but the functions here follow Appendix C and accept any leaf count in
 * 1 ..= MAX_LEAVES. Every function checks its indices and throws TreeMathError
 * instead of returning a meaningless number.
 */

/**
 * Largest tree we model: 2^30 leaves. It keeps every node index (at most 2^31 - 2)
 * below 2^31, so JavaScript's 32-bit bitwise operators are exact on them, and is far
 * above any group the protocol layer admits.
 */
export const MAX_LEAVES = 2 ** 30;

/** Brand for node indices (array positions), so they are not confused with leaf indices. */
export type NodeIndex = number & { readonly __brand: 'NodeIndex' };
/** Brand for leaf indices (0 ..= n - 1). */
export type LeafIndex = number & { readonly __brand: 'LeafIndex' };

export type TreeMathErrorCode =
  | 'invalid-leaf-count' // n is 0, not an integer, or above MAX_LEAVES
  | 'index-out-of-range' // a node or leaf index outside the tree
  | 'leaf-has-no-children' // left/right of a leaf
  | 'root-has-no-parent'; // parent/sibling of the root

/** Misuse of tree math: an index or leaf count outside the tree. */
export class TreeMathError extends Error {
  override readonly name = 'TreeMathError';
  constructor(
    readonly code: TreeMathErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

function checkLeafCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_LEAVES) throw new TreeMathError('invalid-leaf-count', `n = ${n}`);
}

function checkNode(x: number, n: number): void {
  if (!Number.isInteger(x) || x < 0 || x >= nodeWidth(n)) throw new TreeMathError('index-out-of-range', `node ${x} in a tree of ${n} leaves`);
}

/** Exponent of the largest power of two <= x (0 for x = 0). */
function log2(x: number): number {
  return x === 0 ? 0 : 31 - Math.clz32(x);
}

/** Node index of leaf `i`. @throws TreeMathError when i is not a valid leaf index of a tree of MAX_LEAVES. */
export function leafToNode(i: number): NodeIndex {
  if (!Number.isInteger(i) || i < 0 || i >= MAX_LEAVES) throw new TreeMathError('index-out-of-range', `leaf ${i}`);
  return (2 * i) as NodeIndex;
}

/** Leaf index of node `x`. @throws TreeMathError when x is not a leaf node (odd) or negative. */
export function nodeToLeaf(x: number): LeafIndex {
  if (!Number.isInteger(x) || x < 0 || x % 2 !== 0 || x > 2 * (MAX_LEAVES - 1)) throw new TreeMathError('index-out-of-range', `node ${x} is not a leaf`);
  return (x / 2) as LeafIndex;
}

/**
 * Level of node `x`: 0 for leaves, one more than its children otherwise (Appendix C).
 * Needs no tree size: the level is the number of trailing one bits.
 */
export function level(x: number): number {
  if (!Number.isInteger(x) || x < 0 || x >= 2 * MAX_LEAVES) throw new TreeMathError('index-out-of-range', `node ${x}`);
  // Trailing ones of x = trailing zeros of ~x.
  const inverted = ~x;
  return 31 - Math.clz32(inverted & -inverted);
}

/** Number of nodes of a tree with `n` leaves. @throws TreeMathError('invalid-leaf-count') */
export function nodeWidth(n: number): number {
  checkLeafCount(n);
  return 2 * (n - 1) + 1;
}

/** Root node of a tree with `n` leaves. @throws TreeMathError('invalid-leaf-count') */
export function root(n: number): NodeIndex {
  return (2 ** log2(nodeWidth(n)) - 1) as NodeIndex;
}

/** Left child of intermediate node `x`. @throws TreeMathError for leaves or indices outside a tree of `n` leaves. */
export function left(x: number, n: number): NodeIndex {
  checkNode(x, n);
  const k = level(x);
  if (k === 0) throw new TreeMathError('leaf-has-no-children', `node ${x}`);
  return (x ^ (1 << (k - 1))) as NodeIndex;
}

/**
 * Right child of intermediate node `x` (Appendix C). In a tree whose leaf count is not a
 * power of two this may name a node beyond the array, as in the RFC's code; RFC 9420
 * trees always have 2^d leaves, where it never does.
 * @throws TreeMathError for leaves or indices outside a tree of `n` leaves.
 */
export function right(x: number, n: number): NodeIndex {
  checkNode(x, n);
  const k = level(x);
  if (k === 0) throw new TreeMathError('leaf-has-no-children', `node ${x}`);
  return (x ^ (3 << (k - 1))) as NodeIndex;
}

/** Parent of node `x`. @throws TreeMathError for the root or an index outside the tree. */
export function parent(x: number, n: number): NodeIndex {
  checkNode(x, n);
  if (x === root(n)) throw new TreeMathError('root-has-no-parent', `node ${x}`);
  const k = level(x);
  const b = (x >> (k + 1)) & 1;
  return ((x | (1 << k)) ^ (b << (k + 1))) as NodeIndex;
}

/** The other child of `x`'s parent. @throws TreeMathError for the root or an index outside the tree. */
export function sibling(x: number, n: number): NodeIndex {
  const p = parent(x, n);
  return x < p ? right(p, n) : left(p, n);
}

/** Direct path of `x` from its parent up to and including the root (empty for the root). @throws TreeMathError */
export function directPath(x: number, n: number): NodeIndex[] {
  checkNode(x, n);
  const r = root(n);
  const path: NodeIndex[] = [];
  let node = x;
  while (node !== r) {
    node = parent(node, n);
    path.push(node as NodeIndex);
  }
  return path;
}

/** Copath of `x`: the sibling of each node on the path from `x` up to (not including) the root. @throws TreeMathError */
export function copath(x: number, n: number): NodeIndex[] {
  const path = directPath(x, n);
  if (path.length === 0) return [];
  const nodes = [x, ...path.slice(0, -1)];
  return nodes.map((node) => sibling(node, n));
}

/** Lowest node that lies on the direct paths of both `x` and `y` (or is one of them). @throws TreeMathError */
export function commonAncestor(x: number, y: number, n: number): NodeIndex {
  checkNode(x, n);
  checkNode(y, n);
  const lx = level(x) + 1;
  const ly = level(y) + 1;
  if (lx <= ly && x >>> ly === y >>> ly) return y as NodeIndex;
  if (ly <= lx && x >>> lx === y >>> lx) return x as NodeIndex;
  let xn = x;
  let yn = y;
  let k = 0;
  while (xn !== yn) {
    xn >>>= 1;
    yn >>>= 1;
    k++;
  }
  return (xn * 2 ** k + 2 ** (k - 1) - 1) as NodeIndex;
}

/** True when `x` lies inside the subtree rooted at `ancestor` (or is it). @throws TreeMathError */
export function isInSubtree(x: number, ancestor: number, n: number): boolean {
  checkNode(x, n);
  checkNode(ancestor, n);
  const k = level(ancestor);
  // The subtree of a node at level k spans node indices [a - (2^k - 1), a + (2^k - 1)].
  const span = 2 ** k - 1;
  return x >= ancestor - span && x <= ancestor + span;
}
