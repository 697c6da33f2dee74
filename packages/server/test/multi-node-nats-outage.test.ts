/**
 * Scale-out when NATS itself goes away: two real server processes on PostgreSQL and a
 * private NATS server. NATS is killed while the sender keeps sending (the sends are
 * acknowledged: PostgreSQL has them) and the sender's node is SIGKILLed (its buffered
 * pushes die with it); then NATS is restarted on the same port. The recipient, connected
 * to the other node the whole time, must get everything, in order, without reconnecting:
 * its node reconnects to NATS and re-reads storage for its sockets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePostgres, testSchema, type TestSchema } from './support/services.ts';
import { freePort, startServer, type ServerProcess } from './support/server-process.ts';
import { startPrivateNats, type PrivateNats } from './support/nats-server.ts';
import { TestSocket, registerDevice } from './support/client.ts';

const PER_PHASE = 10;
const textOf = (p: Uint8Array) => new TextDecoder().decode(p);
const payloadOf = (i: number) => new TextEncoder().encode(`message ${i}`);

describe('two nodes survive a NATS outage', () => {
  let ts: TestSchema;
  let dataDir: string;
  let natsPort: number;
  let nats: PrivateNats | undefined;
  const nodes: ServerProcess[] = [];
  const sockets: TestSocket[] = [];
  let nodeArgs: (name: string) => string[];

  before(async () => {
    await requirePostgres();
    ts = testSchema('natsoutage');
    dataDir = mkdtempSync(join(tmpdir(), 'sealed-nats-outage-'));
    natsPort = await freePort();
    nats = await startPrivateNats(natsPort);
    const pgUrl = new URL(ts.url);
    pgUrl.searchParams.set('schema', ts.schema);
    const args = ['--storage', 'postgres', '--postgres-url', pgUrl.toString(), '--bus', 'nats', '--nats-url', nats.url];
    nodeArgs = (name) => [...args, '--data-dir', join(dataDir, name)];
    const [portA, portB] = [await freePort(), await freePort()];
    nodes.push(
      ...(await Promise.all([
        startServer({ label: 'node A', port: portA, args: nodeArgs('a') }),
        startServer({ label: 'node B', port: portB, args: nodeArgs('b') }),
      ])),
    );
  });

  after(async () => {
    for (const s of sockets) s.terminate();
    await Promise.all(nodes.map((n) => n.stop()));
    await nats?.kill();
    await ts?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers what was sent while NATS was down, in order, once it is back', async () => {
    const [nodeA, nodeB] = nodes as [ServerProcess, ServerProcess];
    const alice = await registerDevice(nodeA.baseUrl);
    const bob = await registerDevice(nodeB.baseUrl);
    const bobSocket = await TestSocket.open(nodeB.baseUrl, bob.token);
    const aliceSocket = await TestSocket.open(nodeA.baseUrl, alice.token);
    sockets.push(bobSocket, aliceSocket);
    let n = 0;
    const sendPhase = async () => {
      for (let i = 0; i < PER_PHASE; i++) {
        const answer = await aliceSocket.send({ recipients: [bob.deviceId], payload: payloadOf(n++) });
        assert.equal(answer.type, 'sent');
      }
    };

    await sendPhase();
    await bobSocket.waitFor((d) => d.length >= PER_PHASE, 'pushes before the outage');

    await nats!.kill();
    await sendPhase(); // acknowledged: stored in PostgreSQL, whatever NATS does
    // Node A buffered its pushes for NATS; SIGKILL loses them, so the only way for these
    // entries to reach Bob is node B re-reading storage after it reconnects to NATS.
    await nodeA.kill9();
    nats = await startPrivateNats(natsPort);
    await bobSocket.waitFor((d) => d.length >= 2 * PER_PHASE, 'entries sent during the outage', 20_000);

    const restartedA = await startServer({ label: 'node A (restarted)', port: Number(new URL(nodeA.baseUrl).port), args: nodeArgs('a') });
    nodes[0] = restartedA;
    const aliceAgain = await TestSocket.open(restartedA.baseUrl, alice.token);
    sockets.push(aliceAgain);
    for (let i = 0; i < PER_PHASE; i++) {
      const answer = await aliceAgain.send({ recipients: [bob.deviceId], payload: payloadOf(n++) });
      assert.equal(answer.type, 'sent');
    }
    await bobSocket.waitFor((d) => d.length >= 3 * PER_PHASE, 'pushes after the outage');

    // Complete, in order, nothing repeated (the connection's cursor filters overlaps of
    // bus events and storage reads).
    const seqs = bobSocket.delivered.map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: 3 * PER_PHASE }, (_, i) => i + 1));
    assert.deepEqual(bobSocket.delivered.map((e) => textOf(e.payload)), Array.from({ length: 3 * PER_PHASE }, (_, i) => `message ${i}`));
  });
});
