/**
 * The one error type of the ratchet tree (RFC 9420 §7). A malformed or inconsistent tree
 * from a peer ends here, with the node indices involved; messages never carry key
 * material.
 */
export type TreeErrorCode =
  | 'too-many-leaves' // beyond MAX_TREE_LEAVES (limits.ts)
  | 'malformed-tree' // §12.4.3.3: even length, trailing blank node, node type not matching its position
  | 'blank-leaf' // an operation needs a leaf that is blank (or outside the tree)
  | 'invalid-unmerged-leaves' // §7.1, §12.4.3.1: unsorted, duplicated, blank, not a descendant, missing below
  | 'duplicate-encryption-key' // §7.3, §12.4.3.1: an HPKE key appears in two nodes
  | 'duplicate-signature-key' // §7.3: a signature key appears in two leaves
  | 'parent-hash-invalid' // §7.9.2: a non-blank parent is not covered by exactly one parent-hash chain
  | 'tree-hash-mismatch'; // §12.4.3.3: root tree hash differs from the GroupContext's

/** Errors of ratchet tree decoding, validation and operations. Branch on `code`. */
export class TreeError extends Error {
  override readonly name = 'TreeError';
  constructor(
    readonly code: TreeErrorCode,
    /** What failed and the node or leaf indices involved; never keys or secrets. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
