/**
 * What the auditor receives for one log entry (draft-ietf-keytrans-protocol,
 * "Third-Party Auditing", AuditorUpdate), plus the log's signed tree head for the size the
 * entry makes, so that what the auditor countersigns is exactly what the log signed.
 *
 * Sealed's directory only ever inserts: a label's versions are new search keys, and no
 * leaf is removed. `removed` exists so that a server that removes one says so and is
 * refused, rather than the field being silently absent.
 */

/** A prefix-tree leaf: the search key (truncated VRF output) and its commitment. */
export interface PrefixLeaf {
  readonly vrfOutput: Uint8Array;
  readonly commitment: Uint8Array;
}

export interface EpochUpdate {
  /** The log's size after this entry: the entry is leaf `treeSize - 1`. */
  readonly treeSize: number;
  /** The log entry's timestamp, milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** Leaves inserted by this entry, ascending by vrfOutput (empty for a heartbeat). */
  readonly added: readonly PrefixLeaf[];
  /** Leaves removed by this entry: must be empty in Sealed. */
  readonly removed: readonly PrefixLeaf[];
  /** The prefix-tree root the log entry commits to. */
  readonly prefixRoot: Uint8Array;
  /** The log root of size `treeSize`, as the log signed it. */
  readonly logRoot: Uint8Array;
  /** The log's Ed25519 signature over TreeHeadTBS(treeSize, logRoot). */
  readonly logSignature: Uint8Array;
}

/**
 * The most leaves one entry may add, checked before any hashing: the draft's
 * `PrefixLeaf added<0..2^16-1>` bounds the wire form, and one epoch of a large directory
 * (60 s of registrations and device changes) stays far below it.
 */
export const MAX_LEAVES_PER_EPOCH = 0xffff;
