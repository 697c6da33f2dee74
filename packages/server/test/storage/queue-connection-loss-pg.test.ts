/**
 * PostgreSQL ends connections under the send/ack pipeline (pg_terminate_backend, as an
 * operator, a failover or the chaos suite does): the node must neither crash nor drop a
 * write. Found by the chaos suite: a checked-out batch client had no 'error' listener, so
 * the terminated connection's 'error' event killed the whole node, and a lone send or ack
 * whose connection died was failed rather than run again (acks lost that way left entries
 * queued forever).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openPostgresStorage, type PgStorage } from '../../src/storage/postgres/open.ts';
import { isConnectionLoss } from '../../src/storage/postgres/pool.ts';
import { PG_TEST_URL, requirePostgres, testSchema, type TestSchema } from '../support/services.ts';
import { createAccount, send } from './fixtures.ts';

/** Rounds of writes, each cut by a termination of every connection of the pool. */
const ROUNDS = 30;
const SENDS_PER_ROUND = 20;
const ACKS_PER_ROUND = 5;

describe('PostgreSQL queue writes when the database ends their connections', () => {
  let ts: TestSchema;
  let storage: PgStorage;
  let admin: pg.Client;
  const applicationName = `sealed_connloss_${process.pid}`;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  before(async () => {
    await requirePostgres();
    ts = testSchema('connloss');
    storage = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 4, applicationName });
    admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    // Without the fix the terminated client's 'error' event is thrown here (a crashed node).
    process.on('uncaughtException', onUncaught);
  });
  after(async () => {
    process.off('uncaughtException', onUncaught);
    await admin?.end();
    await storage?.close();
    await ts?.drop();
  });

  it('neither crashes nor loses a send or an ack, and keeps every entry exactly once', async () => {
    const { deviceId: sender } = await createAccount(storage);
    const { deviceId: recipient } = await createAccount(storage);
    const acked = new Set<number>();
    let terminated = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const sends = Array.from({ length: SENDS_PER_ROUND }, (_, i) =>
        storage.queue.enqueue(send(sender, [recipient], { payload: Uint8Array.of(round, i), maxQueuedPerDevice: 100_000 })),
      );
      // Acks of entries written by the previous round, in the same pipeline as the sends.
      const toAck = round === 0 ? [] : Array.from({ length: ACKS_PER_ROUND }, (_, i) => (round - 1) * SENDS_PER_ROUND + i * 2 + 1);
      const acks = toAck.map((seq) => storage.queue.ack(recipient, [seq]));
      // Lands while batches execute or commit (the pipeline is busy for several round trips).
      await new Promise((resolve) => setTimeout(resolve, round % 4));
      const result = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      terminated += result.rowCount ?? 0;
      const outcomes = await Promise.allSettled([...sends, ...acks]);
      const failed = outcomes.filter((o) => o.status === 'rejected');
      assert.deepEqual(failed, [], `round ${round}: writes failed`);
      for (const seq of toAck) acked.add(seq);
      for (const outcome of outcomes.slice(0, SENDS_PER_ROUND)) {
        assert.ok(outcome.status === 'fulfilled' && typeof outcome.value === 'object' && outcome.value !== null);
        const status = (outcome.value as { status: string }).status;
        // "duplicate": the connection died around COMMIT, the batch had committed, and the
        // send run again was recognised by its client message id.
        assert.ok(status === 'accepted' || status === 'duplicate', `round ${round}: ${status}`);
      }
    }
    assert.ok(terminated > 0, 'the test terminated no connection');
    assert.deepEqual(uncaught, [], 'a terminated connection raised an uncaught error');
    const entries = await storage.queue.fetch(recipient, 0, ROUNDS * SENDS_PER_ROUND);
    const payloads = entries.map((e) => `${e.payload[0]}/${e.payload[1]}`);
    assert.equal(new Set(payloads).size, payloads.length, 'an entry was queued twice');
    assert.equal(entries.length, ROUNDS * SENDS_PER_ROUND - acked.size);
    assert.ok(entries.every((e) => !acked.has(e.seq)), 'an acknowledged entry is still queued');
    assert.equal(await storage.queue.count(recipient), entries.length);
  });

  it('tells a lost connection from a statement that failed', async () => {
    const client = new pg.Client({ connectionString: PG_TEST_URL, application_name: `${applicationName}_probe` });
    await client.connect();
    client.on('error', () => {});
    const bad = await client.query('SELECT 1/0').catch((error: unknown) => error);
    assert.equal(isConnectionLoss(bad), false, 'division by zero is the statement, not the connection');
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const killed = client.query('SELECT pg_sleep(10)').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    assert.equal(isConnectionLoss(await killed), true);
    const after = await client.query('SELECT 1').catch((error: unknown) => error);
    assert.equal(isConnectionLoss(after), true);
    await client.end().catch(() => {});
  });
});
