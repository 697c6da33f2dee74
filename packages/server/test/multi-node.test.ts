/**
 * Scale-out, end to end: two real server processes (`--storage postgres --bus nats`,
 * different ports, one PostgreSQL schema, one NATS prefix). The sender talks to node A, the
 * recipient to node B. Checks delivery, order, acknowledgement and deletion, and an
 * attachment uploaded through one node and downloaded through the other; then kills
 * node B with SIGKILL while messages keep arriving on A, restarts it on the same port, and
 * checks again. Needs PostgreSQL and NATS: fails (never skips) without them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { NATS_TEST_URL, requireNats, requirePostgres, testSchema, testSubjectPrefix, type TestSchema } from './support/services.ts';
import { freePort, startServer, type ServerProcess } from './support/server-process.ts';
import { randomBytes } from 'node:crypto';
import { toBase64Url } from '@sealed/protocol/encoding';
import { CLIENT_WAIT_MS, TestSocket, registerDevice, type TestDevice } from './support/client.ts';

/** Messages per phase; small enough for a fast test, enough to see order. */
const FIRST_BATCH = 40;
const WHILE_DOWN = 20;
const AFTER_RESTART = 10;

const payloadOf = (i: number) => new TextEncoder().encode(`message ${i}`);
const textOf = (p: Uint8Array) => new TextDecoder().decode(p);

describe('two server processes on PostgreSQL + NATS', () => {
  let ts: TestSchema;
  let dataDir: string;
  let db: pg.Client;
  let args: string[];
  let portA: number;
  let portB: number;
  let nodeA: ServerProcess;
  let nodeB: ServerProcess;
  let alice: TestDevice;
  let bob: TestDevice;
  const sockets: TestSocket[] = [];

  const queuedSeqs = async (device: TestDevice): Promise<number[]> => {
    const { rows } = await db.query<{ seq: string }>(`SELECT seq FROM ${ts.schema}.queue WHERE device_id = $1 ORDER BY seq`, [device.deviceIdHex]);
    return rows.map((r) => Number(r.seq));
  };
  const open = async (node: ServerProcess, device: TestDevice) => {
    const socket = await TestSocket.open(node.baseUrl, device.token);
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    await requirePostgres();
    await requireNats();
    ts = testSchema('multinode');
    dataDir = mkdtempSync(join(tmpdir(), 'sealed-multinode-'));
    db = new pg.Client({ connectionString: ts.url });
    await db.connect();
    const pgUrl = new URL(ts.url);
    pgUrl.searchParams.set('schema', ts.schema);
    args = [
      '--storage', 'postgres', '--postgres-url', pgUrl.toString(),
      '--bus', 'nats', '--nats-url', `${NATS_TEST_URL}?prefix=${testSubjectPrefix('multinode')}`,
    ];
    [portA, portB] = [await freePort(), await freePort()];
    // Both at once: the migration lock makes concurrent first starts safe.
    [nodeA, nodeB] = await Promise.all([
      startServer({ label: 'node A', port: portA, args: [...args, '--data-dir', join(dataDir, 'a')] }),
      startServer({ label: 'node B', port: portB, args: [...args, '--data-dir', join(dataDir, 'b')] }),
    ]);
  });

  after(async () => {
    for (const s of sockets) s.terminate();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await db?.end();
    await ts?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers on either node and sees the account from the other', async () => {
    alice = await registerDevice(nodeA.baseUrl);
    bob = await registerDevice(nodeB.baseUrl);
    // Bob's session token was issued by B; A accepts it too (sessions live in PostgreSQL).
    const probe = await open(nodeA, bob);
    probe.close();
    await probe.closed;
  });

  it('delivers from a sender on A to a recipient on B, in order, and deletes only what is acknowledged', async () => {
    const bobSocket = await open(nodeB, bob);
    const aliceSocket = await open(nodeA, alice);
    for (let i = 0; i < FIRST_BATCH; i++) {
      const answer = await aliceSocket.send({ recipients: [bob.deviceId], payload: payloadOf(i) });
      assert.equal(answer.type, 'sent', `send ${i}`);
    }
    await bobSocket.waitFor((d) => d.length >= FIRST_BATCH, `${FIRST_BATCH} pushes through NATS`);
    assert.deepEqual(bobSocket.delivered.map((e) => e.seq), Array.from({ length: FIRST_BATCH }, (_, i) => i + 1));
    assert.deepEqual(bobSocket.delivered.map((e) => textOf(e.payload)), Array.from({ length: FIRST_BATCH }, (_, i) => `message ${i}`));

    const acked = bobSocket.delivered.slice(0, FIRST_BATCH / 2).map((e) => e.seq);
    bobSocket.ack(acked);
    const expectLeft = Array.from({ length: FIRST_BATCH / 2 }, (_, i) => FIRST_BATCH / 2 + i + 1);
    // Acks are not answered; poll the database (bounded) until the deletes committed.
    for (let i = 0; i < 100 && (await queuedSeqs(bob)).length !== expectLeft.length; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await queuedSeqs(bob), expectLeft);

    // The other direction, B to A, also works.
    const back = await bobSocket.send({ recipients: [alice.deviceId], payload: payloadOf(999) });
    assert.equal(back.type, 'sent');
    await aliceSocket.waitFor((d) => d.length === 1, 'a push from B to A');
    assert.equal(textOf(aliceSocket.delivered[0]!.payload), 'message 999');
  });

  it('serves an attachment uploaded through A from B (bytes in PostgreSQL, not on a node\'s disk)', async () => {
    const blob = new Uint8Array(randomBytes(600 * 1024));
    const auth = (d: TestDevice) => ({ authorization: `Bearer ${toBase64Url(d.token)}` });
    const uploaded = await fetch(`${nodeA.baseUrl}/v1/attachments`, {
      method: 'POST',
      headers: { ...auth(alice), 'content-type': 'application/octet-stream' },
      body: blob,
      signal: AbortSignal.timeout(CLIENT_WAIT_MS),
    });
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const { id } = (await uploaded.json()) as { id: string };
    const downloaded = await fetch(`${nodeB.baseUrl}/v1/attachments/${id}`, { headers: auth(bob), signal: AbortSignal.timeout(CLIENT_WAIT_MS) });
    assert.equal(downloaded.status, 200);
    assert.deepEqual(new Uint8Array(await downloaded.arrayBuffer()), blob);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ts.schema}.attachment_chunks WHERE attachment_id = $1`, [id]);
    assert.ok((rows[0]?.n ?? 0) >= 3, 'stored as several chunks');
  });

  it('loses nothing when the recipient\'s node is killed (SIGKILL) and restarted', async () => {
    const aliceSocket = await open(nodeA, alice);
    const exit = await nodeB.kill9();
    assert.equal(exit.signal, 'SIGKILL');
    for (let i = 0; i < WHILE_DOWN; i++) {
      const answer = await aliceSocket.send({ recipients: [bob.deviceId], payload: payloadOf(FIRST_BATCH + i) });
      assert.equal(answer.type, 'sent');
    }
    nodeB = await startServer({ label: 'node B (restarted)', port: portB, args: [...args, '--data-dir', join(dataDir, 'b')] });

    const bobSocket = await open(nodeB, bob);
    const queued = FIRST_BATCH / 2 + WHILE_DOWN;
    assert.equal(bobSocket.queuedAtReady, queued);
    await bobSocket.waitFor((d) => d.length >= queued, 'the queue after restart');
    const firstUnacked = FIRST_BATCH / 2 + 1;
    assert.deepEqual(bobSocket.delivered.slice(0, queued).map((e) => e.seq), Array.from({ length: queued }, (_, i) => firstUnacked + i));
    assert.deepEqual(
      bobSocket.delivered.slice(0, queued).map((e) => textOf(e.payload)),
      Array.from({ length: queued }, (_, i) => `message ${FIRST_BATCH / 2 + i}`),
    );

    // Live pushes reach the restarted node again (it re-subscribed on NATS).
    for (let i = 0; i < AFTER_RESTART; i++) {
      const answer = await aliceSocket.send({ recipients: [bob.deviceId], payload: payloadOf(FIRST_BATCH + WHILE_DOWN + i) });
      assert.equal(answer.type, 'sent');
    }
    const total = queued + AFTER_RESTART;
    await bobSocket.waitFor((d) => d.length >= total, 'pushes after restart');
    assert.deepEqual(bobSocket.delivered.map((e) => e.seq), Array.from({ length: total }, (_, i) => firstUnacked + i));

    bobSocket.ack(bobSocket.delivered.map((e) => e.seq));
    for (let i = 0; i < 100 && (await queuedSeqs(bob)).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await queuedSeqs(bob), []);
  });
});
