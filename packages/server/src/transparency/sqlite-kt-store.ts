/**
 * The transparency log's tables in the server's SQLite file. They have their own schema
 * version (kt_schema) so they are added beside the server's migrations without taking a
 * number in that list; every table and column is in the disclosure manifest.
 */
import type Database from 'better-sqlite3';
import type { EpochRecord, LabelVersion } from '@sealed/kt/proof/prover';
import type { AccountSnapshot, KtSecretKeys, KtStore, StoredAuditEpoch, StoredCountersignature } from './kt-store.ts';

type Db = Database.Database;

const KT_SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE kt_keys (id INTEGER PRIMARY KEY CHECK (id = 1), signing_key BLOB NOT NULL, vrf_key BLOB NOT NULL);
  CREATE TABLE kt_entries (position INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, prefix_root BLOB NOT NULL, signature BLOB NOT NULL);
  CREATE TABLE kt_versions (
    position INTEGER NOT NULL, seq INTEGER NOT NULL, label BLOB NOT NULL, version INTEGER NOT NULL,
    vrf_output BLOB NOT NULL, vrf_proof BLOB NOT NULL, opening BLOB NOT NULL, value BLOB NOT NULL, commitment BLOB NOT NULL,
    PRIMARY KEY (position, seq)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX kt_versions_by_label ON kt_versions (label, version);
  CREATE TABLE kt_accounts (account_id TEXT PRIMARY KEY, device_list_version INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE kt_countersignatures (
    auditor_key BLOB NOT NULL, tree_size INTEGER NOT NULL, timestamp INTEGER NOT NULL, signature BLOB NOT NULL,
    PRIMARY KEY (auditor_key, tree_size)
  ) WITHOUT ROWID;
  `,
];

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS kt_schema (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM kt_schema').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > KT_SQLITE_MIGRATIONS.length) throw new Error(`transparency schema version ${current} is newer than this server`);
  for (let v = current; v < KT_SQLITE_MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(KT_SQLITE_MIGRATIONS[v]!);
      db.prepare('DELETE FROM kt_schema').run();
      db.prepare('INSERT INTO kt_schema (version) VALUES (?)').run(v + 1);
    })();
  }
}

const u8 = (value: unknown): Uint8Array => {
  const b = value as Uint8Array;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

interface VersionRow {
  position: number;
  label: Buffer;
  version: number;
  vrf_output: Buffer;
  vrf_proof: Buffer;
  opening: Buffer;
  value: Buffer;
  commitment: Buffer;
}

function toVersion(r: VersionRow): LabelVersion {
  return {
    label: u8(r.label),
    version: r.version,
    vrfProof: u8(r.vrf_proof),
    vrfOutput: u8(r.vrf_output),
    opening: u8(r.opening),
    value: u8(r.value),
    commitment: u8(r.commitment),
    position: r.position,
  };
}

export class SqliteKtStore implements KtStore {
  constructor(private readonly db: Db) {
    migrate(db);
  }

  loadOrCreateKeys(generated: KtSecretKeys): Promise<KtSecretKeys> {
    this.db.prepare('INSERT OR IGNORE INTO kt_keys (id, signing_key, vrf_key) VALUES (1, ?, ?)').run(generated.signingKey, generated.vrfKey);
    const row = this.db.prepare('SELECT signing_key, vrf_key FROM kt_keys WHERE id = 1').get() as { signing_key: Buffer; vrf_key: Buffer };
    return Promise.resolve({ signingKey: u8(row.signing_key), vrfKey: u8(row.vrf_key) });
  }

  loadEpochs(from: number, limit: number): Promise<EpochRecord[]> {
    const entries = this.db
      .prepare('SELECT position, timestamp, prefix_root, signature FROM kt_entries WHERE position >= ? ORDER BY position LIMIT ?')
      .all(from, limit) as { position: number; timestamp: number; prefix_root: Buffer; signature: Buffer }[];
    if (entries.length === 0) return Promise.resolve([]);
    const last = entries[entries.length - 1]!.position;
    const rows = this.db
      .prepare('SELECT position, label, version, vrf_output, vrf_proof, opening, value, commitment FROM kt_versions WHERE position >= ? AND position <= ? ORDER BY position, seq')
      .all(from, last) as VersionRow[];
    const byPosition = new Map<number, LabelVersion[]>();
    for (const r of rows) {
      let list = byPosition.get(r.position);
      if (list === undefined) byPosition.set(r.position, (list = []));
      list.push(toVersion(r));
    }
    return Promise.resolve(
      entries.map((e) => ({ position: e.position, timestamp: e.timestamp, prefixRoot: u8(e.prefix_root), signature: u8(e.signature), versions: byPosition.get(e.position) ?? [] })),
    );
  }

  loadCountersignatures(): Promise<StoredCountersignature[]> {
    const rows = this.db.prepare('SELECT auditor_key, tree_size, timestamp, signature FROM kt_countersignatures ORDER BY tree_size').all() as {
      auditor_key: Buffer;
      tree_size: number;
      timestamp: number;
      signature: Buffer;
    }[];
    return Promise.resolve(rows.map((r) => ({ auditorPublicKey: u8(r.auditor_key), treeSize: r.tree_size, timestamp: r.timestamp, signature: u8(r.signature) })));
  }

  loadLoggedVersions(): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT account_id, device_list_version FROM kt_accounts').all() as { account_id: string; device_list_version: number }[];
    return Promise.resolve(new Map(rows.map((r) => [r.account_id, r.device_list_version])));
  }

  accountVersions(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const r of this.db.prepare('SELECT id, device_list_version FROM accounts').iterate() as IterableIterator<{ id: string; device_list_version: number }>) {
      out.set(r.id, r.device_list_version);
    }
    return Promise.resolve(out);
  }

  accountSnapshots(accountIds: readonly string[]): Promise<AccountSnapshot[]> {
    const stmt = this.db.prepare('SELECT id, username, identity_key, device_list_version, device_list FROM accounts WHERE id = ?');
    const out: AccountSnapshot[] = [];
    for (const id of accountIds) {
      const r = stmt.get(id) as { id: string; username: string; identity_key: Buffer; device_list_version: number; device_list: Buffer } | undefined;
      if (r !== undefined) out.push({ accountId: r.id, username: r.username, identityKey: u8(r.identity_key), deviceListVersion: r.device_list_version, deviceList: u8(r.device_list) });
    }
    return Promise.resolve(out);
  }

  async saveEpoch(record: EpochRecord, logged: readonly { accountId: string; deviceListVersion: number }[]): Promise<boolean> {
    const insertEntry = this.db.prepare('INSERT OR IGNORE INTO kt_entries (position, timestamp, prefix_root, signature) VALUES (?, ?, ?, ?)');
    const insertVersion = this.db.prepare(
      'INSERT INTO kt_versions (position, seq, label, version, vrf_output, vrf_proof, opening, value, commitment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const upsertAccount = this.db.prepare(
      'INSERT INTO kt_accounts (account_id, device_list_version) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET device_list_version = excluded.device_list_version',
    );
    const write = this.db.transaction((): boolean => {
      if (insertEntry.run(record.position, record.timestamp, record.prefixRoot, record.signature).changes === 0) return false;
      record.versions.forEach((v, seq) => insertVersion.run(record.position, seq, v.label, v.version, v.vrfOutput, v.vrfProof, v.opening, v.value, v.commitment));
      for (const a of logged) upsertAccount.run(a.accountId, a.deviceListVersion);
      return true;
    });
    return write();
  }

  saveCountersignature(c: StoredCountersignature): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO kt_countersignatures (auditor_key, tree_size, timestamp, signature) VALUES (?, ?, ?, ?)')
      .run(c.auditorPublicKey, c.treeSize, c.timestamp, c.signature);
    return Promise.resolve();
  }

  auditEpochs(start: number, maxEpochs: number, maxInserts: number): Promise<StoredAuditEpoch[]> {
    const entries = this.db
      .prepare('SELECT position, timestamp, prefix_root, signature FROM kt_entries WHERE position >= ? ORDER BY position LIMIT ?')
      .all(start, maxEpochs) as { position: number; timestamp: number; prefix_root: Buffer; signature: Buffer }[];
    const inserts = this.db.prepare('SELECT vrf_output, commitment FROM kt_versions WHERE position = ? ORDER BY seq');
    const out: StoredAuditEpoch[] = [];
    let total = 0;
    for (const e of entries) {
      const rows = inserts.all(e.position) as { vrf_output: Buffer; commitment: Buffer }[];
      if (out.length > 0 && total + rows.length > maxInserts) break;
      total += rows.length;
      out.push({ position: e.position, timestamp: e.timestamp, prefixRoot: u8(e.prefix_root), signature: u8(e.signature), inserts: rows.map((r) => ({ vrfOutput: u8(r.vrf_output), commitment: u8(r.commitment) })) });
    }
    return Promise.resolve(out);
  }
}
