/**
 * What `disclose` reads: a read-only view of everything the storage holds that is keyed to
 * one account or its devices (the manifest's tables with subject `account` or `device`).
 * The service-facing storage interfaces have no such reads (and should not), so each back
 * end implements this one beside them: sqlite-source.ts and pg-source.ts.
 */

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
