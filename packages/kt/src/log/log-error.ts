/**
 * The one error the append-only log's proof functions throw (RFC 9162 §2.1). Each code
 * names the check that failed, so callers and tests can tell a missing hash from an
 * extra one or from a wrong root. Messages carry sizes and indexes, never hashes.
 */
export type LogErrorCode =
  | 'invalid-size' // a tree size or index that is not a safe non-negative integer
  | 'index-out-of-range' // §2.1.3.2 step 1: leaf_index >= tree_size
  | 'invalid-sizes' // §2.1.4: a consistency proof needs 0 < first_size < second_size
  | 'empty-proof' // §2.1.4.2 step 1: consistency_path is empty
  | 'too-many-hashes' // more hashes than MAX_PROOF_HASHES, refused before any work
  | 'invalid-hash-length' // a hash that is not HASH_LEN octets
  | 'invalid-entry-length' // an encoded LogEntry that is not LOG_ENTRY_LEN octets
  | 'proof-too-long' // §2.1.3.2 step 4a / §2.1.4.2 step 6a: sn reached 0 with hashes left
  | 'proof-too-short' // §2.1.3.2 step 5 / §2.1.4.2 step 7: sn is not 0 at the end
  | 'root-mismatch'; // §2.1.3.2 step 5 / §2.1.4.2 step 7: a recomputed root differs

export class LogError extends Error {
  override readonly name = 'LogError';
  constructor(
    readonly code: LogErrorCode,
    /** The RFC 9162 step and the sizes involved; never hash values. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
