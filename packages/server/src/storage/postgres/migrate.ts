/**
 * Versioned schema migrations for the PostgreSQL back end. Several server processes may
 * start at once against one database, so the runner serialises them with a transaction-level
 * advisory lock and applies every pending migration inside that one transaction (DDL is
 * transactional in PostgreSQL): either the schema moves to the newest version or not at all.
 */
import type pg from 'pg';
import { PgStorageError, assertSchemaName, inTransaction } from './pool.ts';

/** One forward-only migration. Versions start at 1 and increase by one; applied ones never change. */
export interface Migration {
  readonly version: number;
  /** Short description, stored beside the version for operators. */
  readonly name: string;
  /** SQL run with `search_path` set to the target schema; unqualified names land there. */
  readonly sql: string;
}

/** What a run did, for the start-up log line (versions only, never data). */
export interface MigrationReport {
  readonly from: number;
  readonly to: number;
}

/**
 * Checks that versions are exactly 1..n in order.
 * @throws {PgStorageError} `pg_bad_config` otherwise (a programming error, caught by tests).
 */
export function assertMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new PgStorageError('pg_bad_config', `migration list out of order at index ${i} (version ${m.version})`);
    }
  });
}

/**
 * Brings `schema` to the newest version in `migrations`, creating it if needed.
 * @throws {PgStorageError} `pg_schema_too_new` when the database was migrated by a newer
 *   release than this one (running older code against it could corrupt data);
 *   `pg_bad_config` for a bad schema name or migration list. Database errors propagate.
 */
export async function migrate(pool: pg.Pool, schema: string, migrations: readonly Migration[]): Promise<MigrationReport> {
  assertSchemaName(schema);
  assertMigrationList(migrations);
  const newest = migrations.length;
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`sealed-migrations:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path TO ${schema}, public`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const row = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = row.rows[0]?.v ?? 0;
    if (current > newest) {
      throw new PgStorageError(
        'pg_schema_too_new',
        `schema ${schema} is at version ${current} but this release knows only up to ${newest}; upgrade the server`,
      );
    }
    for (const m of migrations.slice(current)) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    return { from: current, to: newest };
  });
}
