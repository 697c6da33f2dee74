/**
 * The one error the prefix tree and commitment functions throw
 * (draft-ietf-keytrans-protocol, "Prefix Tree", "Commitment"). Messages never carry
 * openings, labels or values.
 */
export type PrefixErrorCode =
  | 'invalid-key-length' // a search key (VRF output) that is not VRF_OUTPUT_LEN octets
  | 'invalid-hash-length' // a commitment or node value that is not HASH_LEN octets
  | 'duplicate-key' // inserting a search key the tree already holds (keys are never replaced)
  | 'invalid-depth' // a proof depth outside 1..KEY_BITS
  | 'wrong-element-count' // a proof whose elements do not number `depth`
  | 'leaf-not-on-path' // nonInclusionLeaf: the leaf's key does not share the searched prefix
  | 'leaf-is-searched-key' // nonInclusionLeaf: the "other" leaf is the searched key itself
  | 'root-mismatch' // the recomputed root differs from the trusted one
  | 'invalid-opening-length' // a commitment opening that is not NC octets
  | 'label-too-long' // a label over 255 octets (label<0..2^8-1>)
  | 'value-too-long' // an update value over MAX_UPDATE_VALUE_LEN octets
  | 'invalid-version' // a version that is not a uint32
  | 'invalid-position' // an insertion position that is not a safe non-negative integer
  | 'duplicate-query' // a batched search names one key twice
  | 'wrong-result-count' // a batched proof whose results do not number the searched keys
  | 'inconsistent-results' // results ending at one node that disagree, or a terminal node with results below it
  | 'missing-commitment' // an inclusion result for a key whose commitment the verifier was not given
  | 'too-many-elements' // more elements than the proof can need, or elements left over

export class PrefixError extends Error {
  override readonly name = 'PrefixError';
  constructor(
    readonly code: PrefixErrorCode,
    /** The draft section and sizes involved; never openings, labels or values. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
