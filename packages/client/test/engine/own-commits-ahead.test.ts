// Found by the chaos suite (short run, PostgreSQL + NATS): a member's own commits take effect
// when the relay accepts them, before the member has read what the relay queued for it
// ahead of them. A text the relay stored MAX_APPLICATION_EPOCH_LAG epochs behind, read after
// the member committed twice (an add, then the removal of a device), was three epochs behind
// the member and failed as wrong-epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_APPLICATION_EPOCH_LAG } from '@sealed/protocol/limits';
import { Network } from './network.ts';

test('a text stored the most epochs behind that the relay allows is read after two commits of our own that overtook it', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  await net.account('carol');
  await net.account('dave');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const writtenAt = alice.engine.epochOf(id)!;
  // The group moves on while bob reads nothing; bob writes from the epoch he is still in.
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.runExcept(bob);
  net.perform(alice, alice.engine.addMember(id, 'dave').actions);
  net.runExcept(bob);
  assert.equal(alice.engine.epochOf(id)! - writtenAt, BigInt(MAX_APPLICATION_EPOCH_LAG), 'the relay still stores it');
  const late = bob.engine.send(id, 'written behind');
  net.perform(bob, late.actions);
  // The relay stored it for alice; its DELIVER is slow to reach her, and she commits twice meanwhile.
  const isDeliver = (e: (typeof alice.inbox)[number]) => e.type === 'frame' && e.frame.type === 'deliver';
  const slow = alice.inbox.filter(isDeliver);
  assert.equal(slow.length, 1);
  alice.inbox.splice(alice.inbox.indexOf(slow[0]!), 1);
  net.perform(alice, alice.engine.removeMember(id, 'carol').actions);
  net.runExcept(bob);
  net.perform(alice, alice.engine.removeMember(id, 'dave').actions);
  net.runExcept(bob);
  assert.equal(alice.engine.epochOf(id)! - writtenAt, BigInt(MAX_APPLICATION_EPOCH_LAG + 2));
  alice.inbox.push(slow[0]!);
  net.run();
  assert.deepEqual(alice.failures, []);
  assert.deepEqual(alice.texts(id), ['written behind']);
  assert.deepEqual(bob.acknowledged.map((a) => a.messageId), [late.value]);
  assert.equal(bob.engine.epochAuthenticatorOf(id), alice.engine.epochAuthenticatorOf(id));
});
