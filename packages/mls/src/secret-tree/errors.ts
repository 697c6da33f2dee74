/**
 * Errors of the secret tree (RFC 9420 §9). Each carries the leaf and generation involved
 * (public values: they travel in SenderData), never a key.
 */
export type SecretTreeErrorCode =
  | 'invalid-leaf-count' // not a power of two in 1 ..= MAX_LEAVES
  | 'invalid-leaf' // leaf index outside the tree
  | 'generation-consumed' // key already used and deleted (a replay), or evicted as too old
  | 'generation-too-far' // more than MAX_GENERATION_GAP ahead of the ratchet
  | 'generation-exhausted' // the ratchet reached the uint32 limit
  | 'stale-state'; // a prepared consumption was committed after the tree changed

/** Error of a secret-tree operation; the tree is unchanged when it is thrown. */
export class SecretTreeError extends Error {
  override readonly name = 'SecretTreeError';
  constructor(
    readonly code: SecretTreeErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
