/**
 * Storage of the transparency log (one interface, SQLite and PostgreSQL back ends, both run
 * through test/transparency/kt-store-conformance.ts). Append-only: epochs and their label
 * versions are written once, in one transaction with the account versions they log.
 */
import type { EpochRecord } from '@sealed/kt/proof/prover';

/** The log's secret keys (generated once, shared by every node of a deployment). */
export interface KtSecretKeys {
  readonly signingKey: Uint8Array;
  readonly vrfKey: Uint8Array;
}

/** An account's current row as the transparency service reads it. */
export interface AccountSnapshot {
  readonly accountId: string;
  readonly username: string;
  readonly identityKey: Uint8Array;
  readonly deviceListVersion: number;
  readonly deviceList: Uint8Array;
}

/** A stored auditor countersignature. */
export interface StoredCountersignature {
  readonly auditorPublicKey: Uint8Array;
  readonly timestamp: number;
  readonly treeSize: number;
  readonly signature: Uint8Array;
}

/** One epoch of the audit feed: its entry and inserts in insertion order. */
export interface StoredAuditEpoch {
  readonly position: number;
  readonly timestamp: number;
  readonly prefixRoot: Uint8Array;
  readonly signature: Uint8Array;
  readonly inserts: readonly { readonly vrfOutput: Uint8Array; readonly commitment: Uint8Array }[];
}

export interface KtStore {
  /** The stored keys, or `generated` stored first (the first node to start wins). */
  loadOrCreateKeys(generated: KtSecretKeys): Promise<KtSecretKeys>;
  /** Epochs from `from` on, at most `limit`, with their versions in insertion order. */
  loadEpochs(from: number, limit: number): Promise<EpochRecord[]>;
  loadCountersignatures(): Promise<StoredCountersignature[]>;
  /** account id -> device_list_version already logged. */
  loadLoggedVersions(): Promise<Map<string, number>>;
  /** (account id, device_list_version) of every account, for change detection. */
  accountVersions(): Promise<Map<string, number>>;
  /** The full rows of these accounts (missing ones left out). */
  accountSnapshots(accountIds: readonly string[]): Promise<AccountSnapshot[]>;
  /**
   * Writes an epoch, its versions and the account versions it logs, atomically. False when
   * an epoch at that position exists already (another node wrote it): nothing is written.
   */
  saveEpoch(record: EpochRecord, logged: readonly { accountId: string; deviceListVersion: number }[]): Promise<boolean>;
  /** Stores a verified countersignature (idempotent per auditor and size). */
  saveCountersignature(c: StoredCountersignature): Promise<void>;
  /** Consecutive epochs from `start`: at most `maxEpochs`, and no more inserts than `maxInserts` after the first. */
  auditEpochs(start: number, maxEpochs: number, maxInserts: number): Promise<StoredAuditEpoch[]>;
}
