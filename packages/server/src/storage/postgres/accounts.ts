/**
 * PostgreSQL implementation of AccountStore, SessionStore and ChallengeStore, with the
 * semantics of the SQLite one (sqlite/accounts.ts). Multi-statement changes run in one
 * transaction; the account row is locked (`FOR UPDATE`) while its device list changes so two
 * nodes applying changes at once serialise and the loser gets `version-not-increasing`.
 */
import type pg from 'pg';
import type { AccountStore, ChallengeStore, DeviceListChange, NewAccount, SessionRecord, SessionStore } from '../accounts.ts';
import { StorageError } from '../errors.ts';
import type { AccountId, AccountRecord, DeviceId, DeviceRecord, Millis, SignedDeviceListRecord } from '../types.ts';
import { inTransaction } from './pool.ts';
import { bytes, mapConstraint } from './rows.ts';

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

const ACCOUNT_COLUMNS = 'id, username, identity_key, created_day, last_seen_day';
const DEVICE_COLUMNS = 'id, account_id, signature_key, created_day';

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

/**
 * Deletes one device of `accountId` and everything hanging off it (sessions, key packages,
 * queue). Does nothing when the device is not that account's.
 */
export async function deleteDeviceCascade(client: pg.PoolClient, deviceId: string, accountId: string): Promise<void> {
  const deleted = await client.query('DELETE FROM devices WHERE id = $1 AND account_id = $2', [deviceId, accountId]);
  if (deleted.rowCount === 0) return;
  for (const table of ['sessions', 'key_packages', 'last_resort_key_packages', 'queue']) {
    await client.query(`DELETE FROM ${table} WHERE device_id = $1`, [deviceId]);
  }
}

export class PgAccountStore implements AccountStore {
  constructor(private readonly pool: pg.Pool) {}

  async createAccount(input: NewAccount): Promise<void> {
    const { account, firstDevice, deviceList } = input;
    await mapConstraint('account', () =>
      inTransaction(this.pool, async (client) => {
        await client.query(
          'INSERT INTO accounts (id, username, identity_key, created_day, last_seen_day, device_list_version, device_list) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [account.id, account.username, account.identityKey, account.createdDay, account.lastSeenDay, deviceList.version, deviceList.encoded],
        );
        await client.query('INSERT INTO devices (id, account_id, signature_key, created_day) VALUES ($1, $2, $3, $4)', [
          firstDevice.id,
          account.id,
          firstDevice.signatureKey,
          firstDevice.createdDay,
        ]);
      }),
    );
  }

  async getAccountByUsername(username: string): Promise<AccountRecord | undefined> {
    const { rows } = await this.pool.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE username = $1`, [username]);
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  async getAccount(id: AccountId): Promise<AccountRecord | undefined> {
    const { rows } = await this.pool.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  async getDevice(id: DeviceId): Promise<DeviceRecord | undefined> {
    const { rows } = await this.pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toDevice(rows[0]);
  }

  async listDevices(accountId: AccountId): Promise<DeviceRecord[]> {
    const { rows } = await this.pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE account_id = $1 ORDER BY position`, [accountId]);
    return rows.map(toDevice);
  }

  async getDeviceList(accountId: AccountId): Promise<SignedDeviceListRecord | undefined> {
    const { rows } = await this.pool.query<{ device_list_version: number; device_list: Uint8Array }>(
      'SELECT device_list_version, device_list FROM accounts WHERE id = $1',
      [accountId],
    );
    const row = rows[0];
    return row === undefined ? undefined : { version: row.device_list_version, encoded: bytes(row.device_list) };
  }

  async applyDeviceListChange(change: DeviceListChange): Promise<void> {
    await mapConstraint('device', () =>
      inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ device_list_version: number }>(
          'SELECT device_list_version FROM accounts WHERE id = $1 FOR UPDATE',
          [change.accountId],
        );
        const current = rows[0];
        if (current === undefined) throw new StorageError('not-found', 'account');
        if (change.deviceList.version <= current.device_list_version) {
          throw new StorageError('version-not-increasing', `stored ${current.device_list_version}`);
        }
        await client.query('UPDATE accounts SET device_list_version = $1, device_list = $2 WHERE id = $3', [
          change.deviceList.version,
          change.deviceList.encoded,
          change.accountId,
        ]);
        for (const id of change.removed) await deleteDeviceCascade(client, id, change.accountId);
        for (const device of change.added) {
          await client.query('INSERT INTO devices (id, account_id, signature_key, created_day) VALUES ($1, $2, $3, $4)', [
            device.id,
            change.accountId,
            device.signatureKey,
            device.createdDay,
          ]);
        }
      }),
    );
  }

  async touchLastSeen(accountId: AccountId, day: Millis): Promise<void> {
    await this.pool.query('UPDATE accounts SET last_seen_day = $1 WHERE id = $2 AND last_seen_day < $1', [day, accountId]);
  }
}

export class PgSessionStore implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async createSession(tokenHash: Uint8Array, deviceId: DeviceId, expiresAt: Millis): Promise<void> {
    await mapConstraint('session', () =>
      this.pool.query('INSERT INTO sessions (token_hash, device_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, deviceId, expiresAt]),
    );
  }

  async getSession(tokenHash: Uint8Array, now: Millis): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query<{ device_id: string; expires_at: number }>(
      'SELECT device_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2',
      [tokenHash, now],
    );
    const row = rows[0];
    return row === undefined ? undefined : { deviceId: row.device_id as DeviceId, expiresAt: row.expires_at };
  }

  async deleteSession(tokenHash: Uint8Array): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteExpiredSessions(now: Millis): Promise<number> {
    const result = await this.pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
    return result.rowCount ?? 0;
  }
}

export class PgChallengeStore implements ChallengeStore {
  constructor(private readonly pool: pg.Pool) {}

  async putChallenge(challenge: Uint8Array, expiresAt: Millis): Promise<void> {
    await mapConstraint('challenge', () =>
      this.pool.query('INSERT INTO challenges (challenge, expires_at) VALUES ($1, $2)', [challenge, expiresAt]),
    );
  }

  /** One DELETE ... RETURNING: of two nodes consuming the same challenge, exactly one gets the row. */
  async consumeChallenge(challenge: Uint8Array, now: Millis): Promise<boolean> {
    const { rows } = await this.pool.query<{ expires_at: number }>('DELETE FROM challenges WHERE challenge = $1 RETURNING expires_at', [challenge]);
    const row = rows[0];
    return row !== undefined && row.expires_at > now;
  }

  async deleteExpiredChallenges(now: Millis): Promise<number> {
    const result = await this.pool.query('DELETE FROM challenges WHERE expires_at <= $1', [now]);
    return result.rowCount ?? 0;
  }
}
