/**
 * Accounts, devices, signed device lists and sessions: everything about "who is who".
 * All operations are async because the PostgreSQL back end is.
 */
import type { AccountId, AccountRecord, DeviceId, DeviceRecord, Millis, SignedDeviceListRecord } from './types.ts';

export interface NewAccount {
  readonly account: AccountRecord;
  readonly firstDevice: DeviceRecord;
  /** Version 1 of the device list, naming `firstDevice`, signed by the identity key. */
  readonly deviceList: SignedDeviceListRecord;
}

/** A device-list change, already verified (signature, version, contents) by the service. */
export interface DeviceListChange {
  readonly accountId: AccountId;
  readonly deviceList: SignedDeviceListRecord;
  /** Devices the new list adds (not present before). */
  readonly added: readonly DeviceRecord[];
  /** Devices the new list no longer names; their sessions, key packages and queue go too. */
  readonly removed: readonly DeviceId[];
}

export interface AccountStore {
  /**
   * Creates the account, its first device and device list v1 in one transaction.
   * @throws StorageError('conflict') when the username, account id, device id or device key is taken.
   */
  createAccount(input: NewAccount): Promise<void>;
  getAccountByUsername(username: string): Promise<AccountRecord | undefined>;
  getAccount(id: AccountId): Promise<AccountRecord | undefined>;
  getDevice(id: DeviceId): Promise<DeviceRecord | undefined>;
  /** Active devices of the account, in creation order. */
  listDevices(accountId: AccountId): Promise<DeviceRecord[]>;
  getDeviceList(accountId: AccountId): Promise<SignedDeviceListRecord | undefined>;
  /**
   * Atomically: checks the new version is above the stored one, stores the list, inserts
   * `added`, deletes `removed` with their sessions, key packages and queue entries.
   * @throws StorageError('version-not-increasing') if another change won the race.
   * @throws StorageError('conflict') when an added device id or key is taken.
   * @throws StorageError('not-found') when the account does not exist.
   */
  applyDeviceListChange(change: DeviceListChange): Promise<void>;
  /** Records the day of the last authentication (only ever moves forward). */
  touchLastSeen(accountId: AccountId, day: Millis): Promise<void>;
}

export interface SessionRecord {
  readonly deviceId: DeviceId;
  readonly expiresAt: Millis;
}

/** Bearer sessions. Only SHA-256(token) is ever stored; the token exists on the client only. */
export interface SessionStore {
  createSession(tokenHash: Uint8Array, deviceId: DeviceId, expiresAt: Millis): Promise<void>;
  /** The session for this token hash if it exists and `now < expiresAt`. */
  getSession(tokenHash: Uint8Array, now: Millis): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: Uint8Array): Promise<void>;
  /** Deletes sessions whose expiry passed; returns how many. */
  deleteExpiredSessions(now: Millis): Promise<number>;
}

/**
 * One-time authentication challenges. Stored (not stateless) so that a signed challenge can
 * be used once only, on any node.
 */
export interface ChallengeStore {
  putChallenge(challenge: Uint8Array, expiresAt: Millis): Promise<void>;
  /** Deletes the challenge and says whether it existed and was unexpired: true exactly once. */
  consumeChallenge(challenge: Uint8Array, now: Millis): Promise<boolean>;
  deleteExpiredChallenges(now: Millis): Promise<number>;
}
