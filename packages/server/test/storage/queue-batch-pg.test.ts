/**
 * Group commit of sends on PostgreSQL: sends issued together share one statement, and must
 * still behave exactly as if each had its own transaction (the conformance suite checks
 * sends one at a time; this file makes them land in the same batch).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresStorage, type PgStorage } from '../../src/storage/postgres/open.ts';
import type { GroupId } from '../../src/storage/types.ts';
import { requirePostgres, testSchema, type TestSchema } from '../support/services.ts';
import { createAccount, hexId, send } from './fixtures.ts';

describe('PostgreSQL sends committed in batches', () => {
  let ts: TestSchema;
  let storage: PgStorage;
  const rows = async (sql: string, params: unknown[]) => (await storage.handle.pool.query(sql, params)).rowCount;

  before(async () => {
    await requirePostgres();
    ts = testSchema('batch');
    storage = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 2 });
  });
  after(async () => {
    await storage?.close();
    await ts?.drop();
  });

  it('gives each send of one batch the answer it would get alone', async () => {
    const { deviceId: sender } = await createAccount(storage);
    const { deviceId: small } = await createAccount(storage);
    const { deviceId: other } = await createAccount(storage);
    const groupId = hexId<GroupId>();
    const retried = send(sender, [other]);
    // Issued in one tick: the first goes alone, the rest wait for it and form one batch.
    const results = await Promise.all([
      storage.queue.enqueue(send(sender, [other])),
      storage.queue.enqueue(retried),
      storage.queue.enqueue(retried),
      storage.queue.enqueue(send(sender, [other], { groupId, kind: 'commit', epoch: 0 })),
      storage.queue.enqueue(send(sender, [other], { groupId, kind: 'commit', epoch: 0 })),
      storage.queue.enqueue(send(sender, [other], { groupId, kind: 'commit', epoch: 1 })),
      ...Array.from({ length: 5 }, () => storage.queue.enqueue(send(sender, [small], { maxQueuedPerDevice: 3 }))),
      storage.queue.enqueue(send(sender, [other, hexId()])),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['accepted', 'accepted', 'duplicate', 'accepted', 'stale-epoch', 'accepted', 'accepted', 'accepted', 'accepted', 'queue-full', 'queue-full', 'unknown-recipient'],
    );
    assert.deepEqual(results[4], { status: 'stale-epoch', currentEpoch: 1 });
    assert.equal(results[5]?.status === 'accepted' && results[5].epoch, 2);
    const otherSeqs = results.flatMap((r) => (r.status === 'accepted' ? r.entries.filter((e) => e.deviceId === other).map((e) => e.seq) : []));
    assert.deepEqual(otherSeqs, [1, 2, 3, 4]);
    assert.equal(await storage.queue.count(other), 4);
    assert.equal(await storage.queue.count(small), 3);
    assert.equal(await storage.queue.getEpoch(groupId), 2);
  });

  it('applies pipelined sends in the order they were made (batches are FIFO)', async () => {
    const { deviceId: sender } = await createAccount(storage);
    const { deviceId: recipient } = await createAccount(storage);
    const COUNT = 300; // more than one batch
    const results = await Promise.all(
      Array.from({ length: COUNT }, (_, i) => storage.queue.enqueue(send(sender, [recipient], { payload: Uint8Array.of(i >> 8, i & 0xff), maxQueuedPerDevice: 1000 }))),
    );
    assert.deepEqual(
      results.map((r) => (r.status === 'accepted' ? r.entries[0]!.seq : -1)),
      Array.from({ length: COUNT }, (_, i) => i + 1),
    );
    const fetched = await storage.queue.fetch(recipient, 0, COUNT);
    assert.deepEqual(fetched.map((e) => (e.payload[0]! << 8) | e.payload[1]!), Array.from({ length: COUNT }, (_, i) => i));
  });

  it('pipelined batches (several in flight) keep seqs contiguous and each sender\'s order per recipient, with shared recipients', async () => {
    // Each send goes to two of three shared recipients, from four senders, issued in bursts
    // over many ticks so that batches overlap: a later batch executes while an earlier one
    // waits for its commit, and waits for any row the earlier one holds.
    const senders = await Promise.all(Array.from({ length: 4 }, async () => (await createAccount(storage)).deviceId));
    const recipients = await Promise.all(Array.from({ length: 3 }, async () => (await createAccount(storage)).deviceId));
    const pending: Promise<unknown>[] = [];
    const BURSTS = 40;
    const PER_BURST = 12;
    for (let burst = 0; burst < BURSTS; burst++) {
      for (let k = 0; k < PER_BURST; k++) {
        const i = burst * PER_BURST + k;
        const from = i % senders.length;
        const to = [recipients[i % 3]!, recipients[(i + 1 + (burst % 2)) % 3]!];
        pending.push(storage.queue.enqueue(send(senders[from]!, to, { payload: Uint8Array.of(from, i >> 8, i & 0xff), maxQueuedPerDevice: 10_000 })));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = (await Promise.all(pending)) as Awaited<ReturnType<typeof storage.queue.enqueue>>[];
    assert.ok(results.every((r) => r.status === 'accepted'));
    for (const recipient of recipients) {
      const entries = await storage.queue.fetch(recipient, 0, 10_000);
      assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: entries.length }, (_, i) => i + 1), 'contiguous seqs');
      assert.equal(await storage.queue.count(recipient), entries.length);
      for (let from = 0; from < senders.length; from++) {
        const order = entries.filter((e) => e.payload[0] === from).map((e) => (e.payload[1]! << 8) | e.payload[2]!);
        assert.deepEqual(order, [...order].sort((x, y) => x - y), `sender ${from}'s sends arrive in send order`);
      }
    }
    assert.equal((await Promise.all(recipients.map((r) => storage.queue.count(r)))).reduce((x, y) => x + y, 0), BURSTS * PER_BURST * 2);
  });

  it('acks issued together share one statement and each gets its own count; counters stay right', async () => {
    const { deviceId: sender } = await createAccount(storage);
    const devices = await Promise.all(Array.from({ length: 5 }, async () => (await createAccount(storage)).deviceId));
    await Promise.all(Array.from({ length: 10 }, () => storage.queue.enqueue(send(sender, devices))));
    const counts = await Promise.all([
      storage.queue.ack(devices[0]!, [1, 2, 3]),
      storage.queue.ack(devices[1]!, [10, 1, 5, 5, 99]),
      storage.queue.ack(devices[0]!, [3, 4]),
      storage.queue.ack(devices[2]!, [7]),
      storage.queue.ack(devices[3]!, Array.from({ length: 10 }, (_, i) => 10 - i)),
    ]);
    // Device 0's seq 3 is deleted once, by whichever of its two acks the database applied first.
    assert.equal(counts[0]! + counts[2]!, 4);
    assert.deepEqual([counts[1], counts[3], counts[4]], [3, 1, 10]);
    assert.deepEqual(await Promise.all(devices.map((d) => storage.queue.count(d))), [6, 7, 9, 0, 10]);
    assert.deepEqual((await storage.queue.fetch(devices[1]!, 0, 20)).map((e) => e.seq), [2, 3, 4, 6, 7, 8, 9]);
  });

  it('a rejected send leaves nothing behind: no idempotency record, no group row', async () => {
    const { deviceId: sender } = await createAccount(storage);
    const { deviceId: recipient } = await createAccount(storage);
    const groupId = hexId<GroupId>();
    const stale = send(sender, [recipient, hexId()], { groupId, kind: 'commit', epoch: 5 });
    const [first, unknown] = await Promise.all([storage.queue.enqueue(stale), storage.queue.enqueue(send(sender, [hexId()], { groupId, kind: 'commit', epoch: 0 }))]);
    assert.equal(first.status, 'unknown-recipient');
    assert.equal(unknown.status, 'unknown-recipient');
    assert.equal(await rows('SELECT 1 FROM groups WHERE group_id = $1', [groupId]), 0);
    assert.equal(await rows('SELECT 1 FROM idempotency WHERE sender_device_id = $1', [sender]), 0);
    // The same client message id, corrected, is a new send, not a duplicate.
    const retry = await storage.queue.enqueue({ ...stale, recipients: [recipient], epoch: 0 });
    assert.equal(retry.status, 'accepted');
    assert.equal(await storage.queue.getEpoch(groupId), 1);
  });

  it('closing the storage first writes the sends still waiting for a batch', async () => {
    const other = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 1 });
    const { deviceId: sender } = await createAccount(other);
    const { deviceId: recipient } = await createAccount(other);
    const sends = Array.from({ length: 20 }, () => other.queue.enqueue(send(sender, [recipient])));
    await other.close();
    const results = await Promise.all(sends);
    assert.ok(results.every((r) => r.status === 'accepted'));
    assert.equal(await storage.queue.count(recipient), 20);
  });

  it('one send that fails in the database fails alone; its batch-mates are stored', async () => {
    const { deviceId: sender } = await createAccount(storage);
    const { deviceId: recipient } = await createAccount(storage);
    const results = await Promise.allSettled([
      storage.queue.enqueue(send(sender, [recipient])),
      storage.queue.enqueue(send(sender, [recipient])),
      // The service rejects repeated recipients before storage; here it reaches the
      // database and breaks the queue's primary key.
      storage.queue.enqueue(send(sender, [recipient, recipient])),
      storage.queue.enqueue(send(sender, [recipient])),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const fetched = await storage.queue.fetch(recipient, 0, 10);
    assert.deepEqual(fetched.map((e) => e.seq), [1, 2, 3]);
    assert.equal(await storage.queue.count(recipient), 3);
  });
});
