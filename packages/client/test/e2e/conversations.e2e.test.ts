// The SDK (engine + Node transport) against a real server process on 127.0.0.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, type ServerProcess } from '../../../server/test/support/server-process.ts';
import { SdkClient } from './sdk-client.ts';

describe('SDK end to end against a real server', () => {
  let server: ServerProcess;
  let dir: string;
  let port: number;
  const args = () => ['--storage', 'sqlite', '--data-dir', dir, '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn'];
  const clients: SdkClient[] = [];
  const client = async (name: string) => {
    const c = await SdkClient.create(server.baseUrl, name);
    clients.push(c);
    return c;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sealed-client-e2e-'));
    port = await freePort();
    server = await startServer({ label: 'server', port, args: args() });
  });
  after(async () => {
    for (const c of clients) c.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two users: account, 1:1 conversation, messages both ways, offline catch-up in order', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    const started = alice.engine.createConversation(['bob']);
    const id = started.value;
    await alice.transport.run(started.actions);
    await alice.send(id, 'hello bob');
    await bob.until(() => bob.texts(id).length === 1, 'bob receives');
    assert.deepEqual(bob.texts(id), ['hello bob']);
    await bob.send(id, 'hi alice');
    await alice.until(() => alice.texts(id).length === 2, 'alice receives');
    assert.deepEqual(alice.texts(id), ['hello bob', 'hi alice']);

    bob.transport.goOffline();
    const sent = Array.from({ length: 15 }, (_, i) => `while offline ${i}`);
    for (const text of sent) await alice.send(id, text);
    await alice.transport.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // bob shows his own message too (outgoing).
    assert.deepEqual(bob.texts(id), ['hello bob', 'hi alice'], 'nothing reaches an offline device');
    await bob.transport.goOnline();
    await bob.until(() => bob.texts(id).length === 2 + sent.length, 'bob catches up');
    assert.deepEqual(bob.texts(id), ['hello bob', 'hi alice', ...sent]);
    assert.deepEqual([...alice.failures(), ...bob.failures()], []);
  });

  it('a group of three: everyone reads everyone', async () => {
    const [ann, ben, cat] = [await client('ann'), await client('ben'), await client('cat')];
    const started = ann.engine.createConversation(['ben', 'cat']);
    const id = started.value;
    await ann.transport.run(started.actions);
    await ann.send(id, 'from ann');
    await ben.until(() => ben.texts(id).length === 1, 'ben receives');
    await cat.until(() => cat.texts(id).length === 1, 'cat receives');
    await ben.send(id, 'from ben');
    await cat.send(id, 'from cat');
    await ann.until(() => ann.texts(id).length === 3, 'ann receives both');
    await ben.until(() => ben.texts(id).length === 3, 'ben receives cat');
    await cat.until(() => cat.texts(id).length === 3, 'cat receives ben');
    for (const c of [ann, ben, cat]) {
      assert.deepEqual(new Set(c.texts(id)), new Set(['from ann', 'from ben', 'from cat']));
      assert.equal(c.engine.epochOf(id), 1n);
      assert.deepEqual(c.failures(), []);
    }
  });

  it('a commit race decided by the real server: the loser processes the winner, retries, and all agree', async () => {
    const [gus, hal, ivy, jon] = [await client('gus'), await client('hal'), await client('ivy'), await client('jon')];
    const started = gus.engine.createConversation(['hal', 'ivy', 'jon']);
    const id = started.value;
    await gus.transport.run(started.actions);
    for (const c of [hal, ivy, jon]) await c.until(() => c.engine.epochOf(id) === 1n, 'joined');
    // Both commit at epoch 1 at once; the server accepts one and answers the other stale-epoch.
    await Promise.all([gus.transport.run(gus.engine.removeMember(id, 'ivy').actions), hal.transport.run(hal.engine.removeMember(id, 'jon').actions)]);
    await gus.until(() => gus.engine.epochOf(id) === 3n, 'gus at epoch 3');
    await hal.until(() => hal.engine.epochOf(id) === 3n, 'hal at epoch 3');
    await ivy.until(() => ivy.actions.some((a) => a.type === 'conversation-closed'), 'ivy removed');
    await jon.until(() => jon.actions.some((a) => a.type === 'conversation-closed'), 'jon removed');
    assert.equal(gus.engine.stats.commitRacesLost + hal.engine.stats.commitRacesLost, 1);
    await hal.send(id, 'two of us');
    await gus.until(() => gus.texts(id).includes('two of us'), 'gus receives');
    assert.deepEqual([...gus.failures(), ...hal.failures()], []);
  });

  it('the server crashes and restarts: both sides reconnect on their own, sends made meanwhile are delivered once, in order', async () => {
    const eve = await client('eve');
    const fay = await client('fay');
    const started = eve.engine.createConversation(['fay']);
    const id = started.value;
    await eve.transport.run(started.actions);
    await eve.send(id, 'before');
    await fay.until(() => fay.texts(id).length === 1, 'fay receives before the crash');
    await server.kill9();
    const during = ['during 1', 'during 2', 'during 3'];
    for (const text of during) await eve.send(id, text);
    server = await startServer({ label: 'server (restarted)', port, args: args() });
    await fay.until(() => fay.texts(id).length === 1 + during.length, 'fay receives what eve sent while the server was down');
    await eve.send(id, 'after');
    await fay.until(() => fay.texts(id).length === 2 + during.length, 'fay receives after the restart');
    assert.deepEqual(fay.texts(id), ['before', ...during, 'after']);
    assert.deepEqual([...eve.failures(), ...fay.failures()], []);
  });
});
