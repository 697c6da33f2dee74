// The disclosure migration (SQLite 2, PostgreSQL 4) coarsens rows written by the previous
// schema exactly like new ones, and gives existing groups a last-commit day.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, type Migration } from '../../src/storage/postgres/migrate.ts';
import { openPgPool, type PgHandle } from '../../src/storage/postgres/pool.ts';
import { PG_MIGRATIONS } from '../../src/storage/postgres/schema.ts';
import { migrate as migrateSqlite } from '../../src/storage/sqlite/db.ts';
import { SQLITE_MIGRATIONS } from '../../src/storage/sqlite/migrations.ts';
import { DAY_MS, HOUR_MS } from '../../src/storage/types.ts';
import { requirePostgres, testSchema, type TestSchema } from '../support/services.ts';

// 2026-11-26T10:17:23.456Z: neither a day nor an hour boundary.
const T = Date.UTC(2026, 10, 26, 10, 17, 23, 456);
const DAY = Date.UTC(2026, 10, 26);

interface Coarse {
  session: number;
  idempotency: number;
  received: number;
  groupDay: number;
}

function assertCoarse(c: Coarse): void {
  assert.equal(c.session, DAY + 31 * DAY_MS, 'session expiry rounded up to the end of its day');
  assert.equal(c.idempotency, Date.UTC(2026, 10, 27, 11), 'idempotency expiry rounded up to the end of its hour');
  assert.equal(c.idempotency % HOUR_MS, 0);
  assert.equal(c.received, DAY, 'receive time truncated to its day');
  assert.equal(c.groupDay % DAY_MS, 0);
  assert.ok(c.groupDay <= Date.now() && c.groupDay > Date.now() - DAY_MS, 'existing groups count as committed today');
}

describe('disclosure migration on SQLite', () => {
  it('coarsens rows of schema version 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealed-migrate-coarse-'));
    try {
      const db = new Database(join(dir, 'x.sqlite'));
      db.exec(SQLITE_MIGRATIONS[0]!);
      db.pragma('user_version = 1');
      db.prepare('INSERT INTO sessions VALUES (?, ?, ?)').run(Buffer.alloc(32), 'd', T + 30 * DAY_MS);
      db.prepare('INSERT INTO idempotency VALUES (?, ?, ?, ?)').run('d', 'm', 0, T + DAY_MS);
      db.prepare('INSERT INTO queue VALUES (?, ?, ?, ?, ?)').run('d', 1, 1, T, Buffer.alloc(1));
      db.prepare('INSERT INTO groups VALUES (?, ?)').run('g', 3);
      migrateSqlite(db);
      assert.equal(db.pragma('user_version', { simple: true }), SQLITE_MIGRATIONS.length);
      const one = (sql: string) => Object.values(db.prepare(sql).get() as Record<string, number>)[0]!;
      assertCoarse({
        session: one('SELECT expires_at FROM sessions'),
        idempotency: one('SELECT expires_at FROM idempotency'),
        received: one('SELECT received_at FROM queue'),
        groupDay: one('SELECT last_commit_day FROM groups'),
      });
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('disclosure migration on PostgreSQL', () => {
  let ts: TestSchema;
  let db: PgHandle;
  before(async () => {
    await requirePostgres();
    ts = testSchema('migrate_coarse');
    db = await openPgPool({ url: ts.url, schema: ts.schema, poolSize: 1 });
  });
  after(async () => {
    await db?.close();
    await ts?.drop();
  });

  it('coarsens rows of schema version 3', async () => {
    const upTo3: readonly Migration[] = PG_MIGRATIONS.slice(0, 3);
    await migrate(db.pool, ts.schema, upTo3);
    await db.pool.query('INSERT INTO sessions VALUES ($1, $2, $3)', [Buffer.alloc(32), 'd', T + 30 * DAY_MS]);
    await db.pool.query('INSERT INTO idempotency VALUES ($1, $2, $3, $4)', ['d', 'm', 0, T + DAY_MS]);
    await db.pool.query('INSERT INTO queue VALUES ($1, $2, $3, $4, $5)', ['d', 1, 1, T, Buffer.alloc(1)]);
    await db.pool.query('INSERT INTO groups VALUES ($1, $2)', ['g', 3]);
    assert.deepEqual(await migrate(db.pool, ts.schema, PG_MIGRATIONS), { from: 3, to: PG_MIGRATIONS.length });
    const one = async (sql: string) => Number(Object.values((await db.pool.query(sql)).rows[0] as Record<string, unknown>)[0]);
    assertCoarse({
      session: await one('SELECT expires_at FROM sessions'),
      idempotency: await one('SELECT expires_at FROM idempotency'),
      received: await one('SELECT received_at FROM queue'),
      groupDay: await one('SELECT last_commit_day FROM groups'),
    });
  });
});
