/**
 * The one error of the client's key-transparency checks. There is no "accept with a
 * warning" outcome: every check either passes or throws one of these, and the caller
 * refuses what it was about to trust. Messages carry sizes and times, never key bytes.
 */
export type TransparencyErrorCode =
  | 'malformed' // a response that does not decode, or fields of the wrong size
  | 'bad-log-signature' // the log's TreeHead signature does not verify
  | 'bad-auditor-signature' // a countersignature from a configured auditor that does not verify
  | 'too-few-auditors' // fewer valid auditor countersignatures than the policy requires
  | 'stale-checkpoint' // the latest log entry is older than the policy's maximum age (missing heartbeats)
  | 'checkpoint-from-future' // the latest entry is further ahead of our clock than max_ahead
  | 'rolled-back' // a checkpoint smaller or older than one we already verified
  | 'inconsistent' // a consistency proof that does not verify, or two roots for one size (a fork)
  | 'not-in-log' // a value whose inclusion proof does not verify against the checkpoint
  | 'wrong-value' // the proven value does not match what was served (e.g. another device list)
  | 'version-gap' // monitoring: versions skipped, repeated or out of order
  | 'not-verified' // a device or account the transparency log has not vouched for
  | 'not-logged-yet' // the label has no version in the served log yet (registered since the last epoch)
  | 'unavailable'; // the transparency endpoint did not answer (nothing is trusted meanwhile)

/**
 * A checkpoint as the log signed it: TreeHeadTBS covers (tree_size, root), so anyone with
 * the Configuration can check it. Two of these that cannot both be true are evidence.
 */
export interface SignedCheckpoint {
  readonly treeSize: number;
  /** The latest entry's timestamp (ms). */
  readonly timestamp: number;
  readonly root: Uint8Array;
  readonly signature: Uint8Array;
}

/** Proof that the log showed two views: two log-signed checkpoints that do not extend one another. */
export interface ForkEvidence {
  readonly first: SignedCheckpoint;
  readonly second: SignedCheckpoint;
  /** The consistency proof served between them, which failed (absent for equal sizes). */
  readonly consistencyProof?: readonly Uint8Array[];
}

export class TransparencyError extends Error {
  override readonly name = 'TransparencyError';
  constructor(
    readonly code: TransparencyErrorCode,
    /** What was checked, with sizes and times; never key bytes or values. */
    readonly detail: string,
    /** For `inconsistent`: the two signed checkpoints that show the fork. */
    readonly evidence?: ForkEvidence,
  ) {
    super(`${code}: ${detail}`);
  }
}
