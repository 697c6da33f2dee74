/**
 * `DisclosureSource` over the PostgreSQL schema of scale-out mode. One connection in
 * read-only transaction mode, pinned to the schema named by the URL's `schema` parameter
 * (as the server's own pool is); nothing is migrated or created.
 */
import pg from 'pg';
import { assertSchemaName, describePgUrl, splitSchemaParam } from '../storage/postgres/pool.ts';
import { PG_MIGRATIONS } from '../storage/postgres/schema.ts';
import { DisclosureError, labelsOf, toSafeInteger, type DeviceHoldings, type DisclosureSource, type HeldDevice } from './source.ts';

/** How long `disclose` waits for PostgreSQL before reporting it unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

const bytes = (v: unknown): Uint8Array => {
  const b = v as Uint8Array;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/**
 * @throws {DisclosureError} usage (bad schema name), unreachable, no-data (schema never
 *   migrated), schema-mismatch (migrated by a newer release).
 */
export async function openPgDisclosureSource(url: string): Promise<DisclosureSource> {
  const split = splitSchemaParam(url);
  const schema = split.schema ?? 'public';
  try {
    assertSchemaName(schema);
  } catch {
    throw new DisclosureError('usage', 'PostgreSQL schema name must match [a-z_][a-z0-9_]{0,62}');
  }
  const client = new pg.Client({
    connectionString: split.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'sealed-disclose',
    options: `-c search_path=${schema} -c default_transaction_read_only=on`,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    throw new DisclosureError('unreachable', `PostgreSQL unreachable at ${describePgUrl(url)}`);
  }
  try {
    const exists = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_migrations'`, [schema]);
    if (exists.rowCount === 0) throw new DisclosureError('no-data', `no Sealed schema "${schema}" at ${describePgUrl(url)}`);
    const version = toSafeInteger((await client.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')).rows[0]?.v);
    if (version === 0 || version > PG_MIGRATIONS.length) {
      throw new DisclosureError('schema-mismatch', `schema version ${version}; this code reads 1..${PG_MIGRATIONS.length}`);
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  const rows = async (sql: string, params: unknown[]) => (await client.query<Record<string, unknown>>(sql, params)).rows;
  const count = async (sql: string, id: string) => toSafeInteger((await rows(sql, [id]))[0]?.['n']);
  const times = (rs: Record<string, unknown>[]) => rs.map((r) => toSafeInteger(r['expires_at'])).reverse();
  return {
    async findAccount(username) {
      const [r] = await rows(
        'SELECT id, username, identity_key, created_day, last_seen_day, device_list_version, length(device_list) AS list_bytes FROM accounts WHERE username = $1',
        [username],
      );
      if (r === undefined) return undefined;
      return {
        id: String(r['id']),
        username: String(r['username']),
        identityKey: bytes(r['identity_key']),
        createdDay: toSafeInteger(r['created_day']),
        lastSeenDay: toSafeInteger(r['last_seen_day']),
        deviceListVersion: toSafeInteger(r['device_list_version']),
        deviceListBytes: toSafeInteger(r['list_bytes']),
      };
    },
    async listDevices(accountId, limit) {
      const rs = await rows('SELECT id, signature_key, created_day, next_seq FROM devices WHERE account_id = $1 ORDER BY position LIMIT $2', [accountId, limit]);
      return rs.map((r): HeldDevice => ({ id: String(r['id']), signatureKey: bytes(r['signature_key']), createdDay: toSafeInteger(r['created_day']), nextSeq: toSafeInteger(r['next_seq']) }));
    },
    async deviceHoldings(deviceId, maxTimes) {
      const kinds = await rows(
        'SELECT kind, count(*) AS n, coalesce(sum(length(payload)), 0) AS bytes, min(received_at) AS oldest, max(received_at) AS newest FROM queue WHERE device_id = $1 GROUP BY kind',
        [deviceId],
      );
      const byKind = new Map(kinds.map((k) => [toSafeInteger(k['kind']), toSafeInteger(k['n'])]));
      const sessions = await count('SELECT count(*) AS n FROM sessions WHERE device_id = $1', deviceId);
      const sendRecords = await count('SELECT count(*) AS n FROM idempotency WHERE sender_device_id = $1', deviceId);
      const holdings: DeviceHoldings = {
        sessions,
        sessionExpiries: times(await rows('SELECT expires_at FROM sessions WHERE device_id = $1 ORDER BY expires_at DESC LIMIT $2', [deviceId, maxTimes])),
        keyPackages: await count('SELECT count(*) AS n FROM key_packages WHERE device_id = $1', deviceId),
        lastResortKeyPackage: (await count('SELECT count(*) AS n FROM last_resort_key_packages WHERE device_id = $1', deviceId)) > 0,
        queue: {
          count: [...byKind.values()].reduce((a, b) => a + b, 0),
          byKind,
          bytes: kinds.reduce((a, k) => a + toSafeInteger(k['bytes']), 0),
          oldestReceivedAt: kinds.length === 0 ? undefined : Math.min(...kinds.map((k) => toSafeInteger(k['oldest']))),
          newestReceivedAt: kinds.length === 0 ? undefined : Math.max(...kinds.map((k) => toSafeInteger(k['newest']))),
        },
        sendRecords,
        sendRecordExpiries: times(await rows('SELECT expires_at FROM idempotency WHERE sender_device_id = $1 ORDER BY expires_at DESC LIMIT $2', [deviceId, maxTimes])),
      };
      return holdings;
    },
    async transparencyHoldings(accountId, username) {
      const hasKt = await rows(`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'kt_versions'`, []);
      if (hasKt.length === 0) return { accountLabelVersions: 0, usernameLabelVersions: 0, loggedDeviceListVersion: undefined };
      const labels = labelsOf(accountId, username);
      const versions = async (label: Uint8Array) => toSafeInteger((await rows('SELECT count(*) AS n FROM kt_versions WHERE label = $1', [Buffer.from(label)]))[0]?.['n']);
      const [logged] = await rows('SELECT device_list_version AS v FROM kt_accounts WHERE account_id = $1', [accountId]);
      return {
        accountLabelVersions: await versions(labels.account),
        usernameLabelVersions: await versions(labels.username),
        loggedDeviceListVersion: logged === undefined ? undefined : toSafeInteger(logged['v']),
      };
    },
    async close() {
      await client.end();
    },
  };
}
