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

// Found by reading the code while tracing long3 (same signature: a device out of a group its
// members count it in, wrong-epoch "not a member"): two Welcomes of one group waiting for the
// commit removing us were released together when it came; the first joined, and the second,
// taken without a second look, was dropped as a duplicate join. The commit removing us from
// the first membership then closed the group for good.
test('two Welcomes that overtake the commit removing us: the later one waits for the removal of the earlier membership', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  // Removed, added, removed and added again while bob reads nothing.
  for (const step of [() => alice.engine.removeMember(id, 'bob'), () => alice.engine.addMember(id, 'bob'), () => alice.engine.removeMember(id, 'bob'), () => alice.engine.addMember(id, 'bob')]) {
    net.perform(alice, step().actions);
    net.runExcept(bob);
  }
  net.perform(alice, alice.engine.send(id, 'welcome back again').actions);
  net.runExcept(bob);
  const kindOf = (e: (typeof bob.inbox)[number]): string | undefined => (e.type === 'frame' && e.frame.type === 'deliver' ? e.frame.entries[0]?.kind : undefined);
  const delivers = bob.inbox.filter((e) => kindOf(e) !== undefined);
  assert.deepEqual(delivers.map(kindOf), ['commit', 'welcome', 'commit', 'welcome', 'application']);
  // Both Welcomes come before the first removal: [W1, W2, R1, R2, text] (other frames first).
  const [r1, w1, r2, w2, text] = delivers;
  bob.inbox.splice(0, bob.inbox.length, ...bob.inbox.filter((e) => kindOf(e) === undefined), w1!, w2!, r1!, r2!, text!);
  net.run();
  assert.deepEqual(bob.failures, []);
  assert.deepEqual(bob.engine.conversationIds(), [id]);
  assert.equal(bob.engine.epochAuthenticatorOf(id), alice.engine.epochAuthenticatorOf(id));
  assert.deepEqual(bob.texts(id), ['welcome back again']);
});
