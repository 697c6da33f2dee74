// What a UI and the chaos suite learn of their own messages: the relay's acknowledgement with
// the epoch the message was encrypted in, the members as this device sees them, and the epoch
// authenticator all members share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from './network.ts';

test("a message is acknowledged once the relay stored it, with its id and the epoch it was encrypted in", async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  const early = alice.engine.send(id, 'queued before bob joined');
  net.perform(alice, early.actions);
  assert.equal(alice.acknowledged.length, 0, 'nothing is acknowledged before the relay answered');
  net.run();
  const later = alice.engine.send(id, 'second');
  net.perform(alice, later.actions);
  net.run();
  assert.deepEqual(
    alice.acknowledged.map((a) => [a.conversationId, a.messageId, a.epoch]),
    [[id, early.value, 1n], [id, later.value, 1n]],
  );
  assert.deepEqual(bob.acknowledged, []);
  assert.deepEqual(bob.shown.map((m) => m.messageId), [early.value, later.value]);
});

test('an offline device gets no acknowledgement until it is back and the relay answered', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.offline(alice);
  const sent = alice.engine.send(id, 'written offline');
  net.perform(alice, sent.actions);
  net.run();
  assert.equal(alice.acknowledged.length, 0);
  net.reconnect(alice);
  net.run();
  assert.deepEqual(alice.acknowledged.map((a) => a.messageId), [sent.value]);
});

test('members and epoch authenticator: every member sees the same, and they change with each commit', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const before = alice.engine.epochAuthenticatorOf(id);
  assert.match(before ?? '', /^[0-9a-f]{64}$/);
  assert.equal(bob.engine.epochAuthenticatorOf(id), before);
  assert.deepEqual(alice.engine.membersOf(id).map((m) => m.username).sort(), ['alice', 'bob']);
  net.perform(bob, bob.engine.addMember(id, 'carol').actions);
  net.run();
  const after = alice.engine.epochAuthenticatorOf(id);
  assert.notEqual(after, before);
  for (const c of [bob, carol]) assert.equal(c.engine.epochAuthenticatorOf(id), after);
  for (const c of [alice, bob, carol]) assert.deepEqual(c.engine.membersOf(id).map((m) => m.username).sort(), ['alice', 'bob', 'carol']);
  assert.equal(alice.engine.epochAuthenticatorOf('00'.repeat(16)), undefined);
  assert.deepEqual(alice.engine.membersOf('00'.repeat(16)), []);
});
