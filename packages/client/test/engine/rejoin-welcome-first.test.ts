// Found by the chaos suite (short run, SQLite, frames reordered by the fault proxy): a member
// removed and added again got its new Welcome before the commit removing it. The Welcome was
// taken for a duplicate join (the old membership was still open) and acknowledged; the
// removal then closed the group and every later message failed as wrong-epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from './network.ts';

test('a Welcome that overtakes the commit removing us waits for it, and we join our group again in step', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  // Alice removes bob and adds him back; bob reads nothing meanwhile.
  net.perform(alice, alice.engine.removeMember(id, 'bob').actions);
  net.runExcept(bob);
  net.perform(alice, alice.engine.addMember(id, 'bob').actions);
  net.runExcept(bob);
  net.perform(alice, alice.engine.send(id, 'welcome back').actions);
  net.runExcept(bob);
  const isDeliverOf = (kind: string) => (e: (typeof bob.inbox)[number]) => e.type === 'frame' && e.frame.type === 'deliver' && e.frame.entries.some((x) => x.kind === kind);
  const removal = bob.inbox.findIndex(isDeliverOf('commit'));
  const welcome = bob.inbox.findIndex(isDeliverOf('welcome'));
  assert.ok(removal >= 0 && welcome > removal, 'the removal is queued before the Welcome');
  // The Welcome overtakes the removal.
  const [removalFrame] = bob.inbox.splice(removal, 1);
  bob.inbox.splice(bob.inbox.findIndex(isDeliverOf('welcome')) + 1, 0, removalFrame!);
  net.run();
  assert.deepEqual(bob.failures, []);
  assert.deepEqual(bob.engine.conversationIds(), [id]);
  assert.equal(bob.engine.epochOf(id), alice.engine.epochOf(id));
  assert.equal(bob.engine.epochAuthenticatorOf(id), alice.engine.epochAuthenticatorOf(id));
  assert.deepEqual(bob.texts(id), ['welcome back']);
  net.perform(bob, bob.engine.send(id, 'glad to be back').actions);
  net.run();
  assert.deepEqual(alice.texts(id), ['welcome back', 'glad to be back']);
});
