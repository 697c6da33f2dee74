/**
 * PostgreSQL under real concurrency: several pools (as several server nodes would hold)
 * race on one schema. SQLite serialises writers by construction; PostgreSQL must get the
 * same answers from its row locks. Every race is bounded (fixed counts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresStorage, type PgStorage } from '../../src/storage/postgres/open.ts';
import type { DeviceId, GroupId } from '../../src/storage/types.ts';
import { requirePostgres, testSchema, type TestSchema } from '../support/services.ts';
import { bytesOf, createAccount, hexId, send } from './fixtures.ts';

/** Simulated nodes; each has its own pool. */
const NODES = 4;

describe('PostgreSQL storage under concurrent nodes', () => {
  let ts: TestSchema;
  let nodes: PgStorage[] = [];
  const node = (i: number): PgStorage => nodes[i % nodes.length]!;

  before(async () => {
    await requirePostgres();
    ts = testSchema('concurrency');
    // Open one first so the others find the schema migrated (they would also race safely).
    nodes = [await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 4 })];
    for (let i = 1; i < NODES; i++) nodes.push(await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 4 }));
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await ts?.drop();
  });

  it('never hands out one key package twice when every node claims at once', async () => {
    const { input, deviceId } = await createAccount(node(0));
    const PACKAGES = 30;
    await node(0).keyPackages.addKeyPackages(deviceId, Array.from({ length: PACKAGES }, (_, i) => ({ data: bytesOf(i) })), 100);
    await node(0).keyPackages.setLastResortKeyPackage(deviceId, { data: bytesOf(255) });
    const CLAIMS = 40;
    const results = await Promise.all(Array.from({ length: CLAIMS }, (_, i) => node(i).keyPackages.claimKeyPackages(input.account.id)));
    const ordinary = results.flat().filter((c) => !c.lastResort).map((c) => c.data[0]);
    assert.equal(ordinary.length, PACKAGES, 'every ordinary package handed out');
    assert.equal(new Set(ordinary).size, PACKAGES, 'none twice');
    assert.equal(results.flat().filter((c) => c.lastResort).length, CLAIMS - PACKAGES);
    assert.equal(await node(0).keyPackages.countKeyPackages(deviceId), 0);
  });

  it('keeps the per-device upload bound exact under concurrent uploads', async () => {
    const { deviceId } = await createAccount(node(0));
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => node(i).keyPackages.addKeyPackages(deviceId, [{ data: bytesOf(i) }, { data: bytesOf(i) }], 10)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
    assert.equal(await node(0).keyPackages.countKeyPackages(deviceId), 10);
  });

  it('lets exactly one of many commits at one epoch win', async () => {
    const { deviceId: sender } = await createAccount(node(0));
    const { deviceId: recipient } = await createAccount(node(0));
    const groupId = hexId<GroupId>();
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => node(i).queue.enqueue(send(sender, [recipient], { groupId, kind: 'commit', epoch: 0 }))),
    );
    assert.equal(results.filter((r) => r.status === 'accepted').length, 1);
    assert.ok(results.every((r) => r.status === 'accepted' || (r.status === 'stale-epoch' && r.currentEpoch === 1)));
    assert.equal(await node(1).queue.getEpoch(groupId), 1);
    assert.equal(await node(2).queue.count(recipient), 1);
  });

  it('accepts a send once when its retries race on several nodes', async () => {
    const { deviceId: sender } = await createAccount(node(0));
    const { deviceId: recipient } = await createAccount(node(0));
    const input = send(sender, [recipient]);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => node(i).queue.enqueue(input)));
    assert.equal(results.filter((r) => r.status === 'accepted').length, 1);
    assert.equal(results.filter((r) => r.status === 'duplicate').length, 11);
    assert.equal(await node(0).queue.count(recipient), 1);
  });

  it('gives one device contiguous, ordered seqs when many nodes send to it and others at once', async () => {
    const { deviceId: target } = await createAccount(node(0));
    const others: DeviceId[] = [];
    for (let i = 0; i < 3; i++) others.push((await createAccount(node(0))).deviceId);
    const senders: DeviceId[] = [];
    for (let i = 0; i < 4; i++) senders.push((await createAccount(node(0))).deviceId);
    const SENDS = 60;
    // Recipient lists in varying orders: the sorted lock order must keep this deadlock-free.
    const results = await Promise.all(
      Array.from({ length: SENDS }, (_, i) => {
        const recipients = i % 2 === 0 ? [target, ...others] : [...others].reverse().concat(target);
        return node(i).queue.enqueue(send(senders[i % senders.length]!, recipients, { payload: bytesOf(i) }));
      }),
    );
    assert.ok(results.every((r) => r.status === 'accepted'));
    const seqs = results.map((r) => (r.status === 'accepted' ? r.entries.find((e) => e.deviceId === target)!.seq : -1));
    assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: SENDS }, (_, i) => i + 1));
    const fetched = await node(3).queue.fetch(target, 0, 1000);
    assert.deepEqual(fetched.map((e) => e.seq), Array.from({ length: SENDS }, (_, i) => i + 1));
    // seq order is commit order: the payload with seq k is the send that got seq k.
    for (const entry of fetched) assert.equal(seqs[entry.payload[0]!], entry.seq);
    for (const other of others) assert.equal(await node(0).queue.count(other), SENDS);
  });

  it('acks and expiry racing on one queue leave the counter equal to the rows', async () => {
    const { deviceId: sender } = await createAccount(node(0));
    const { deviceId: recipient } = await createAccount(node(0));
    for (let i = 0; i < 40; i++) await node(0).queue.enqueue(send(sender, [recipient], { now: 1000 + i }));
    const seqs = Array.from({ length: 40 }, (_, i) => i + 1);
    const [acked1, acked2, expired] = await Promise.all([
      node(1).queue.ack(recipient, seqs.filter((s) => s % 2 === 0)),
      node(2).queue.ack(recipient, seqs.filter((s) => s % 3 === 0)),
      node(3).queue.expire(1020, 0),
    ]);
    const left = await node(0).queue.fetch(recipient, 0, 100);
    assert.equal(await node(0).queue.count(recipient), left.length);
    assert.equal(acked1 + acked2 + expired + left.length, 40);
  });
});
