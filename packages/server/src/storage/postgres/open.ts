/**
 * Opens the PostgreSQL storage of scale-out mode: a pool pinned to one schema, migrated to
 * the newest version (safe when several nodes start at once, see migrate.ts).
 */
import type { Storage } from '../storage.ts';
import { PgAccountStore, PgChallengeStore, PgSessionStore } from './accounts.ts';
import { PgAttachmentStore } from './attachments.ts';
import { PgKeyPackageStore } from './key-packages.ts';
import { migrate } from './migrate.ts';
import { openPgPool, type PgConfig, type PgHandle } from './pool.ts';
import { PgQueueStore } from './queue.ts';
import { PG_MIGRATIONS } from './schema.ts';
import { PgLinkStore } from '../../linking/pg-store.ts';
import { migrateKtPostgres, PgKtStore } from '../../transparency/pg-kt-store.ts';

/** A PostgreSQL-backed {@link Storage}; `handle` gives the blob store and tests the pool. */
export interface PgStorage extends Storage {
  readonly backend: 'postgres';
  readonly handle: PgHandle;
}

/**
 * @throws {PgStorageError} `pg_unreachable`, `pg_bad_config` or `pg_schema_too_new`
 *   (see pool.ts, migrate.ts); the pool is closed again on failure.
 */
export async function openPostgresStorage(config: PgConfig): Promise<PgStorage> {
  const handle = await openPgPool(config);
  try {
    await migrate(handle.pool, handle.schema, PG_MIGRATIONS);
    await migrateKtPostgres(handle.pool);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const { pool } = handle;
  const queue = new PgQueueStore(pool);
  return {
    backend: 'postgres',
    handle,
    accounts: new PgAccountStore(pool),
    sessions: new PgSessionStore(pool),
    challenges: new PgChallengeStore(pool),
    keyPackages: new PgKeyPackageStore(pool),
    queue,
    attachments: new PgAttachmentStore(pool),
    links: new PgLinkStore(pool),
    transparency: new PgKtStore(pool),
    // Sends waiting for the next batch are written first; then pool.end() waits for
    // checked-out clients (in-flight transactions) to be released.
    close: async () => {
      await queue.idle();
      await handle.close();
    },
  };
}
