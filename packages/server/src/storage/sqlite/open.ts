/** Opens the embedded SQLite storage: one file `sealed.sqlite` in the data directory. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Storage } from '../storage.ts';
import { SqliteAccountStore, SqliteChallengeStore, SqliteSessionStore } from './accounts.ts';
import { SqliteAttachmentStore } from './attachments.ts';
import { startCheckpointer, MAIN_AUTOCHECKPOINT_PAGES } from './checkpointer.ts';
import { openDatabase, type SqliteSynchronous } from './db.ts';
import { SqliteKeyPackageStore } from './key-packages.ts';
import { SqliteQueueStore } from './queue.ts';
import { SqliteLinkStore } from '../../linking/sqlite-store.ts';
import { SqliteKtStore } from '../../transparency/sqlite-kt-store.ts';

export interface SqliteOptions {
  /** Directory created if missing (mode 0700: it holds every queued message). */
  readonly dataDir: string;
  readonly synchronous?: SqliteSynchronous;
}

export const SQLITE_FILE_NAME = 'sealed.sqlite';

/** @throws when the directory cannot be created or the schema is newer than this code. */
export function openSqliteStorage(options: SqliteOptions): Promise<Storage> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, SQLITE_FILE_NAME);
  const synchronous = options.synchronous ?? 'normal';
  const db = openDatabase(file, synchronous);
  db.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);
  const checkpointer = startCheckpointer(file, synchronous);
  let closed = false;
  const queue = new SqliteQueueStore(db);
  const storage: Storage = {
    backend: 'sqlite',
    accounts: new SqliteAccountStore(db),
    sessions: new SqliteSessionStore(db),
    challenges: new SqliteChallengeStore(db),
    keyPackages: new SqliteKeyPackageStore(db),
    queue,
    attachments: new SqliteAttachmentStore(db),
    links: new SqliteLinkStore(db),
    transparency: new SqliteKtStore(db),
    close: async () => {
      if (!closed) {
        closed = true;
        queue.commitPending();
        db.close();
      }
      await checkpointer.stop();
    },
  };
  return Promise.resolve(storage);
}
