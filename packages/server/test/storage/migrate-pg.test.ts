// PostgreSQL pool and versioned migrations: schema isolation, idempotence, concurrent
// start-up of several nodes, refusal of a schema written by a newer release.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PgStorageError, inTransaction, openPgPool, type PgHandle } from '../../src/storage/postgres/pool.ts';
import { migrate, type Migration } from '../../src/storage/postgres/migrate.ts';
import { requirePostgres, testSchema, type TestSchema } from '../support/services.ts';

const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'widgets', sql: 'CREATE TABLE widgets (id bigint PRIMARY KEY, n integer NOT NULL)' },
  { version: 2, name: 'widgets.label', sql: 'ALTER TABLE widgets ADD COLUMN label text' },
];

describe('PostgreSQL pool and migrations', () => {
  let ts: TestSchema;
  let db: PgHandle;

  before(async () => {
    await requirePostgres();
    ts = testSchema('migrate');
    db = await openPgPool({ url: ts.url, schema: ts.schema, poolSize: 4 });
  });
  after(async () => {
    await db?.close();
    await ts?.drop();
  });

  it('creates the schema and applies every migration once, inside that schema', async () => {
    assert.deepEqual(await migrate(db.pool, ts.schema, MIGRATIONS), { from: 0, to: 2 });
    const tables = await db.pool.query<{ table_schema: string }>(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'widgets' AND table_schema = $1`,
      [ts.schema],
    );
    assert.equal(tables.rowCount, 1);
    await db.pool.query(`INSERT INTO widgets (id, n, label) VALUES (1, 1, 'x')`);
    assert.deepEqual(await migrate(db.pool, ts.schema, MIGRATIONS), { from: 2, to: 2 });
    const versions = await db.pool.query('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(versions.rows.map((r: { version: number }) => r.version), [1, 2]);
  });

  it('lets several nodes migrate a fresh schema at the same moment', async () => {
    const other = testSchema('migrate_race');
    const handles = await Promise.all(
      [0, 1, 2, 3].map(() => openPgPool({ url: other.url, schema: other.schema, poolSize: 1 })),
    );
    try {
      const reports = await Promise.all(handles.map((h) => migrate(h.pool, other.schema, MIGRATIONS)));
      assert.equal(reports.filter((r) => r.from === 0).length, 1, 'exactly one node applied the migrations');
      const first = handles[0];
      assert.ok(first);
      const count = await first.pool.query('SELECT count(*)::int AS c FROM schema_migrations');
      assert.equal(count.rows[0].c, 2);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await other.drop();
    }
  });

  it('refuses a schema migrated by a newer release', async () => {
    await assert.rejects(
      migrate(db.pool, ts.schema, MIGRATIONS.slice(0, 1)),
      (e: unknown) => e instanceof PgStorageError && e.code === 'pg_schema_too_new',
    );
  });

  it('refuses an out-of-order migration list and a bad schema name without touching the database', async () => {
    await assert.rejects(
      migrate(db.pool, ts.schema, [MIGRATIONS[1]!, MIGRATIONS[0]!]),
      (e: unknown) => e instanceof PgStorageError && e.code === 'pg_bad_config',
    );
    await assert.rejects(
      openPgPool({ url: ts.url, schema: 'x; DROP TABLE widgets' }),
      (e: unknown) => e instanceof PgStorageError && e.code === 'pg_bad_config',
    );
    await assert.rejects(
      openPgPool({ url: ts.url, poolSize: 0 }),
      (e: unknown) => e instanceof PgStorageError && e.code === 'pg_bad_config',
    );
  });

  it('takes the schema and pool size from the URL\'s own `schema` and `pool` parameters', async () => {
    const url = new URL(ts.url);
    url.searchParams.set('schema', ts.schema);
    const viaUrl = await openPgPool({ url: url.toString(), poolSize: 1 });
    try {
      assert.equal(viaUrl.schema, ts.schema);
      const row = await viaUrl.pool.query('SELECT current_schema() AS s');
      assert.equal(row.rows[0].s, ts.schema);
    } finally {
      await viaUrl.close();
    }
    url.searchParams.set('pool', '3');
    const withPool = await openPgPool({ url: url.toString() });
    try {
      assert.equal(withPool.pool.options.max, 3);
      assert.equal(withPool.schema, ts.schema);
    } finally {
      await withPool.close();
    }
    for (const [key, value] of [['pool', '0'], ['pool', 'ten'], ['pool', '1001']] as const) {
      const bad = new URL(url);
      bad.searchParams.set(key, value);
      await assert.rejects(openPgPool({ url: bad.toString() }), (e: unknown) => e instanceof PgStorageError && e.code === 'pg_bad_config');
    }
    url.searchParams.set('schema', 'Bad-Name');
    await assert.rejects(openPgPool({ url: url.toString() }), (e: unknown) => e instanceof PgStorageError && e.code === 'pg_bad_config');
  });

  it('reports an unreachable server with a typed error and no credentials in the message', async () => {
    await assert.rejects(openPgPool({ url: 'postgres://user:hunter2@127.0.0.1:1/none' }), (e: unknown) => {
      assert.ok(e instanceof PgStorageError);
      assert.equal(e.code, 'pg_unreachable');
      assert.ok(!e.message.includes('hunter2'));
      assert.ok(!e.message.includes('user'));
      return true;
    });
  });

  it('rolls a transaction back when its work throws', async () => {
    await assert.rejects(
      inTransaction(db.pool, async (c) => {
        await c.query(`INSERT INTO widgets (id, n) VALUES (2, 2)`);
        throw new Error('abort');
      }),
      /abort/,
    );
    const rows = await db.pool.query('SELECT id FROM widgets WHERE id = 2');
    assert.equal(rows.rowCount, 0);
  });

  it('retries a transaction that loses a serialization race', async () => {
    let attempts = 0;
    await inTransaction(
      db.pool,
      async (c) => {
        attempts++;
        if (attempts === 1) {
          const err = Object.assign(new Error('could not serialize access'), { code: '40001' });
          throw err;
        }
        await c.query('UPDATE widgets SET n = n + 1 WHERE id = 1');
      },
      'serializable',
    );
    assert.equal(attempts, 2);
    const row = await db.pool.query('SELECT n FROM widgets WHERE id = 1');
    assert.equal(row.rows[0].n, 2);
  });
});
