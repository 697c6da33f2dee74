/**
 * The transparency log's tables in PostgreSQL. Like the SQLite store they carry their own
 * schema version (kt_schema_migrations), applied under an advisory lock so several nodes
 * can start at once; every table and column is in the disclosure manifest. Several nodes
 * may try to write the same epoch: the entry's primary key lets exactly one win.
 */
import type pg from 'pg';
import type { EpochRecord, LabelVersion } from '@sealed/kt/proof/prover';
import { inTransaction } from '../storage/postgres/pool.ts';
import type { AccountSnapshot, KtSecretKeys, KtStore, StoredAuditEpoch, StoredCountersignature } from './kt-store.ts';

const KT_PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE kt_keys (id integer PRIMARY KEY CHECK (id = 1), signing_key bytea NOT NULL, vrf_key bytea NOT NULL);
  CREATE TABLE kt_entries (position bigint PRIMARY KEY, timestamp bigint NOT NULL, prefix_root bytea NOT NULL, signature bytea NOT NULL);
  CREATE TABLE kt_versions (
    position bigint NOT NULL, seq integer NOT NULL, label bytea NOT NULL, version bigint NOT NULL,
    vrf_output bytea NOT NULL, vrf_proof bytea NOT NULL, opening bytea NOT NULL, value bytea NOT NULL, commitment bytea NOT NULL,
    PRIMARY KEY (position, seq)
  );
  CREATE UNIQUE INDEX kt_versions_by_label ON kt_versions (label, version);
  CREATE TABLE kt_accounts (account_id text PRIMARY KEY, device_list_version bigint NOT NULL);
  CREATE TABLE kt_countersignatures (
    auditor_key bytea NOT NULL, tree_size bigint NOT NULL, timestamp bigint NOT NULL, signature bytea NOT NULL,
    PRIMARY KEY (auditor_key, tree_size)
  );
  `,
];

const u8 = (value: unknown): Uint8Array => {
  const b = value as Uint8Array;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/** Creates or upgrades the tables (idempotent, safe with concurrent starts). */
export async function migrateKtPostgres(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('sealed-kt-migrations:' || current_schema()))`);
    await client.query('CREATE TABLE IF NOT EXISTS kt_schema_migrations (version integer PRIMARY KEY)');
    const row = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM kt_schema_migrations');
    const current = row.rows[0]?.v ?? 0;
    if (current > KT_PG_MIGRATIONS.length) throw new Error(`transparency schema version ${current} is newer than this server`);
    for (let v = current; v < KT_PG_MIGRATIONS.length; v++) {
      await client.query(KT_PG_MIGRATIONS[v]!);
      await client.query('INSERT INTO kt_schema_migrations (version) VALUES ($1)', [v + 1]);
    }
  });
}

interface VersionRow {
  position: string;
  label: Buffer;
  version: string;
  vrf_output: Buffer;
  vrf_proof: Buffer;
  opening: Buffer;
  value: Buffer;
  commitment: Buffer;
}

function toVersion(r: VersionRow): LabelVersion {
  return {
    label: u8(r.label),
    version: Number(r.version),
    vrfProof: u8(r.vrf_proof),
    vrfOutput: u8(r.vrf_output),
    opening: u8(r.opening),
    value: u8(r.value),
    commitment: u8(r.commitment),
    position: Number(r.position),
  };
}

export class PgKtStore implements KtStore {
  constructor(private readonly pool: pg.Pool) {}

  async loadOrCreateKeys(generated: KtSecretKeys): Promise<KtSecretKeys> {
    await this.pool.query('INSERT INTO kt_keys (id, signing_key, vrf_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [generated.signingKey, generated.vrfKey]);
    const { rows } = await this.pool.query<{ signing_key: Buffer; vrf_key: Buffer }>('SELECT signing_key, vrf_key FROM kt_keys WHERE id = 1');
    return { signingKey: u8(rows[0]!.signing_key), vrfKey: u8(rows[0]!.vrf_key) };
  }

  async loadEpochs(from: number, limit: number): Promise<EpochRecord[]> {
    const entries = (
      await this.pool.query<{ position: string; timestamp: string; prefix_root: Buffer; signature: Buffer }>(
        'SELECT position, timestamp, prefix_root, signature FROM kt_entries WHERE position >= $1 ORDER BY position LIMIT $2',
        [from, limit],
      )
    ).rows;
    if (entries.length === 0) return [];
    const last = Number(entries[entries.length - 1]!.position);
    const rows = (
      await this.pool.query<VersionRow>(
        'SELECT position, label, version, vrf_output, vrf_proof, opening, value, commitment FROM kt_versions WHERE position >= $1 AND position <= $2 ORDER BY position, seq',
        [from, last],
      )
    ).rows;
    const byPosition = new Map<number, LabelVersion[]>();
    for (const r of rows) {
      const p = Number(r.position);
      let list = byPosition.get(p);
      if (list === undefined) byPosition.set(p, (list = []));
      list.push(toVersion(r));
    }
    return entries.map((e) => ({
      position: Number(e.position),
      timestamp: Number(e.timestamp),
      prefixRoot: u8(e.prefix_root),
      signature: u8(e.signature),
      versions: byPosition.get(Number(e.position)) ?? [],
    }));
  }

  async loadCountersignatures(): Promise<StoredCountersignature[]> {
    const { rows } = await this.pool.query<{ auditor_key: Buffer; tree_size: string; timestamp: string; signature: Buffer }>(
      'SELECT auditor_key, tree_size, timestamp, signature FROM kt_countersignatures ORDER BY tree_size',
    );
    return rows.map((r) => ({ auditorPublicKey: u8(r.auditor_key), treeSize: Number(r.tree_size), timestamp: Number(r.timestamp), signature: u8(r.signature) }));
  }

  async loadLoggedVersions(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ account_id: string; device_list_version: string }>('SELECT account_id, device_list_version FROM kt_accounts');
    return new Map(rows.map((r) => [r.account_id, Number(r.device_list_version)]));
  }

  async accountVersions(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ id: string; device_list_version: string }>('SELECT id, device_list_version FROM accounts');
    return new Map(rows.map((r) => [r.id, Number(r.device_list_version)]));
  }

  async accountSnapshots(accountIds: readonly string[]): Promise<AccountSnapshot[]> {
    if (accountIds.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string; username: string; identity_key: Buffer; device_list_version: string; device_list: Buffer }>(
      'SELECT id, username, identity_key, device_list_version, device_list FROM accounts WHERE id = ANY($1::text[])',
      [accountIds],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return accountIds.flatMap((id) => {
      const r = byId.get(id);
      return r === undefined ? [] : [{ accountId: r.id, username: r.username, identityKey: u8(r.identity_key), deviceListVersion: Number(r.device_list_version), deviceList: u8(r.device_list) }];
    });
  }

  saveEpoch(record: EpochRecord, logged: readonly { accountId: string; deviceListVersion: number }[]): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const entry = await client.query('INSERT INTO kt_entries (position, timestamp, prefix_root, signature) VALUES ($1, $2, $3, $4) ON CONFLICT (position) DO NOTHING', [
        record.position,
        record.timestamp,
        record.prefixRoot,
        record.signature,
      ]);
      if (entry.rowCount === 0) return false;
      // Batched: one statement per 1,000 versions keeps large epochs to a few round trips.
      for (let i = 0; i < record.versions.length; i += 1000) {
        const chunk = record.versions.slice(i, i + 1000);
        const params: unknown[] = [];
        const tuples = chunk.map((v, j) => {
          const b = params.length;
          params.push(record.position, i + j, v.label, v.version, v.vrfOutput, v.vrfProof, v.opening, v.value, v.commitment);
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9})`;
        });
        await client.query(`INSERT INTO kt_versions (position, seq, label, version, vrf_output, vrf_proof, opening, value, commitment) VALUES ${tuples.join(', ')}`, params);
      }
      for (let i = 0; i < logged.length; i += 1000) {
        const chunk = logged.slice(i, i + 1000);
        await client.query(
          `INSERT INTO kt_accounts (account_id, device_list_version) SELECT * FROM unnest($1::text[], $2::bigint[])
           ON CONFLICT (account_id) DO UPDATE SET device_list_version = excluded.device_list_version`,
          [chunk.map((a) => a.accountId), chunk.map((a) => a.deviceListVersion)],
        );
      }
      return true;
    });
  }

  async saveCountersignature(c: StoredCountersignature): Promise<void> {
    await this.pool.query('INSERT INTO kt_countersignatures (auditor_key, tree_size, timestamp, signature) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      c.auditorPublicKey,
      c.treeSize,
      c.timestamp,
      c.signature,
    ]);
  }

  async auditEpochs(start: number, maxEpochs: number, maxInserts: number): Promise<StoredAuditEpoch[]> {
    const entries = (
      await this.pool.query<{ position: string; timestamp: string; prefix_root: Buffer; signature: Buffer }>(
        'SELECT position, timestamp, prefix_root, signature FROM kt_entries WHERE position >= $1 ORDER BY position LIMIT $2',
        [start, maxEpochs],
      )
    ).rows;
    const out: StoredAuditEpoch[] = [];
    let total = 0;
    for (const e of entries) {
      const { rows } = await this.pool.query<{ vrf_output: Buffer; commitment: Buffer }>('SELECT vrf_output, commitment FROM kt_versions WHERE position = $1 ORDER BY seq', [e.position]);
      if (out.length > 0 && total + rows.length > maxInserts) break;
      total += rows.length;
      out.push({
        position: Number(e.position),
        timestamp: Number(e.timestamp),
        prefixRoot: u8(e.prefix_root),
        signature: u8(e.signature),
        inserts: rows.map((r) => ({ vrfOutput: u8(r.vrf_output), commitment: u8(r.commitment) })),
      });
    }
    return out;
  }
}
