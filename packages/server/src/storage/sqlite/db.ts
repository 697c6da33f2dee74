/**
 * Opening the SQLite database: WAL, pragmas, migrations; helpers shared by the stores.
 */
import Database from 'better-sqlite3';
import { StorageError } from '../errors.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/**
 * `synchronous` trades durability for speed. In WAL mode NORMAL survives a process crash
 * (SIGKILL) with every committed transaction; only an operating-system crash or power loss
 * may lose the last ones. FULL also survives those, at one fsync per commit.
 */
export type SqliteSynchronous = 'normal' | 'full';

export function openDatabase(file: string, synchronous: SqliteSynchronous): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // Another process (the `disclose` command) may read while the server writes.
  db.pragma('busy_timeout = 5000');
  // Deleted rows (acknowledged entries, expired sessions, ...) are overwritten with zeros
  // instead of lingering in free pages until reused. Cost measured on 100,000 insert+delete
  // pairs of 200-byte entries in 500-row transactions: 0-9 % (at most ~0.5 us per entry);
  // see docs/disclosure.md.
  db.pragma('secure_delete = ON');
  migrate(db);
  return db;
}

/** Applies the migrations not yet applied, each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SQLITE_MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this server (${SQLITE_MIGRATIONS.length})`);
  }
  for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
    const sql = SQLITE_MIGRATIONS[version]!;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/** better-sqlite3 returns Buffers; callers get plain Uint8Arrays (same memory, no copy). */
export function bytes(value: unknown): Uint8Array {
  const buf = value as Uint8Array;
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Runs `fn`, turning a UNIQUE / PRIMARY KEY violation into StorageError('conflict'). */
export function mapConstraint<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new StorageError('conflict', what);
    }
    throw error;
  }
}
