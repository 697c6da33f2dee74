/**
 * `DisclosureSource` over the SQLite file in the data directory, opened read-only (the
 * server may be running: WAL lets both read and write; nothing is migrated or created).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../storage/sqlite/migrations.ts';
import { SQLITE_FILE_NAME } from '../storage/sqlite/open.ts';
import { DisclosureError, labelsOf, toSafeInteger, type DeviceHoldings, type DisclosureSource, type HeldAccount, type HeldDevice } from './source.ts';

const bytes = (v: unknown): Uint8Array => {
  const b = v as Uint8Array;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/**
 * @throws {DisclosureError} no-data when there is no database in `dataDir`; schema-mismatch
 *   when its schema is newer than this code or was never migrated.
 */
export function openSqliteDisclosureSource(dataDir: string): DisclosureSource {
  const file = join(dataDir, SQLITE_FILE_NAME);
  if (!existsSync(file)) throw new DisclosureError('no-data', `no Sealed database in ${dataDir}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0 || version > SQLITE_MIGRATIONS.length) {
    db.close();
    throw new DisclosureError('schema-mismatch', `database schema version ${version}; this code reads 1..${SQLITE_MIGRATIONS.length}`);
  }
  const account = db.prepare(
    'SELECT id, username, identity_key, created_day, last_seen_day, device_list_version, length(device_list) AS list_bytes FROM accounts WHERE username = ?',
  );
  const devices = db.prepare('SELECT id, signature_key, created_day, next_seq FROM devices WHERE account_id = ? ORDER BY rowid LIMIT ?');
  const sessions = db.prepare('SELECT expires_at FROM sessions WHERE device_id = ? ORDER BY expires_at DESC LIMIT ?');
  const sessionCount = db.prepare('SELECT count(*) AS n FROM sessions WHERE device_id = ?');
  const keyPackages = db.prepare('SELECT count(*) AS n FROM key_packages WHERE device_id = ?');
  const lastResort = db.prepare('SELECT count(*) AS n FROM last_resort_key_packages WHERE device_id = ?');
  const queue = db.prepare('SELECT kind, count(*) AS n, sum(length(payload)) AS bytes, min(received_at) AS oldest, max(received_at) AS newest FROM queue WHERE device_id = ? GROUP BY kind');
  const sends = db.prepare('SELECT expires_at FROM idempotency WHERE sender_device_id = ? ORDER BY expires_at DESC LIMIT ?');
  const sendCount = db.prepare('SELECT count(*) AS n FROM idempotency WHERE sender_device_id = ?');
  const count = (stmt: Database.Statement, id: string) => toSafeInteger((stmt.get(id) as { n: unknown }).n);
  return {
    findAccount(username) {
      const r = account.get(username) as Record<string, unknown> | undefined;
      const held: HeldAccount | undefined =
        r === undefined
          ? undefined
          : {
              id: String(r['id']),
              username: String(r['username']),
              identityKey: bytes(r['identity_key']),
              createdDay: toSafeInteger(r['created_day']),
              lastSeenDay: toSafeInteger(r['last_seen_day']),
              deviceListVersion: toSafeInteger(r['device_list_version']),
              deviceListBytes: toSafeInteger(r['list_bytes']),
            };
      return Promise.resolve(held);
    },
    listDevices(accountId, limit) {
      const rows = devices.all(accountId, limit) as Record<string, unknown>[];
      return Promise.resolve(
        rows.map((r): HeldDevice => ({ id: String(r['id']), signatureKey: bytes(r['signature_key']), createdDay: toSafeInteger(r['created_day']), nextSeq: toSafeInteger(r['next_seq']) })),
      );
    },
    deviceHoldings(deviceId, maxTimes) {
      const kinds = queue.all(deviceId) as Record<string, unknown>[];
      const byKind = new Map(kinds.map((k) => [toSafeInteger(k['kind']), toSafeInteger(k['n'])]));
      const times = (rows: unknown[]) => rows.map((r) => toSafeInteger((r as { expires_at: unknown }).expires_at)).reverse();
      const sessionRows = count(sessionCount, deviceId);
      const sendRows = count(sendCount, deviceId);
      const holdings: DeviceHoldings = {
        sessions: sessionRows,
        sessionExpiries: sessionRows > 0 ? times(sessions.all(deviceId, maxTimes)) : [],
        keyPackages: count(keyPackages, deviceId),
        lastResortKeyPackage: count(lastResort, deviceId) > 0,
        queue: {
          count: [...byKind.values()].reduce((a, b) => a + b, 0),
          byKind,
          bytes: kinds.reduce((a, k) => a + toSafeInteger(k['bytes']), 0),
          oldestReceivedAt: kinds.length === 0 ? undefined : Math.min(...kinds.map((k) => toSafeInteger(k['oldest']))),
          newestReceivedAt: kinds.length === 0 ? undefined : Math.max(...kinds.map((k) => toSafeInteger(k['newest']))),
        },
        sendRecords: sendRows,
        sendRecordExpiries: sendRows > 0 ? times(sends.all(deviceId, maxTimes)) : [],
      };
      return Promise.resolve(holdings);
    },
    transparencyHoldings(accountId, username) {
      const hasKt = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kt_versions'").get() !== undefined;
      if (!hasKt) return Promise.resolve({ accountLabelVersions: 0, usernameLabelVersions: 0, loggedDeviceListVersion: undefined });
      const versions = db.prepare('SELECT count(*) AS n FROM kt_versions WHERE label = ?');
      const logged = db.prepare('SELECT device_list_version AS v FROM kt_accounts WHERE account_id = ?').get(accountId) as { v: unknown } | undefined;
      return Promise.resolve({
        accountLabelVersions: toSafeInteger((versions.get(labelsOf(accountId, username).account) as { n: unknown }).n),
        usernameLabelVersions: toSafeInteger((versions.get(labelsOf(accountId, username).username) as { n: unknown }).n),
        loggedDeviceListVersion: logged === undefined ? undefined : toSafeInteger(logged.v),
      });
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}
