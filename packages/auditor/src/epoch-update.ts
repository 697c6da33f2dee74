/**
 * What the auditor receives for one log entry: an AuditEpoch of the audit feed
 * (protocol/transparency/audit.ts; the draft's AuditorUpdate in Sealed's shape). It holds
 * the log's TreeHead signature for the size the entry makes but no root: the auditor
 * computes the root itself, and the signature must verify over that root, so what the
 * auditor countersigns is exactly what the log signed.
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
  /** Leaves inserted by this entry, in insertion order (empty for a heartbeat). */
  readonly added: readonly PrefixLeaf[];
  /** Leaves removed by this entry: must be empty in Sealed. */
  readonly removed: readonly PrefixLeaf[];
  /** The prefix-tree root the log entry commits to. */
  readonly prefixRoot: Uint8Array;
  /** The log's Ed25519 signature over TreeHeadTBS(treeSize, root of the log with this entry). */
  readonly logSignature: Uint8Array;
}

/**
 * The most leaves one entry may add, checked before any hashing: the wire contract's
 * KT_MAX_INSERTS_PER_EPOCH (the server closes an epoch early rather than exceed it).
 */
export { KT_MAX_INSERTS_PER_EPOCH as MAX_LEAVES_PER_EPOCH } from '@sealed/protocol/transparency/limits';
