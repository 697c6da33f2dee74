/**
 * RecordBackend on one SQLite file (better-sqlite3, WAL). One file rather than a file per
 * record: transactions and the insertion-order index come for free, there is one thing to
 * fsync and delete, and file names and sizes do not reveal how many records of each
 * conversation exist. Rows hold only HMAC tags and AEAD envelopes.
 *
 * Durability: every commit is made with `synchronous = NORMAL` (written to the WAL without
 * an fsync: it survives a crash of the process), and a call that must be durable then waits
 * for an fdatasync of the WAL from the thread pool (wal-sync.ts: the same guarantee as a
 * FULL commit, an acknowledged write survives a power cut, without holding the event loop
 * for the sync). Every single call (put, delete) is durable when it resolves; `applyBatch`
 * commits many puts in one transaction, durable when asked, else synced by the next
 * durable call (the WAL is synced whole).
 *
 * `secure_delete` makes SQLite overwrite deleted content with zeros in the main file, so a
 * deleted (already encrypted) record does not linger in free pages; the WAL may still hold
 * old frames until a checkpoint (see docs/vault.md).
 */
import Database from 'better-sqlite3';
import { VaultError } from '../../vault/errors.ts';
import type { BackendRow, RecordBackend, RecordKind, StagedPut } from '../backend.ts';
import { type FileSync, WalSync } from './wal-sync.ts';
import { type CheckpointRegistration, MAIN_AUTOCHECKPOINT_PAGES, registerCheckpoints } from './checkpoint-thread.ts';

const checkpointThreads = new WeakMap<RecordBackend, CheckpointRegistration>();

/** Checkpoints the process's checkpoint thread ran on this back end's file (tests); undefined for another back end. */
export function backgroundCheckpoints(backend: RecordBackend): Promise<number> | undefined {
  return checkpointThreads.get(backend)?.checkpoints();
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind INTEGER NOT NULL,
  collection BLOB NOT NULL,
  key BLOB NOT NULL,
  value BLOB NOT NULL,
  UNIQUE (kind, collection, key)
);
CREATE INDEX IF NOT EXISTS records_by_collection ON records (kind, collection, seq);
`;

/** The record schema this code writes; a newer file is refused rather than misread. */
const SCHEMA_VERSION = 1;

interface SeqRow {
  seq: number;
  key: Uint8Array;
  value: Uint8Array;
}

function bytes(value: Uint8Array): Uint8Array {
  // better-sqlite3 returns Buffers; hand out plain Uint8Arrays (STYLE: Uint8Array only).
  return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
}

export interface SqliteBackendOptions {
  /** How the WAL file is synced (default: fdatasync); tests observe or delay it. */
  readonly syncFile?: FileSync;
}

/**
 * Opens (creating if missing) the record file at `path`.
 * @throws VaultError('record-version-unknown') when the file's schema is newer than this code,
 *   VaultError('record-malformed') when it is not a readable SQLite database.
 */
export function openSqliteBackend(path: string, options: SqliteBackendOptions = {}): RecordBackend {
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
  } catch (error) {
    // A damaged or foreign file: typed, and the message names no record content.
    throw new VaultError('record-malformed', `record file cannot be opened as SQLite (${(error as { code?: string }).code ?? 'error'})`);
  }
  // G7 (an acknowledged write survives power loss) is kept by syncing the WAL after each
  // commit that must be durable, off the main thread (wal-sync.ts).
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new VaultError('record-version-unknown', `record file schema ${version} is newer than this code (${SCHEMA_VERSION})`);
  }
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  // Checkpoints run on a worker thread (checkpoint-thread.ts); this connection's own
  // automatic checkpoint, on the main thread, is only a backstop for a much larger WAL.
  db.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);

  const getStmt = db.prepare<[number, Uint8Array, Uint8Array], { value: Uint8Array }>(
    'SELECT value FROM records WHERE kind = ? AND collection = ? AND key = ?',
  );
  const putStmt = db.prepare(
    'INSERT INTO records (kind, collection, key, value) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (kind, collection, key) DO UPDATE SET value = excluded.value',
  );
  const deleteStmt = db.prepare('DELETE FROM records WHERE kind = ? AND collection = ? AND key = ?');
  const deleteCollectionStmt = db.prepare('DELETE FROM records WHERE kind = ? AND collection = ?');
  const listStmt = db.prepare<[number, Uint8Array, number, number], SeqRow>(
    'SELECT seq, key, value FROM records WHERE kind = ? AND collection = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const putAll = db.transaction((puts: readonly StagedPut[]) => {
    for (const p of puts) putStmt.run(p.kind, p.collection, p.key, p.value);
  });
  const wal = new WalSync(path, options.syncFile);
  /** WAL frames committed since the last sync started. */
  let dirty = false;
  /** The latest sync started: it covers every frame written before it. */
  let syncing: Promise<void> | undefined;
  let closed = false;
  const open = (): void => {
    if (closed) throw new VaultError('locked', 'record back end is closed');
  };
  /** Resolves once every commit made so far is on stable storage. */
  const durable = async (): Promise<void> => {
    if (!dirty) {
      // Nothing new: a sync under way may still be covering earlier commits.
      await syncing;
      return;
    }
    dirty = false;
    const sync = wal.flush();
    syncing = sync;
    try {
      await sync;
    } catch (error) {
      dirty = true;
      throw error;
    } finally {
      if (syncing === sync) syncing = undefined;
    }
  };

  const checkpoints = registerCheckpoints(path);
  const backend: RecordBackend = {
    async get(kind: RecordKind, collection, key) {
      open();
      const row = getStmt.get(kind, collection, key);
      return row === undefined ? undefined : bytes(row.value);
    },
    async put(kind: RecordKind, collection, key, value) {
      open();
      putStmt.run(kind, collection, key, value);
      dirty = true;
      await durable();
    },
    async applyBatch(puts, mustBeDurable) {
      open();
      if (puts.length > 0) {
        putAll(puts);
        dirty = true;
      }
      if (mustBeDurable) await durable();
    },
    async delete(kind: RecordKind, collection, key) {
      open();
      const removed = deleteStmt.run(kind, collection, key).changes > 0;
      if (removed) {
        dirty = true;
        await durable();
      }
      return removed;
    },
    async deleteCollection(kind: RecordKind, collection) {
      open();
      const removed = deleteCollectionStmt.run(kind, collection).changes;
      if (removed > 0) {
        dirty = true;
        await durable();
      }
      return removed;
    },
    async list(kind: RecordKind, collection, afterSeq, limit): Promise<BackendRow[]> {
      open();
      return listStmt.all(kind, collection, afterSeq, limit).map((row) => ({ seq: row.seq, key: bytes(row.key), value: bytes(row.value) }));
    },
    async close() {
      if (closed) return;
      closed = true;
      // Closing the last connection checkpoints the WAL into the file (synced) and deletes
      // it: the checkpoint thread lets go of the file first.
      await checkpoints.release();
      await wal.close();
      db.close();
    },
  };
  checkpointThreads.set(backend, checkpoints);
  return backend;
}
