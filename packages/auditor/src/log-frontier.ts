/**
 * The compact range of an RFC 9162 log: the roots of the perfect subtrees that make up the
 * first `size` leaves, largest first. Appending a leaf merges equal-sized subtrees, and the
 * root is their right-to-left fold, so the auditor keeps O(log n) hashes instead of every
 * leaf and each append costs O(log n) hashes.
 *
 * Why the fold equals MTH (RFC 9162 §2.1.1): MTH splits at the largest power of two k < n,
 * whose left part is the first (largest) perfect subtree; recursing on the right part
 * peels off the next one, and so on, so MTH(D[n]) = H(s0, H(s1, ... H(s_{j-1}, s_j))).
 */
import { emptyRoot, nodeHash } from '@sealed/kt/log/merkle-hash';

export interface LogFrontier {
  /** Number of leaves. */
  readonly size: number;
  /** Perfect-subtree roots, largest (leftmost) first; one per set bit of `size`. */
  readonly subtrees: readonly Uint8Array[];
}

export const EMPTY_FRONTIER: LogFrontier = { size: 0, subtrees: [] };

/** The frontier after appending one leaf hash (HASH(0x00 || entry)). */
export function appendLeaf(frontier: LogFrontier, leafHash: Uint8Array): LogFrontier {
  const subtrees = [...frontier.subtrees];
  let carry = leafHash;
  // Each trailing set bit of size is a subtree of the same height as `carry`: merge them.
  let size = frontier.size;
  while (size % 2 === 1) {
    const left = subtrees.pop();
    if (left === undefined) throw new Error('log frontier: subtree missing');
    carry = nodeHash(left, carry);
    size = Math.floor(size / 2);
  }
  subtrees.push(carry);
  return { size: frontier.size + 1, subtrees };
}

/** MTH of the frontier's leaves (RFC 9162 §2.1.1); HASH() for the empty log. */
export function frontierRoot(frontier: LogFrontier): Uint8Array {
  const { subtrees } = frontier;
  let root = subtrees[subtrees.length - 1];
  if (root === undefined) return emptyRoot();
  for (let i = subtrees.length - 2; i >= 0; i--) root = nodeHash(subtrees[i] as Uint8Array, root);
  return root;
}
