// Entries arriving out of order (two relay paths, a Welcome that lags behind a member's
// first message) are neither lost nor undecryptable; one that never becomes processable
// is reported after AHEAD_MAX_MS, not held forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AHEAD_MAX_MS } from '../../src/engine/arrivals.ts';
import { type Client, Network } from './network.ts';

const queued = (net: Network, c: Client) => net.relay.devices.get(c.engine.deviceId!)!.queue.length;

test('deliveries in reverse order: every message shown once, none dropped as a redelivery, queue emptied', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const texts = Array.from({ length: 8 }, (_, i) => `m${i}`);
  for (const text of texts) net.perform(alice, alice.engine.send(id, text).actions);
  net.runExcept(bob);
  assert.ok(bob.inbox.length >= 8);
  bob.inbox.reverse();
  net.run();
  assert.deepEqual(bob.texts(id).sort(), [...texts].sort());
  assert.deepEqual(bob.failures, []);
  assert.equal(queued(net, bob), 0);
});

test("a member's message that overtakes the Welcome waits for it instead of failing", async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.runExcept(carol);
  assert.equal(bob.engine.epochOf(id), 2n);
  net.perform(bob, bob.engine.send(id, 'welcome, carol').actions);
  net.runExcept(carol);
  // carol's socket got the Welcome, then bob's message; the message comes first now.
  carol.inbox.reverse();
  net.run();
  assert.deepEqual(carol.texts(id), ['welcome, carol']);
  assert.deepEqual(carol.failures, []);
  assert.equal(queued(net, carol), 0);
});

test('an entry whose group never arrives is reported after AHEAD_MAX_MS and acknowledged', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.runExcept(carol);
  net.perform(bob, bob.engine.send(id, 'lost without the Welcome').actions);
  net.runExcept(carol);
  // The Welcome never reaches carol's engine (it stays unacknowledged at the relay).
  const welcome = carol.inbox.findIndex((e) => e.type === 'frame' && e.frame.type === 'deliver' && e.frame.entries.some((x) => x.kind === 'welcome'));
  carol.inbox.splice(welcome, 1);
  net.run();
  assert.equal(carol.failures.length, 0, 'held, not failed, while it may still become processable');
  const held = queued(net, carol);
  assert.ok(held >= 2, 'the Welcome and what waits for it stay queued (unacknowledged)');
  net.perform(carol, carol.engine.handle({ type: 'tick', now: net.relay.now + AHEAD_MAX_MS }));
  net.run();
  const reasons = carol.failures.map((f) => (f.type === 'decrypt-failure' ? f.reason : f.type));
  assert.equal(reasons.length, held - 1);
  assert.ok(reasons.every((r) => r === 'unknown-group'), reasons.join());
  assert.equal(queued(net, carol), 1, 'the failed entries are acknowledged; the Welcome is not');
});
