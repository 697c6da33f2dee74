// Adds under faults (found by the chaos suite): a relay that does not answer a claim, a user
// another member added first, a device with no key package on the relay yet. None of these
// may lose the add or fail it with a misleading error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpRequest } from '../../src/engine/actions.ts';
import type { HttpOutcome } from '../../src/engine/events.ts';
import { toHex } from '@sealed/protocol/encoding';
import { type Client, Network } from './network.ts';
import { AWAIT_LOG_MS, MAX_ADD_ATTEMPTS } from '../../src/engine/commits.ts';

/**
 * The next `n` requests of `kind` from `device` (about `username`, when given) get `code`
 * and no answer (as while the relay restarts; or key transparency's not-logged-yet).
 */
function dropRequests(net: Network, device: Client, kind: HttpRequest['kind'], n: number, code = 'unavailable', username?: string): { dropped: () => number } {
  const real = net.relay.http.bind(net.relay);
  let dropped = 0;
  net.relay.http = (request: HttpRequest, token: Uint8Array | undefined): HttpOutcome => {
    const caller = token === undefined ? undefined : net.relay.tokens.get(toHex(token));
    const named = username === undefined || ('username' in request && request.username === username);
    if (request.kind === kind && named && caller === device.engine.deviceId && dropped < n) {
      dropped++;
      return { ok: false, status: 0, code };
    }
    return real(request, token);
  };
  return { dropped: () => dropped };
}

const tick = (net: Network, client: Client, seconds: number) => {
  net.perform(client, client.engine.handle({ type: 'tick', now: net.relay.now + seconds * 1000 }));
  net.run();
};

test('an add whose key-package claim gets no answer (relay restarting) is gathered again on the next tick', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const drops = dropRequests(net, alice, 'claim-key-packages', 2);
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.run();
  assert.equal(drops.dropped(), 1);
  assert.deepEqual(alice.failures, [], 'not failed');
  assert.deepEqual(carol.engine.conversationIds(), []);
  tick(net, alice, 1);
  assert.equal(drops.dropped(), 2);
  tick(net, alice, 2);
  assert.deepEqual(carol.engine.conversationIds(), [id]);
  assert.deepEqual(alice.engine.membersOf(id).map((m) => m.username).sort(), ['alice', 'bob', 'carol']);
  net.perform(bob, bob.engine.send(id, 'welcome carol').actions);
  net.run();
  assert.deepEqual(carol.texts(id), ['welcome carol']);
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
});

test('an add that keeps getting no answer fails after MAX_ADD_ATTEMPTS ticks, and a refusal fails at once', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  await net.account('bob');
  await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  dropRequests(net, alice, 'claim-key-packages', Number.MAX_SAFE_INTEGER);
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.run();
  for (let i = 1; i <= 40 && alice.failures.length === 0; i++) tick(net, alice, i);
  assert.deepEqual(alice.failures.map((f) => (f.type === 'intent-failed' ? f.error.message : f.type)), ['relay-error: claim carol: unavailable']);
  // An account that does not exist is not "not now": failed without waiting.
  net.perform(alice, alice.engine.addMember(id, 'nobody').actions);
  net.run();
  assert.deepEqual(alice.failures.slice(1).map((f) => (f.type === 'intent-failed' ? f.error.message : f.type)), ['relay-error: account nobody: not-found']);
});

test('two members adding the same user at once: the loser of the commit race fails as already-a-participant, not with an MLS error', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const dave = await net.account('dave');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  // Both gather dave's key packages and commit against epoch 1; one commit wins.
  net.perform(alice, alice.engine.addMember(id, 'dave').actions);
  net.perform(bob, bob.engine.addMember(id, 'dave').actions);
  net.run();
  const failures = [...alice.failures, ...bob.failures];
  assert.deepEqual(failures.map((f) => (f.type === 'intent-failed' ? f.error.code : f.type)), ['already-a-participant']);
  assert.deepEqual(dave.engine.conversationIds(), [id]);
  assert.equal(alice.engine.epochOf(id), 2n, 'one commit only');
  assert.equal(alice.engine.epochAuthenticatorOf(id), dave.engine.epochAuthenticatorOf(id));
  assert.equal(bob.engine.epochAuthenticatorOf(id), dave.engine.epochAuthenticatorOf(id));
  assert.deepEqual(dave.failures, []);
});

test('an add that finds no key package at all (not even a last resort) waits until the device has uploaded one', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  await net.account('bob');
  // Carol's first upload and its retry at READY never reach the relay: it holds no key package of hers.
  const carol = net.client('carol');
  const drops = dropRequests(net, carol, 'upload-key-packages', 2);
  net.perform(carol, carol.engine.createAccount('carol').actions);
  net.run();
  assert.equal(drops.dropped(), 2);
  assert.equal(net.relay.devices.get(carol.engine.deviceId!)?.lastResort, undefined);
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.run();
  assert.deepEqual(alice.failures, [], 'waiting, not failed');
  for (let i = 1; i <= 5 && carol.engine.conversationIds().length === 0; i++) {
    tick(net, carol, i);
    tick(net, alice, i);
  }
  assert.deepEqual(carol.engine.conversationIds(), [id]);
  assert.ok(net.relay.devices.get(carol.engine.deviceId!)?.lastResort !== undefined, 'the upload was tried again');
  assert.deepEqual([...alice.failures, ...carol.failures], []);
});

test('a text written just before our removal, still in the outbox, is reported as not sent, never dropped in silence', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob', 'carol']);
  net.perform(alice, actions);
  net.run();
  net.offline(carol);
  const written = carol.engine.send(id, 'too late');
  net.perform(carol, written.actions);
  net.perform(alice, alice.engine.removeMember(id, 'carol').actions);
  net.run();
  net.reconnect(carol);
  assert.deepEqual(carol.closed, [id]);
  assert.deepEqual(carol.failures.map((f) => (f.type === 'intent-failed' ? [f.error.code, f.error.detail] : [f.type])), [['removed-before-sent', written.value]]);
  assert.deepEqual(carol.acknowledged, []);
  assert.deepEqual(bob.texts(id), []);
});

test('a Welcome refused because its only new device was revoked meanwhile (unknown-recipient) is not a failure: the commit stands', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  // As the relay answers when carol's device was removed by her other device after alice claimed its key package.
  const real = net.relay.frame.bind(net.relay);
  net.relay.frame = (deviceId, frame) => {
    if (frame.type === 'send' && frame.kind === 'welcome') {
      alice.inbox.push({ type: 'frame', frame: { type: 'error', requestId: frame.requestId, code: 'unknown-recipient', value: 0 } });
      return;
    }
    real(deviceId, frame);
  };
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.run();
  assert.deepEqual(alice.failures, []);
  assert.equal(alice.engine.epochOf(id), 2n, 'the commit stands');
  net.perform(alice, alice.engine.send(id, 'after').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['after'], 'the conversation goes on');
});

test('a contact whose account is not in the transparency log yet is added once the log has it, however many ticks that takes', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  // Signed up since the last epoch: the transport answers not-logged-yet (transport-hook.ts) for 45 s.
  const ticks = MAX_ADD_ATTEMPTS + 15;
  const drops = dropRequests(net, alice, 'get-account', ticks, 'not-logged-yet', 'bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  for (let i = 1; i <= ticks + 2; i++) tick(net, alice, i);
  assert.equal(drops.dropped(), ticks);
  assert.deepEqual(alice.failures, [], 'waited, not failed');
  assert.deepEqual(bob.engine.conversationIds(), [id]);
  net.perform(alice, alice.engine.send(id, 'hello, new user').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['hello, new user']);
});

test('an account the log never shows fails the add after AWAIT_LOG_MS, with the reason', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  await net.account('bob');
  dropRequests(net, alice, 'get-account', Number.MAX_SAFE_INTEGER, 'not-logged-yet', 'bob');
  const { actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const limit = AWAIT_LOG_MS / 1000;
  for (let i = 1; i < limit - 1 && alice.failures.length === 0; i++) tick(net, alice, i);
  const reasons = () => alice.failures.map((f) => (f.type === 'intent-failed' ? f.error.message : f.type));
  assert.deepEqual(reasons(), [], 'still waiting just before AWAIT_LOG_MS');
  for (let i = limit - 1; i <= limit + 5 && alice.failures.length === 0; i++) tick(net, alice, i);
  assert.deepEqual(reasons(), ['relay-error: account bob: not-logged-yet']);
});
