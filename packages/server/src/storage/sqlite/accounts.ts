/** SQLite implementation of AccountStore, SessionStore and ChallengeStore. */
import type { AccountStore, ChallengeStore, DeviceListChange, NewAccount, SessionRecord, SessionStore } from '../accounts.ts';
import { StorageError } from '../errors.ts';
import type { AccountId, AccountRecord, DeviceId, DeviceRecord, Millis, SignedDeviceListRecord } from '../types.ts';
import { bytes, mapConstraint, type Db } from './db.ts';

interface AccountRow {
  id: string;
  username: string;
  identity_key: Uint8Array;
  created_day: number;
  last_seen_day: number;
}
interface DeviceRow {
  id: string;
  account_id: string;
  signature_key: Uint8Array;
  created_day: number;
}

function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id as AccountId,
    username: row.username,
    identityKey: bytes(row.identity_key),
    createdDay: row.created_day,
    lastSeenDay: row.last_seen_day,
  };
}
function toDevice(row: DeviceRow): DeviceRecord {
  return { id: row.id as DeviceId, accountId: row.account_id as AccountId, signatureKey: bytes(row.signature_key), createdDay: row.created_day };
}

/** Deletes one device and everything hanging off it (sessions, key packages, queue). */
export function deleteDeviceCascade(db: Db): (deviceId: string, accountId: string) => void {
  const statements = [
    db.prepare('DELETE FROM sessions WHERE device_id = ?'),
    db.prepare('DELETE FROM key_packages WHERE device_id = ?'),
    db.prepare('DELETE FROM last_resort_key_packages WHERE device_id = ?'),
    db.prepare('DELETE FROM queue WHERE device_id = ?'),
  ];
  const deleteDevice = db.prepare('DELETE FROM devices WHERE id = ? AND account_id = ?');
  return (deviceId, accountId) => {
    if (deleteDevice.run(deviceId, accountId).changes === 0) return;
    for (const statement of statements) statement.run(deviceId);
  };
}

export class SqliteAccountStore implements AccountStore {
  private readonly insertAccount;
  private readonly insertDevice;
  private readonly selectByUsername;
  private readonly selectById;
  private readonly selectDevice;
  private readonly selectDevices;
  private readonly selectList;
  private readonly updateList;
  private readonly updateLastSeen;
  private readonly deleteDevice;

  constructor(private readonly db: Db) {
    this.insertAccount = db.prepare(
      'INSERT INTO accounts (id, username, identity_key, created_day, last_seen_day, device_list_version, device_list) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertDevice = db.prepare('INSERT INTO devices (id, account_id, signature_key, created_day) VALUES (?, ?, ?, ?)');
    this.selectByUsername = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE username = ?');
    this.selectById = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?');
    this.selectDevice = db.prepare<[string], DeviceRow>('SELECT id, account_id, signature_key, created_day FROM devices WHERE id = ?');
    this.selectDevices = db.prepare<[string], DeviceRow>(
      'SELECT id, account_id, signature_key, created_day FROM devices WHERE account_id = ? ORDER BY rowid',
    );
    this.selectList = db.prepare<[string], { device_list_version: number; device_list: Uint8Array }>(
      'SELECT device_list_version, device_list FROM accounts WHERE id = ?',
    );
    this.updateList = db.prepare('UPDATE accounts SET device_list_version = ?, device_list = ? WHERE id = ?');
    this.updateLastSeen = db.prepare('UPDATE accounts SET last_seen_day = ? WHERE id = ? AND last_seen_day < ?');
    this.deleteDevice = deleteDeviceCascade(db);
  }

  async createAccount(input: NewAccount): Promise<void> {
    const { account, firstDevice, deviceList } = input;
    mapConstraint('account', () =>
      this.db.transaction(() => {
        this.insertAccount.run(
          account.id,
          account.username,
          account.identityKey,
          account.createdDay,
          account.lastSeenDay,
          deviceList.version,
          deviceList.encoded,
        );
        this.insertDevice.run(firstDevice.id, account.id, firstDevice.signatureKey, firstDevice.createdDay);
      })(),
    );
  }

  async getAccountByUsername(username: string): Promise<AccountRecord | undefined> {
    const row = this.selectByUsername.get(username);
    return row === undefined ? undefined : toAccount(row);
  }

  async getAccount(id: AccountId): Promise<AccountRecord | undefined> {
    const row = this.selectById.get(id);
    return row === undefined ? undefined : toAccount(row);
  }

  async getDevice(id: DeviceId): Promise<DeviceRecord | undefined> {
    const row = this.selectDevice.get(id);
    return row === undefined ? undefined : toDevice(row);
  }

  async listDevices(accountId: AccountId): Promise<DeviceRecord[]> {
    return this.selectDevices.all(accountId).map(toDevice);
  }

  async getDeviceList(accountId: AccountId): Promise<SignedDeviceListRecord | undefined> {
    const row = this.selectList.get(accountId);
    return row === undefined ? undefined : { version: row.device_list_version, encoded: bytes(row.device_list) };
  }

  async applyDeviceListChange(change: DeviceListChange): Promise<void> {
    mapConstraint('device', () =>
      this.db.transaction(() => {
        const current = this.selectList.get(change.accountId);
        if (current === undefined) throw new StorageError('not-found', 'account');
        if (change.deviceList.version <= current.device_list_version) {
          throw new StorageError('version-not-increasing', `stored ${current.device_list_version}`);
        }
        this.updateList.run(change.deviceList.version, change.deviceList.encoded, change.accountId);
        for (const id of change.removed) this.deleteDevice(id, change.accountId);
        for (const device of change.added) {
          this.insertDevice.run(device.id, change.accountId, device.signatureKey, device.createdDay);
        }
      })(),
    );
  }

  async touchLastSeen(accountId: AccountId, day: Millis): Promise<void> {
    this.updateLastSeen.run(day, accountId, day);
  }
}

export class SqliteSessionStore implements SessionStore {
  private readonly insert;
  private readonly select;
  private readonly remove;
  private readonly removeExpired;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO sessions (token_hash, device_id, expires_at) VALUES (?, ?, ?)');
    this.select = db.prepare<[Uint8Array, number], { device_id: string; expires_at: number }>(
      'SELECT device_id, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?',
    );
    this.remove = db.prepare('DELETE FROM sessions WHERE token_hash = ?');
    this.removeExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  }

  async createSession(tokenHash: Uint8Array, deviceId: DeviceId, expiresAt: Millis): Promise<void> {
    mapConstraint('session', () => this.insert.run(tokenHash, deviceId, expiresAt));
  }

  async getSession(tokenHash: Uint8Array, now: Millis): Promise<SessionRecord | undefined> {
    const row = this.select.get(tokenHash, now);
    return row === undefined ? undefined : { deviceId: row.device_id as DeviceId, expiresAt: row.expires_at };
  }

  async deleteSession(tokenHash: Uint8Array): Promise<void> {
    this.remove.run(tokenHash);
  }

  async deleteExpiredSessions(now: Millis): Promise<number> {
    return this.removeExpired.run(now).changes;
  }
}

export class SqliteChallengeStore implements ChallengeStore {
  private readonly insert;
  private readonly remove;
  private readonly removeExpired;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO challenges (challenge, expires_at) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM challenges WHERE challenge = ? RETURNING expires_at');
    this.removeExpired = db.prepare('DELETE FROM challenges WHERE expires_at <= ?');
  }

  async putChallenge(challenge: Uint8Array, expiresAt: Millis): Promise<void> {
    mapConstraint('challenge', () => this.insert.run(challenge, expiresAt));
  }

  async consumeChallenge(challenge: Uint8Array, now: Millis): Promise<boolean> {
    const row = this.remove.get(challenge) as { expires_at: number } | undefined;
    return row !== undefined && row.expires_at > now;
  }

  async deleteExpiredChallenges(now: Millis): Promise<number> {
    return this.removeExpired.run(now).changes;
  }
}
