// Chaos suite, long run `long3` (PostgreSQL + NATS) and ten-user run `yb6`: devices their
// members counted in a group never joined it (yb6: two devices, texts `unknown-group`; long3:
// one device removed earlier and added again, 558 `wrong-epoch` "not a member", 141
// deliveries lost). An add is two sends: the commit, then the Welcome once the relay accepted
// the commit. A linked device that added someone and was removed by its account (revoked by
// the relay at once) between the two never sent the Welcome: the added devices stayed in the
// tree for good, with no way in. The account's other device, removing the revoked one from
// the group, now removes them with it and adds them again (engine/unconfirmed-adds.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../../src/engine/actions.ts';
import { AHEAD_MAX_MS } from '../../src/engine/arrivals.ts';
import { type Client, Network } from './network.ts';

class Clocked extends Network {
  clock = this.relay.now;

  tick(ms: number): void {
    this.clock += ms;
    for (const c of this.clients) if (c.engine.username !== undefined || c.all.some((a) => a.type === 'link-offer')) this.perform(c, c.engine.handle({ type: 'tick', now: this.clock }));
    this.run();
  }

  /** A new device of `existing`'s account, linked by code; returns once it joined every conversation. */
  link(existing: Client, name: string): Client {
    const fresh = this.client(name);
    this.perform(fresh, fresh.engine.beginLink().actions);
    this.run();
    const offer = fresh.all.find((a): a is Extract<Action, { type: 'link-offer' }> => a.type === 'link-offer');
    assert.ok(offer !== undefined, 'the new device shows a code');
    this.perform(existing, existing.engine.approveLink(offer.code).actions);
    this.run();
    for (let i = 0; i < 8 && !fresh.ready; i++) this.tick(2_000);
    for (let i = 0; i < 8 && existing.engine.conversationIds().some((id) => !fresh.engine.conversationIds().includes(id)); i++) this.tick(2_000);
    assert.deepEqual(fresh.engine.conversationIds().sort(), existing.engine.conversationIds().sort());
    return fresh;
  }
}

const isCommitSend = (a: Action): boolean => a.type === 'send-frame' && a.frame.type === 'send' && a.frame.kind === 'commit';

/**
 * Alice's linked phone adds carol to alice and bob's conversation; the relay accepts the
 * commit, and alice removes the phone before the phone hears the answer (so before it sends
 * the Welcome). `carolWasMember`: carol was in the conversation before and removed (long3).
 */
async function revokedBeforeWelcome(carolWasMember: boolean): Promise<{ net: Clocked; alice: Client; bob: Client; carol: Client; id: string }> {
  const net = new Clocked();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(carolWasMember ? ['bob', 'carol'] : ['bob']);
  net.perform(alice, actions);
  net.run();
  const phone = net.link(alice, 'alice-phone');
  if (carolWasMember) {
    assert.ok(carol.engine.conversationIds().includes(id));
    net.perform(bob, bob.engine.removeMember(id, 'carol').actions);
    net.run();
    assert.deepEqual(carol.closed, [id]);
  }
  // The phone adds carol; stop once its commit is on the wire (the relay's answer waits in its inbox).
  const commitsBefore = phone.all.filter(isCommitSend).length;
  net.perform(phone, phone.engine.addMember(id, 'carol').actions);
  for (let i = 0; i < 50 && phone.all.filter(isCommitSend).length === commitsBefore && phone.inbox.length > 0; i++) net.perform(phone, phone.engine.handle(phone.inbox.shift()!));
  assert.equal(phone.all.filter(isCommitSend).length, commitsBefore + 1, 'the commit adding carol is sent');
  // Alice removes the phone: the relay revokes it at once; its Welcome, sent on the answer, goes nowhere.
  net.perform(alice, alice.engine.removeDevice(phone.engine.deviceId!).actions);
  net.run();
  assert.equal(net.relay.devices.has(phone.engine.deviceId!), false, 'the phone is revoked');
  const welcomes = phone.all.filter((a) => a.type === 'send-frame' && a.frame.type === 'send' && a.frame.kind === 'welcome');
  assert.equal(welcomes.length, 1, 'the phone sent its Welcome after it was revoked (the relay dropped it)');
  for (let i = 0; i < 3; i++) net.tick(2_000);
  // Long enough for anything that waited for a Welcome or epoch to give up.
  net.tick(AHEAD_MAX_MS + 1_000);
  return { net, alice, bob, carol, id };
}

function assertCarolIn({ net, alice, bob, carol, id }: Awaited<ReturnType<typeof revokedBeforeWelcome>>): void {
  assert.ok(carol.engine.conversationIds().includes(id), 'carol is in the conversation');
  assert.ok(alice.engine.membersOf(id).some((m) => m.username === 'carol'), 'alice counts carol in');
  assert.equal(carol.engine.epochOf(id), alice.engine.epochOf(id));
  assert.equal(carol.engine.epochAuthenticatorOf(id), alice.engine.epochAuthenticatorOf(id));
  assert.equal(bob.engine.epochAuthenticatorOf(id), alice.engine.epochAuthenticatorOf(id));
  net.perform(bob, bob.engine.send(id, 'hello carol').actions);
  net.run();
  assert.ok(carol.texts(id).includes('hello carol'), 'carol reads what bob writes');
  net.perform(carol, carol.engine.send(id, 'hello both').actions);
  net.run();
  assert.ok(alice.texts(id).includes('hello both') && bob.texts(id).includes('hello both'));
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
}

test('a member added by a device revoked before it sent the Welcome is added again by the removal of that device', async () => {
  assertCarolIn(await revokedBeforeWelcome(false));
});

test('the same for a member removed earlier and added again by the revoked device (long3: no wrong-epoch, no lost deliveries)', async () => {
  assertCarolIn(await revokedBeforeWelcome(true));
});
