/**
 * Send reservations (engine/send-reservation.ts): the sender saves its group durably once
 * per block of SEND_RESERVATION_BLOCK messages, before the send that opens the block, and
 * a device restored from what was saved at that point (a crash that lost every later
 * write) never reuses a generation: the receiver reads every message on both sides.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Action } from '../../src/engine/actions.ts';
import { Engine } from '../../src/engine/engine.ts';
import { SEND_RESERVATION_BLOCK } from '../../src/engine/send-reservation.ts';
import { Client, Network } from './network.ts';

const durableGroupSaves = (actions: readonly Action[]) => actions.filter((a) => a.type === 'save' && a.record === 'group' && a.lazy !== true);

async function pair() {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  return { net, alice, bob, id };
}

test('a sender saves its group durably once per reservation block, before the send that opens it; received messages are saved lazily', async () => {
  const { net, alice, bob, id } = await pair();
  // A block covers the message that opens it and the SEND_RESERVATION_BLOCK after it.
  const block = SEND_RESERVATION_BLOCK + 1;
  const count = 2 * block + 1;
  let saves = 0;
  for (let i = 0; i < count; i++) {
    const actions = alice.engine.send(id, `m${i}`).actions;
    const save = actions.findIndex((a) => a.type === 'save' && a.record === 'group' && a.lazy !== true);
    const send = actions.findIndex((a) => a.type === 'send-frame' && a.frame.type === 'send');
    assert.ok(send >= 0);
    if (save >= 0) {
      saves++;
      assert.ok(save < send, 'the reservation is saved before the ciphertext leaves');
      assert.equal(i % block, 0, `block opened at message ${i}`);
    }
    net.perform(alice, actions);
    net.run();
  }
  assert.equal(saves, 3);
  assert.equal(bob.texts(id).length, count);
  // Bob's saves of the application messages he received are all lazy (durable before his ACK).
  const bobApplicationSaves = bob.all.filter((a) => a.type === 'save' && a.record === 'group');
  assert.ok(bobApplicationSaves.filter((a) => a.type === 'save' && a.lazy === true).length >= count);
  assert.deepEqual([...alice.failures, ...bob.failures], []);
});

test('crash after send: a device restored from its last durable save skips to the end of the block; the receiver decrypts every message', async () => {
  const { net, alice, bob, id } = await pair();
  const first = alice.engine.send(id, 'one').actions;
  assert.equal(durableGroupSaves(first).length, 1);
  net.perform(alice, first);
  // What is on disk at the durability point: every later write of alice is lost in the crash.
  const onDisk = new Map(alice.saved);
  net.run();
  for (const text of ['two', 'three']) {
    const actions = alice.engine.send(id, text).actions;
    assert.equal(durableGroupSaves(actions).length, 0, 'inside the block nothing is saved before the send');
    net.perform(alice, actions);
    net.run();
  }
  assert.deepEqual(bob.texts(id), ['one', 'two', 'three']);

  net.offline(alice);
  const account = onDisk.get(`account:${alice.engine.deviceId}`)!;
  const groups = [...onDisk].filter(([key]) => key.startsWith('group:')).map(([, bytes]) => bytes);
  const restored = new Client('alice (after the crash)', Engine.restore({ provider: nodeProvider, now: net.relay.now }, { account, groups }));
  net.clients.splice(net.clients.indexOf(alice), 1, restored);
  net.perform(restored, restored.engine.start());
  net.run();
  const after = restored.engine.send(id, 'after the crash').actions;
  assert.equal(durableGroupSaves(after).length, 1, 'the restored device reserves a new block first');
  net.perform(restored, after);
  net.run();
  assert.deepEqual(bob.texts(id), ['one', 'two', 'three', 'after the crash']);
  assert.equal(bob.engine.stats.undecryptable, 0);
  assert.deepEqual(bob.failures, []);
});
