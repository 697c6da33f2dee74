// Faults the chaos suite found: an unanswered device-list fetch is not a ghost device, and an
// application message whose SEND went unanswered is not resent in an epoch the group left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpRequest } from '../../src/engine/actions.ts';
import type { HttpOutcome } from '../../src/engine/events.ts';
import { MAX_DEVICE_LIST_FETCH_ATTEMPTS } from '../../src/engine/account-fetch.ts';
import { toHex } from '@sealed/protocol/encoding';
import type { ClientFrame } from '@sealed/protocol/frames/client';
import type { ErrorCode } from '@sealed/protocol/errors';
import { type Client, Network } from './network.ts';

/** Makes the fake relay drop the next `n` account lookups of `device` (no answer, as during a restart). */
function dropAccountLookups(net: Network, device: Client, n: number): { dropped: () => number } {
  const real = net.relay.http.bind(net.relay);
  let dropped = 0;
  net.relay.http = (request: HttpRequest, token: Uint8Array | undefined): HttpOutcome => {
    const caller = token === undefined ? undefined : net.relay.tokens.get(toHex(token));
    if (request.kind === 'get-account' && caller === device.engine.deviceId && dropped < n) {
      dropped++;
      return { ok: false, status: 0, code: 'unavailable' };
    }
    return real(request, token);
  };
  return { dropped: () => dropped };
}

/** The relay answers `device`'s first SEND of `kind` with `code` without storing it (its database lost for a moment); the client message ids of every such SEND. */
function failFirstSend(net: Network, device: Client, kind: 'application' | 'welcome', code: ErrorCode): { clientMessageIds: string[] } {
  const real = net.relay.frame.bind(net.relay);
  const clientMessageIds: string[] = [];
  net.relay.frame = (deviceId, frame) => {
    if (deviceId === device.engine.deviceId && frame.type === 'send' && frame.kind === kind) {
      clientMessageIds.push(toHex(frame.clientMessageId));
      if (clientMessageIds.length === 1) {
        device.inbox.push({ type: 'frame', frame: { type: 'error', requestId: frame.requestId, code, value: 0 } });
        return;
      }
    }
    real(deviceId, frame);
  };
  return { clientMessageIds };
}

test('a Welcome whose members cannot be checked yet (relay unreachable) is kept and checked on the next tick', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const drops = dropAccountLookups(net, bob, 3);
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  assert.ok(drops.dropped() >= 1, 'the lookup was dropped');
  assert.deepEqual(bob.failures, []);
  for (let i = 0; i < 5; i++) {
    net.perform(bob, bob.engine.handle({ type: 'tick', now: net.relay.now + i * 1000 }));
    net.run();
  }
  assert.deepEqual(bob.failures, [], 'no member-unverified, no leaving');
  assert.deepEqual(bob.engine.conversationIds(), [id]);
  net.perform(alice, alice.engine.send(id, 'still here').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['still here']);
});

test('an account that stays unreachable counts as unverified after MAX_DEVICE_LIST_FETCH_ATTEMPTS', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  dropAccountLookups(net, bob, Number.MAX_SAFE_INTEGER);
  const { actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  for (let i = 0; i < MAX_DEVICE_LIST_FETCH_ATTEMPTS + 2; i++) {
    net.perform(bob, bob.engine.handle({ type: 'tick', now: net.relay.now + i * 1000 }));
    net.run();
  }
  assert.deepEqual(bob.failures.map((f) => f.type), ['member-unverified']);
  assert.deepEqual(bob.engine.conversationIds(), []);
});

test('an unanswered message is encrypted again in the current epoch after the catch-up, and shown once', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  // The SEND leaves alice's engine but the connection is already dead: the relay never gets it.
  alice.online = false;
  const sent = alice.engine.send(id, 'written at epoch 1');
  net.perform(alice, sent.actions);
  net.offline(alice);
  // Meanwhile the group moves on.
  net.perform(bob, bob.engine.addMember(id, 'carol').actions);
  net.run();
  assert.equal(bob.engine.epochOf(id), 2n);
  net.reconnect(alice);
  net.run();
  assert.equal(alice.engine.epochOf(id), 2n);
  assert.deepEqual(alice.acknowledged.map((a) => [a.messageId, a.epoch]), [[sent.value, 2n]]);
  assert.deepEqual(bob.texts(id), ['written at epoch 1']);
  assert.deepEqual(carol.texts(id), ['written at epoch 1'], 'carol joined at epoch 2 and can read it');
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
});

test('an unanswered message whose epoch is still current is sent again as it was (the relay stores it once)', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const sent = alice.engine.send(id, 'answer lost');
  net.perform(alice, sent.actions);
  // The relay stored it, but alice loses the connection before the SENT.
  alice.inbox.length = 0;
  net.offline(alice);
  net.run();
  net.reconnect(alice);
  net.run();
  assert.deepEqual(alice.acknowledged.map((a) => [a.messageId, a.epoch]), [[sent.value, 1n]]);
  assert.deepEqual(bob.texts(id), ['answer lost']);
  assert.deepEqual([...alice.failures, ...bob.failures], []);
});

test('a duplicated DELIVER during the catch-up does not end it early (nothing is sent from a stale epoch)', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.offline(bob);
  for (let i = 0; i < 5; i++) net.perform(alice, alice.engine.send(id, `m${i}`).actions);
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.run();
  assert.equal(alice.engine.epochOf(id), 2n);
  const written = bob.engine.send(id, 'written offline');
  net.perform(bob, written.actions);
  // Sign in again, stopping once READY and the DELIVER of the backlog are in bob's inbox.
  net.perform(bob, bob.engine.handle({ type: 'socket-closed' }));
  for (let i = 0; i < 20 && !bob.inbox.some((e) => e.type === 'frame' && e.frame.type === 'ready'); i++) {
    net.perform(bob, bob.engine.handle(bob.inbox.shift()!));
  }
  const at = bob.inbox.findIndex((e) => e.type === 'frame' && e.frame.type === 'deliver');
  const deliver = bob.inbox[at]!;
  assert.ok(deliver.type === 'frame' && deliver.frame.type === 'deliver' && deliver.frame.entries.length >= 6);
  const entries = deliver.frame.entries;
  const first = { type: 'frame' as const, frame: { type: 'deliver' as const, entries: entries.slice(0, 5) } };
  const rest = { type: 'frame' as const, frame: { type: 'deliver' as const, entries: entries.slice(5) } };
  bob.inbox.splice(at, 1, first, first, rest);
  net.run();
  assert.deepEqual(bob.acknowledged.map((a) => [a.messageId, a.epoch]), [[written.value, 2n]], 'sent only once caught up, in epoch 2');
  assert.equal(bob.failures.length, 0);
});

test("a removed member's last message, arriving after the removal commit, is shown as theirs", async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob', 'carol']);
  net.perform(alice, actions);
  net.run();
  const late = carol.engine.send(id, 'my last words');
  net.perform(carol, late.actions);
  net.perform(alice, alice.engine.removeMember(id, 'carol').actions);
  // Deliver to everyone but bob, then give bob the removal before carol's message.
  net.runExcept(bob);
  bob.inbox.reverse();
  net.run();
  assert.equal(bob.engine.epochOf(id), 2n);
  const shown = bob.shown.filter((m) => m.messageId === late.value);
  assert.deepEqual(shown.map((m) => [m.sender.username, m.content.body.kind === 'text' ? m.content.body.text : '']), [['carol', 'my last words']]);
  assert.equal(bob.failures.length, 0);
});

test('a message sent to a member before its removal, arriving after the removal commit, is still read by it', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob', 'carol']);
  net.perform(alice, actions);
  net.run();
  const crossing = carol.engine.send(id, 'sent while bob was in');
  net.perform(carol, crossing.actions);
  net.perform(alice, alice.engine.removeMember(id, 'bob').actions);
  net.runExcept(bob);
  bob.inbox.reverse(); // the removal first, then carol's message
  net.run();
  assert.deepEqual(bob.closed, [id]);
  assert.deepEqual(bob.texts(id), ['sent while bob was in']);
  assert.equal(bob.failures.length, 0);
  // Nothing sent after the removal reaches bob, and he sends nothing there.
  net.perform(carol, carol.engine.send(id, 'after bob left').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['sent while bob was in']);
});

test('an application SEND answered "internal" is sent again on the next tick, not lost', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  // The relay loses its database once: the first application SEND is answered internal.
  const sends = failFirstSend(net, alice, 'application', 'internal');
  const sent = alice.engine.send(id, 'retried');
  net.perform(alice, sent.actions);
  net.run();
  assert.equal(sends.clientMessageIds.length, 1);
  assert.deepEqual(bob.texts(id), [], 'not yet');
  assert.equal(alice.failures.length, 0);
  net.perform(alice, alice.engine.handle({ type: 'tick', now: net.relay.now + 1000 }));
  net.run();
  assert.deepEqual(bob.texts(id), ['retried']);
  assert.deepEqual(alice.acknowledged.map((a) => a.messageId), [sent.value]);
  assert.equal(alice.failures.length, 0);
});

test('a Welcome answered "internal" is sent again on the next tick: the new member joins, nothing fails', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  // The relay loses its database once, just as the Welcome for carol arrives (the commit was stored).
  const { clientMessageIds: welcomeIds } = failFirstSend(net, alice, 'welcome', 'internal');
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.run();
  assert.deepEqual(carol.engine.conversationIds(), [], 'not yet');
  assert.deepEqual(alice.failures, []);
  net.perform(alice, alice.engine.handle({ type: 'tick', now: net.relay.now + 1000 }));
  net.run();
  assert.equal(welcomeIds.length, 2);
  assert.equal(welcomeIds[0], welcomeIds[1], 'the same message again: stored at most once');
  assert.deepEqual(carol.engine.conversationIds(), [id]);
  net.perform(bob, bob.engine.send(id, 'hello carol').actions);
  net.run();
  assert.deepEqual(carol.texts(id), ['hello carol']);
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
});

test('an application message the relay refuses as too many epochs behind (stale-epoch) is encrypted again once caught up: same id, shown once, in order', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const dave = await net.account('dave');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  // Alice's SEND is delayed in the network (encrypted at epoch 1) while bob commits three times.
  const real = net.relay.frame.bind(net.relay);
  const delayed: ClientFrame[] = [];
  net.relay.frame = (deviceId, frame) => {
    if (deviceId === alice.engine.deviceId && frame.type === 'send' && frame.kind === 'application' && delayed.length === 0) delayed.push(frame);
    else real(deviceId, frame);
  };
  const sent = alice.engine.send(id, 'delayed');
  net.perform(alice, sent.actions);
  assert.equal(delayed.length, 1);
  net.perform(bob, bob.engine.addMember(id, 'carol').actions);
  net.runExcept(alice);
  net.perform(bob, bob.engine.addMember(id, 'dave').actions);
  net.runExcept(alice);
  net.perform(bob, bob.engine.removeMember(id, 'carol').actions);
  net.runExcept(alice);
  assert.equal(bob.engine.epochOf(id), 4n);
  // The SEND arrives; its answer reaches alice before the commits she has not processed yet.
  const behind = alice.inbox.splice(0);
  real(alice.engine.deviceId!, delayed[0]!);
  assert.deepEqual(alice.inbox.map((e) => (e.type === 'frame' && e.frame.type === 'error' ? [e.frame.code, e.frame.value] : e.type)), [['stale-epoch', 4]]);
  net.perform(alice, alice.engine.handle(alice.inbox.shift()!));
  const later = alice.engine.send(id, 'written while behind');
  net.perform(alice, later.actions);
  assert.equal(alice.acknowledged.length, 0, 'nothing is encrypted again before alice reaches epoch 4');
  assert.deepEqual(alice.failures, []);
  alice.inbox.push(...behind);
  net.run();
  assert.equal(alice.engine.epochOf(id), 4n);
  assert.deepEqual(alice.acknowledged.map((a) => [a.messageId, a.epoch]), [[sent.value, 4n], [later.value, 4n]]);
  assert.deepEqual(bob.texts(id), ['delayed', 'written while behind']);
  assert.deepEqual(dave.texts(id), ['delayed', 'written while behind']);
  assert.deepEqual(carol.texts(id), [], 'carol was removed in epoch 4: she reads nothing of it');
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures, ...dave.failures], []);
});

test('a received message is shown with the epoch it was encrypted in (the chaos ledger judges who could read it by it)', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.perform(alice, alice.engine.send(id, 'epoch 1').actions);
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.run();
  net.perform(alice, alice.engine.send(id, 'epoch 2').actions);
  net.run();
  assert.deepEqual(bob.shown.map((m) => [m.content.body.kind === 'text' ? m.content.body.text : '', m.epoch]), [['epoch 1', 1n], ['epoch 2', 2n]]);
  assert.deepEqual(carol.shown.map((m) => m.epoch), [2n]);
  assert.deepEqual(alice.all.flatMap((a) => (a.type === 'show' ? [a.message.epoch] : [])), [undefined, undefined], 'outgoing messages carry none');
});

test('a member removed and added again holds a commit that overtook its new Welcome, and joins in step with its group', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  await net.account('dave');
  const { value: id, actions } = alice.engine.createConversation(['bob', 'carol']);
  net.perform(alice, actions);
  net.run();
  net.perform(alice, alice.engine.removeMember(id, 'carol').actions);
  net.run();
  assert.deepEqual(carol.closed, [id]);
  // Carol is added again; before her Welcome reaches her, bob commits and writes in the new epochs.
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.runExcept(carol);
  net.perform(bob, bob.engine.addMember(id, 'dave').actions);
  net.runExcept(carol);
  net.perform(bob, bob.engine.send(id, 'hello again carol').actions);
  net.runExcept(carol);
  const isWelcome = (e: (typeof carol.inbox)[number]) => e.type === 'frame' && e.frame.type === 'deliver' && e.frame.entries.some((x) => x.kind === 'welcome');
  const welcome = carol.inbox.findIndex(isWelcome);
  assert.ok(welcome >= 0);
  carol.inbox.push(...carol.inbox.splice(welcome, 1)); // the Welcome last
  net.run();
  assert.equal(carol.engine.epochOf(id), bob.engine.epochOf(id));
  assert.equal(carol.engine.epochAuthenticatorOf(id), bob.engine.epochAuthenticatorOf(id));
  assert.deepEqual(carol.texts(id), ['hello again carol']);
  assert.deepEqual(carol.failures, []);
});

test('a member removed and added again shows a message once although it got two copies, one before its removal and one encrypted again after its return', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob', 'carol']);
  net.perform(alice, actions);
  net.run();
  // The relay stores alice's message (carol reads it) but alice never gets the answer.
  const sent = alice.engine.send(id, 'twice on the wire');
  net.perform(alice, sent.actions);
  alice.inbox.length = 0;
  net.offline(alice);
  net.run();
  assert.deepEqual(carol.texts(id), ['twice on the wire']);
  // Carol is removed and added back while alice is away.
  net.perform(bob, bob.engine.removeMember(id, 'carol').actions);
  net.run();
  net.perform(bob, bob.engine.addMember(id, 'carol').actions);
  net.run();
  assert.deepEqual(carol.engine.conversationIds(), [id]);
  // Alice returns: the group moved on, so the message is encrypted again, for carol too.
  net.reconnect(alice);
  net.run();
  assert.deepEqual(alice.acknowledged.map((a) => a.messageId), [sent.value]);
  assert.deepEqual(carol.texts(id), ['twice on the wire'], 'shown once');
  assert.deepEqual(bob.texts(id), ['twice on the wire']);
  assert.equal([...alice.failures, ...bob.failures, ...carol.failures].length, 0);
});
