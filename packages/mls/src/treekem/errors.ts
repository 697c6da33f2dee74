/**
 * The one error type of TreeKEM (RFC 9420 §7.4-§7.6): creating, merging and decrypting
 * UpdatePaths and loading private tree state. Details name node and leaf indices and
 * counts, never keys or path secrets.
 */
export type TreeKemErrorCode =
  | 'blank-sender' // the committer's leaf is blank
  | 'path-length-mismatch' // §7.6: UpdatePath.nodes is not as long as the filtered direct path
  | 'ciphertext-count-mismatch' // §7.6: encrypted_path_secret is not as long as the copath resolution
  | 'wrong-leaf-node-source' // §7.3: the UpdatePath leaf is not a commit leaf
  | 'parent-hash-mismatch' // §7.9.2: the committer's leaf does not carry the recomputed parent hash
  | 'duplicate-encryption-key' // §7.3, §12.4.3.1: an UpdatePath key is already in the tree
  | 'no-decryption-key' // §7.5: we hold no private key for any node the path secret was encrypted to
  | 'decrypt-failed' // §7.6: DecryptWithLabel failed for the ciphertext meant for us
  | 'public-key-mismatch' // §7.5 step 6, §12.4.3.1: a derived public key differs from the tree's
  | 'not-a-member'; // our own leaf is blank or is the committer's

/** Errors of UpdatePath creation and processing. Branch on `code`. */
export class TreeKemError extends Error {
  override readonly name = 'TreeKemError';
  constructor(
    readonly code: TreeKemErrorCode,
    /** Indices and counts only; never keys or secrets. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
