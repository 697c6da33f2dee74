/**
 * A transaction whose connection PostgreSQL ends before COMMIT (pg_terminate_backend, a
 * failover) runs again on a fresh connection instead of failing the request: the chaos suite
 * saw key-package claims answered "internal" after its database connections were dropped.
 * A failure of the work itself on a healthy connection is not retried.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { inTransaction, openPgPool, type PgHandle } from '../../src/storage/postgres/pool.ts';
import { PG_TEST_URL, requirePostgres, testSchema, type TestSchema } from '../support/services.ts';

describe('inTransaction when the connection is lost', () => {
  let ts: TestSchema;
  let handle: PgHandle;
  let admin: pg.Client;

  before(async () => {
    await requirePostgres();
    ts = testSchema('txloss');
    admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${ts.schema}`);
    await admin.query(`CREATE TABLE ${ts.schema}.marks (n int NOT NULL)`);
    handle = await openPgPool({ url: ts.url, schema: ts.schema, poolSize: 2 });
  });
  after(async () => {
    await handle?.close();
    await admin?.end();
    await ts?.drop();
  });

  it('runs the transaction again on a fresh connection and commits it once', async () => {
    let attempts = 0;
    const result = await inTransaction(handle.pool, async (client) => {
      attempts++;
      await client.query('INSERT INTO marks (n) VALUES ($1)', [attempts]);
      if (attempts === 1) {
        const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await client.query('SELECT 1'); // fails: the session is gone
      }
      return attempts;
    });
    assert.equal(result, 2);
    const rows = (await admin.query<{ n: number }>(`SELECT n FROM ${ts.schema}.marks`)).rows;
    assert.deepEqual(rows.map((r) => r.n), [2], 'the first attempt committed nothing, the second once');
  });

  it('does not retry a failure of the work on a healthy connection', async () => {
    let attempts = 0;
    await assert.rejects(
      inTransaction(handle.pool, async () => {
        attempts++;
        throw new Error('refused by the service');
      }),
      /refused by the service/,
    );
    assert.equal(attempts, 1);
  });
});
