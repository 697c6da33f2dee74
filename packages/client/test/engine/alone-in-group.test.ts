// Found by the chaos suite (10 users, SQLite): a member whose group had lost every other
// member (two removals at once) wrote there; with nobody to send to, the text was dropped
// without a word and shown as sending for good (never `sent`, never reported as not sent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from './network.ts';

test('a text written in a group with no other member is reported sent, and the group goes on', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.perform(alice, alice.engine.removeMember(id, 'bob').actions);
  net.run();
  const alone = alice.engine.send(id, 'alone here');
  net.perform(alice, alone.actions);
  net.run();
  assert.deepEqual(alice.acknowledged.map((a) => a.messageId), [alone.value]);
  assert.deepEqual(alice.failures, []);
  // Someone added later reads what is written from then on.
  net.perform(alice, alice.engine.addMember(id, 'bob').actions);
  net.run();
  const later = alice.engine.send(id, 'welcome back');
  net.perform(alice, later.actions);
  net.run();
  assert.deepEqual(alice.acknowledged.map((a) => a.messageId), [alone.value, later.value]);
  const bob = net.clients.find((c) => c.name === 'bob')!;
  assert.deepEqual(bob.texts(id), ['welcome back']);
});
