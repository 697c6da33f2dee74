/**
 * The one error the tree-head (checkpoint) functions throw (draft-ietf-keytrans-protocol,
 * "Tree Head Signature", "Auditor Tree Head Signature"). Messages carry no key bytes.
 */
export type CheckpointErrorCode =
  | 'invalid-configuration' // a Configuration field out of range for its wire type
  | 'invalid-tree-head' // tree_size / timestamp not a safe uint64, root not 32 octets
  | 'bad-signature'; // a signature that does not verify (or is malformed)

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly code: CheckpointErrorCode,
    /** The draft section and field involved; never key or signature bytes. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
