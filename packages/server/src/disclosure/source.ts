/**
 * What `disclose` reads: a read-only view of everything the storage holds that is keyed to
 * one account or its devices (the manifest's tables with subject `account` or `device`).
 * The service-facing storage interfaces have no such reads (and should not), so each back
 * end implements this one beside them: sqlite-source.ts and pg-source.ts.
 */

import { accountLabel, usernameLabel } from '@sealed/kt/labels/labels';
import { fromHex } from '@sealed/protocol/encoding';

/** The accounts row. Times are ms since the epoch, as stored. */
export interface HeldAccount {
  readonly id: string;
  readonly username: string;
  readonly identityKey: Uint8Array;
  readonly createdDay: number;
  readonly lastSeenDay: number;
  readonly deviceListVersion: number;
  /** Size of the stored signed device list (its content is the device ids and keys below). */
  readonly deviceListBytes: number;
}

/** A devices row. */
export interface HeldDevice {
  readonly id: string;
  readonly signatureKey: Uint8Array;
  readonly createdDay: number;
  /** 1 + the number of entries ever queued for the device (devices.next_seq). */
  readonly nextSeq: number;
}

/** Rows of the device-keyed tables, summarised (counts, sizes and time ranges, never content). */
export interface DeviceHoldings {
  /** sessions rows. */
  readonly sessions: number;
  /** Their exact expiry times (ms), oldest first (the newest `maxTimes` of them). */
  readonly sessionExpiries: readonly number[];
  /** key_packages rows. */
  readonly keyPackages: number;
  /** A last_resort_key_packages row exists. */
  readonly lastResortKeyPackage: boolean;
  /** queue rows. */
  readonly queue: QueueHoldings;
  /** idempotency rows where the device is the sender. */
  readonly sendRecords: number;
  /** Their exact expiry times (ms), oldest first (the newest `maxTimes` of them). */
  readonly sendRecordExpiries: readonly number[];
}

export interface QueueHoldings {
  readonly count: number;
  /** Entries per stored kind code (1 application, 2 commit, 3 proposal, 4 welcome). */
  readonly byKind: ReadonlyMap<number, number>;
  /** Total ciphertext bytes. */
  readonly bytes: number;
  /** Exact receive times (ms) of the oldest and newest entry; undefined when empty. */
  readonly oldestReceivedAt: number | undefined;
  readonly newestReceivedAt: number | undefined;
}

/**
 * What the key-transparency log holds about an account (kt_versions, kt_accounts): counts
 * and versions only. The log keeps every version forever (append-only, docs/key-transparency.md).
 */
export interface TransparencyHoldings {
  /** kt_versions rows of the account label (one per signed device list published). */
  readonly accountLabelVersions: number;
  /** kt_versions rows of the username label (the username bound to the account id and identity key). */
  readonly usernameLabelVersions: number;
  /** kt_accounts: the device-list version last logged; undefined when none yet. */
  readonly loggedDeviceListVersion: number | undefined;
}

/** The two log labels of an account (packages/kt labels): 0x01 || account id, 0x02 || username. */
export function labelsOf(accountIdHex: string, username: string): { account: Uint8Array; username: Uint8Array } {
  const id = fromHex(accountIdHex);
  if (id === undefined) throw new DisclosureError('no-data', 'an account id that is not hex');
  return { account: accountLabel(id), username: usernameLabel(username) };
}

export interface DisclosureSource {
  /** The account with this (already normalised) username. */
  findAccount(username: string): Promise<HeldAccount | undefined>;
  /** The account's devices in creation order, at most `limit`. */
  listDevices(accountId: string, limit: number): Promise<HeldDevice[]>;
  /**
   * What the device-keyed tables hold for the device. Session and send-record expiries are
   * at most `maxTimes` each (the newest); counts are always exact.
   */
  deviceHoldings(deviceId: string, maxTimes: number): Promise<DeviceHoldings>;
  /** Rows of the key-transparency tables keyed to this account (none when the tables do not exist yet). */
  transparencyHoldings(accountId: string, username: string): Promise<TransparencyHoldings>;
  close(): Promise<void>;
}

export type DisclosureErrorCode = 'usage' | 'invalid-username' | 'unknown-account' | 'no-data' | 'schema-mismatch' | 'unreachable';

/** A request `disclose` cannot answer. Messages never carry stored data. */
export class DisclosureError extends Error {
  override readonly name = 'DisclosureError';
  constructor(
    readonly code: DisclosureErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Integer columns may come back as number, bigint or string (pg int8); all are converted exactly or refused. */
export function toSafeInteger(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(typeof value === 'bigint' ? value : String(value));
  if (!Number.isSafeInteger(n)) throw new DisclosureError('schema-mismatch', 'an integer column holds something else');
  return n;
}
