// Conversation features through the in-memory relay: named groups, leave, disappearing
// messages (engine clock), receipts, safety numbers and verification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { toHex } from '@sealed/protocol/encoding';
import { deserializeGroupState } from '@sealed/mls/group/serialize';
import type { Action } from '../../src/engine/actions.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { signDeviceList } from '../../src/engine/identity.ts';
import { Client, Network } from './network.ts';

type Of<T extends Action['type']> = Extract<Action, { type: T }>;
const of = <T extends Action['type']>(client: Client, type: T): Of<T>[] => client.all.filter((a): a is Of<T> => a.type === type);

async function trio(): Promise<{ net: Network; alice: Client; bob: Client; carol: Client; id: string }> {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const started = alice.engine.createGroup(['bob', 'carol'], { name: 'Climbing', topic: 'Saturday' });
  net.perform(alice, started.actions);
  net.run();
  return { net, alice, bob, carol, id: started.value };
}

function tick(net: Network, clients: readonly Client[], now: number): void {
  net.relay.now = now;
  for (const c of clients) net.perform(c, c.engine.handle({ type: 'tick', now }));
  net.run();
}

test('a named group: every member learns name and topic; rename; a member added later learns them too', async () => {
  const { net, alice, bob, carol, id } = await trio();
  for (const c of [alice, bob, carol]) {
    const info = c.engine.conversationInfo(id)!;
    assert.equal(info.name, 'Climbing', c.name);
    assert.equal(info.topic, 'Saturday');
    assert.deepEqual([...new Set(info.members.map((m) => m.username))].sort(), ['alice', 'bob', 'carol']);
  }
  assert.deepEqual(of(bob, 'conversation-settings').map((a) => [a.name, a.changedBy.username]), [['Climbing', 'alice']]);
  net.perform(bob, bob.engine.changeSettings(id, { name: 'Bouldering' }).actions);
  net.run();
  for (const c of [alice, bob, carol]) assert.equal(c.engine.conversationInfo(id)!.name, 'Bouldering');
  assert.equal(of(carol, 'conversation-settings').at(-1)!.changedBy.username, 'bob');
  const dave = await net.account('dave');
  net.perform(carol, carol.engine.addMember(id, 'dave').actions);
  net.run();
  const info = dave.engine.conversationInfo(id)!;
  assert.equal(info.name, 'Bouldering');
  assert.equal(info.topic, 'Saturday');
  // Settings are control content: never shown as a message.
  assert.deepEqual([...alice.shown, ...bob.shown, ...carol.shown, ...dave.shown], []);
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures, ...dave.failures], []);
  assert.throws(() => alice.engine.changeSettings(id, { name: 'x'.repeat(129) }), { code: 'too-large' });
});

test('leave: a Remove proposal another member commits; the leaver is closed out and reads nothing new', async () => {
  const { net, alice, bob, carol, id } = await trio();
  const epoch = alice.engine.epochOf(id)!;
  net.perform(carol, carol.engine.leave(id).actions);
  net.run();
  assert.deepEqual(carol.closed, [id]);
  assert.deepEqual(carol.engine.conversationIds(), []);
  assert.ok(!carol.saved.has(`group:${id}`), 'group state deleted');
  assert.equal(alice.engine.epochOf(id), bob.engine.epochOf(id));
  assert.ok(alice.engine.epochOf(id)! > epoch);
  assert.deepEqual([...new Set(alice.engine.conversationInfo(id)!.members.map((m) => m.username))].sort(), ['alice', 'bob']);
  net.perform(alice, alice.engine.send(id, 'after carol left').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['after carol left']);
  assert.deepEqual(carol.texts(), []);
  // The relay no longer routes to carol: alice's recipients exclude her device.
  assert.equal(net.relay.devices.get(carol.engine.deviceId!)!.queue.length, 0);
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
  assert.throws(() => carol.engine.send(id, 'x'), (e: unknown) => e instanceof EngineError && e.code === 'unknown-conversation');
});

test('leave while the proposal loses to another commit: proposed again in the new epoch', async () => {
  const { net, alice, bob, carol, id } = await trio();
  // bob's self-update and carol's proposal race in the same epoch; the commit wins.
  net.perform(bob, bob.engine.handle({ type: 'tick', now: net.relay.now + 25 * 3600 * 1000 }));
  net.perform(carol, carol.engine.leave(id).actions);
  net.run();
  assert.deepEqual(carol.closed, [id]);
  assert.deepEqual([...new Set(bob.engine.conversationInfo(id)!.members.map((m) => m.username))].sort(), ['alice', 'bob']);
  assert.equal(alice.engine.epochOf(id), bob.engine.epochOf(id));
  assert.deepEqual([...alice.failures, ...bob.failures].filter((f) => f.type !== 'intent-failed'), []);
});

test('disappearing messages: the timer reaches every device; each deletes on the first tick after the deadline', async () => {
  const { net, alice, bob, carol, id } = await trio();
  const t0 = net.relay.now;
  net.perform(alice, alice.engine.changeSettings(id, { disappearAfterSeconds: 60 }).actions);
  net.run();
  for (const c of [alice, bob, carol]) assert.equal(c.engine.conversationInfo(id)!.disappearAfterSeconds, 60);
  const sent = alice.engine.send(id, 'self-destructs');
  net.perform(alice, sent.actions);
  net.run();
  assert.deepEqual(bob.shown.at(-1)!.content.expires, { relative: true, time: 60 });
  tick(net, [alice, bob, carol], t0 + 59_000);
  assert.deepEqual([...of(alice, 'expired'), ...of(bob, 'expired')], []);
  tick(net, [alice, bob, carol], t0 + 61_000);
  for (const c of [alice, bob, carol]) assert.deepEqual(of(c, 'expired').map((a) => a.messageIds), [[sent.value]], c.name);
  tick(net, [alice, bob, carol], t0 + 120_000);
  for (const c of [alice, bob, carol]) assert.equal(of(c, 'expired').length, 1, 'reported once');
  // Timer off: no deadline.
  net.perform(bob, bob.engine.changeSettings(id, { disappearAfterSeconds: 0 }).actions);
  net.run();
  net.perform(alice, alice.engine.send(id, 'stays').actions);
  net.run();
  tick(net, [alice, bob, carol], t0 + 10 * 365 * 86400_000);
  assert.equal(of(bob, 'expired').length, 1);
});

test('disappearing deadlines are saved: a restored engine still deletes on time', async () => {
  const { net, alice, bob, id } = await trio();
  const t0 = net.relay.now;
  net.perform(alice, alice.engine.changeSettings(id, { disappearAfterSeconds: 30 }).actions);
  net.run();
  const sent = alice.engine.send(id, 'gone soon');
  net.perform(alice, sent.actions);
  net.run();
  const { Engine } = await import('../../src/engine/engine.ts');
  const meta = new Map<string, Uint8Array>();
  for (const [k, v] of bob.saved) if (k.startsWith('meta:')) meta.set(k.slice(5), v);
  const groups = [...bob.saved].filter(([k]) => k.startsWith('group:')).map(([, v]) => v);
  const restored = Engine.restore({ provider: nodeProvider, now: t0 }, { account: [...bob.saved].find(([k]) => k.startsWith('account:'))![1], groups, meta });
  assert.equal(restored.conversationInfo(id)!.disappearAfterSeconds, 30);
  const expired = restored.handle({ type: 'tick', now: t0 + 31_000 }).filter((a) => a.type === 'expired');
  assert.deepEqual(expired.map((a) => (a.type === 'expired' ? a.messageIds : [])), [[sent.value]]);
});

test('receipts: sent, delivered to N, read by N, each state once; turned off, none are sent', async () => {
  const { net, alice, bob, carol, id } = await trio();
  const sent = alice.engine.send(id, 'did you get this?');
  net.perform(alice, sent.actions);
  net.run();
  const statuses = () => of(alice, 'message-status').filter((s) => s.messageId === sent.value).map((s) => `${s.sent}|${s.deliveredTo.join(',')}|${s.readBy.join(',')}`);
  assert.deepEqual(statuses(), ['true||', 'true|bob|', 'true|bob,carol|']);
  net.perform(bob, bob.engine.markRead(id, [bob.shown.at(-1)!.messageId]));
  net.run();
  net.perform(bob, bob.engine.markRead(id, [bob.shown.at(-1)!.messageId]));
  net.run();
  assert.deepEqual(statuses().slice(3), ['true|bob,carol|bob']);
  // Receipts are control content: nobody shows them.
  assert.deepEqual(alice.texts(id), ['did you get this?']);
  assert.deepEqual(bob.texts(id), ['did you get this?']);
  // carol turns receipts off: alice's next message is delivered to bob only, and carol's read sends nothing.
  net.perform(carol, carol.engine.setReceipts(false));
  const second = alice.engine.send(id, 'second');
  net.perform(alice, second.actions);
  net.run();
  net.perform(carol, carol.engine.markRead(id, [carol.shown.at(-1)!.messageId]));
  net.run();
  const last = of(alice, 'message-status').filter((s) => s.messageId === second.value).at(-1)!;
  assert.deepEqual([last.deliveredTo, last.readBy], [['bob'], []]);
  assert.equal(carol.engine.receiptsEnabled, false);
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
});

test('safety numbers: both sides compute the same 60 digits and QR payload; verified mark; identity change warns', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  assert.throws(() => alice.engine.safetyNumber('bob'), (e: unknown) => e instanceof EngineError && e.code === 'unknown-contact');
  net.perform(alice, alice.engine.lookupContact('bob').actions);
  net.perform(bob, bob.engine.lookupContact('alice').actions);
  net.run();
  const ours = alice.engine.safetyNumber('bob');
  const theirs = bob.engine.safetyNumber('alice');
  assert.equal(ours.digits, theirs.digits);
  assert.match(ours.digits, /^\d{60}$/);
  assert.equal(ours.qrPayload, theirs.qrPayload);
  assert.equal(alice.engine.compareSafetyNumber('bob', theirs.qrPayload), 'match');
  assert.equal(alice.engine.contact('bob')!.verified, false);
  net.perform(alice, alice.engine.setVerified('bob', true));
  assert.equal(alice.engine.contact('bob')!.verified, true);
  assert.ok(alice.saved.has('meta:device'));

  // The relay swaps bob's identity key (a new account key signing a device list with his device).
  const provider = nodeProvider;
  const swapped = provider.signatureGenerate('Ed25519');
  const account = net.relay.accounts.get('bob')!;
  const device = { id: Uint8Array.from(Buffer.from(bob.engine.deviceId!, 'hex')), key: { publicKey: new Uint8Array(32), privateKey: new Uint8Array(32) } };
  account.deviceList = signDeviceList(provider, 'bob', swapped, 2, [device]);
  account.identityKey = swapped.publicKey;
  net.perform(alice, alice.engine.lookupContact('bob').actions);
  net.run();
  assert.deepEqual(of(alice, 'identity-changed').map((a) => [a.username, a.verified]), [['bob', true]]);
  const info = alice.engine.contact('bob')!;
  assert.equal(info.identityChanged, true);
  assert.equal(info.verified, true, 'the pinned key is still the verified one');
  // Looking up again does not warn twice for the same offer.
  net.perform(alice, alice.engine.lookupContact('bob').actions);
  net.run();
  assert.equal(of(alice, 'identity-changed').length, 1);
  assert.equal(alice.engine.safetyNumber('bob').digits, ours.digits, 'still the pinned key');
  net.perform(alice, alice.engine.acceptIdentityChange('bob'));
  const after = alice.engine.contact('bob')!;
  assert.deepEqual([after.verified, after.identityChanged, after.identityKey], [false, false, toHex(swapped.publicKey)]);
  assert.notEqual(alice.engine.safetyNumber('bob').digits, ours.digits);
  assert.equal(alice.engine.compareSafetyNumber('bob', theirs.qrPayload), 'mismatch');
});

test("edits and deletes: the author's own are shown; another account's edit or delete of them is refused typed", async () => {
  const { net, alice, bob, carol, id } = await trio();
  const original = bob.engine.send(id, 'original');
  net.perform(bob, original.actions);
  net.run();
  const target = Uint8Array.from(Buffer.from(original.value, 'hex'));
  net.perform(carol, carol.engine.send(id, { kind: 'edit', target, text: 'forged' }).actions);
  net.perform(carol, carol.engine.send(id, { kind: 'delete', target }).actions);
  net.run();
  for (const c of [alice, bob]) {
    assert.deepEqual(c.texts(id), ['original'], c.name);
    assert.deepEqual(c.failures.map((f) => (f.type === 'decrypt-failure' ? f.reason : f.type)), ['forged-edit', 'forged-edit']);
  }
  net.perform(bob, bob.engine.send(id, { kind: 'edit', target, text: 'fixed' }).actions);
  net.perform(bob, bob.engine.send(id, { kind: 'text', text: 'a reply', inReplyTo: target }).actions);
  net.perform(bob, bob.engine.send(id, { kind: 'delete', target }).actions);
  net.run();
  assert.deepEqual(alice.texts(id), ['original', '<edit>', 'a reply', '<delete>']);
  const reply = alice.shown.at(-2)!.content.body;
  assert.ok(reply.kind === 'text' && reply.inReplyTo !== null && Buffer.from(reply.inReplyTo).toString('hex') === original.value);
  assert.equal(alice.failures.length, 2);
});

test('a verified identity key stays pinned across a restart: a swapped key after restoring is an identity change, not a first use', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  net.perform(alice, alice.engine.lookupContact('bob').actions);
  net.run();
  net.perform(alice, alice.engine.setVerified('bob', true));
  const swapped = nodeProvider.signatureGenerate('Ed25519');
  const account = net.relay.accounts.get('bob')!;
  const device = { id: Uint8Array.from(Buffer.from(bob.engine.deviceId!, 'hex')), key: { publicKey: new Uint8Array(32), privateKey: new Uint8Array(32) } };
  account.deviceList = signDeviceList(nodeProvider, 'bob', swapped, 2, [device]);
  account.identityKey = swapped.publicKey;
  const { Engine } = await import('../../src/engine/engine.ts');
  const meta = new Map([['device', alice.saved.get('meta:device')!]]);
  const restored = Engine.restore({ provider: nodeProvider, now: net.relay.now }, { account: alice.saved.get(`account:${alice.engine.deviceId}`)!, groups: [], meta });
  const again = new Client('alice-restored', restored);
  net.clients.push(again);
  net.perform(again, restored.start());
  net.run();
  net.perform(again, restored.lookupContact('bob').actions);
  net.run();
  assert.deepEqual(of(again, 'identity-changed').map((a) => [a.username, a.verified]), [['bob', true]]);
  assert.throws(() => restored.safetyNumber('bob'), (e: unknown) => e instanceof EngineError && e.code === 'unknown-contact');
});

test('receipt state survives a restart on both sides (a one-command-at-a-time host still gets and sends receipts); meta records v1 still load, malformed ones fail typed', async () => {
  const { net, alice, bob, carol, id } = await trio();
  const sent = alice.engine.send(id, 'before the restarts');
  net.perform(alice, sent.actions);
  net.run();
  const { Engine } = await import('../../src/engine/engine.ts');
  const restart = (c: Client, name: string): Client => {
    const meta = new Map<string, Uint8Array>();
    for (const [k, v] of c.saved) if (k.startsWith('meta:')) meta.set(k.slice(5), v);
    const groups = [...c.saved].filter(([k]) => k.startsWith('group:')).map(([, v]) => v);
    const engine = Engine.restore({ provider: nodeProvider, now: net.relay.now }, { account: c.saved.get(`account:${c.engine.deviceId}`)!, groups, meta });
    net.relay.disconnect(c.engine.deviceId!);
    c.online = false;
    const again = new Client(name, engine);
    net.clients.push(again);
    net.perform(again, engine.start());
    net.run();
    return again;
  };
  const alice2 = restart(alice, 'alice2');
  const bob2 = restart(bob, 'bob2');
  net.perform(bob2, bob2.engine.markRead(id, [sent.value]));
  net.run();
  const last = of(alice2, 'message-status').filter((s) => s.messageId === sent.value).at(-1)!;
  assert.deepEqual([last.sent, last.deliveredTo, last.readBy], [true, ['bob', 'carol'], ['bob']]);
  assert.deepEqual([...alice2.failures, ...bob2.failures, ...carol.failures], []);

  const { loadConversationMeta } = await import('../../src/engine/feature-state.ts');
  const { encodeCbor } = await import('../../src/content/cbor-encode.ts');
  const { SnapshotError } = await import('../../src/engine/snapshot.ts');
  const { newConversation } = await import('../../src/engine/conversation.ts');
  const conversation = newConversation(createdState(alice, id), 0);
  loadConversationMeta(conversation, encodeCbor([1, 'old name', '', 0, [], false]));
  const bad: [unknown[], string][] = [
    [[3, 'x', '', 0, [], false], 'unknown-version'],
    [[2, 'x', '', 0, [], false], 'malformed-record'],
    [[2, 'x', '', 0, [], false, [[new Uint8Array(32), true, ['a'.repeat(65)], []]], [], [null, null, null]], 'malformed-record'],
    [[2, 'x', '', 0, [], false, [], [new Uint8Array(31)], [null, null, null]], 'malformed-record'],
    [[2, 'x', '', 0, [], false, [], [], [null, null]], 'malformed-record'],
    [[2, 'x', '', 0, [], false, [], [], [[-1, 'd'], null, null]], 'malformed-record'],
    [[1, 'x', '', 365 * 86400 + 1, [], false], 'malformed-record'],
  ];
  for (const [value, code] of bad) {
    assert.throws(() => loadConversationMeta(conversation, encodeCbor(value as never)), (e: unknown) => e instanceof SnapshotError && e.code === code, JSON.stringify(code));
  }
});

/** The group state of `id` as restored in `client` (for loading records into a scratch conversation). */
function createdState(client: Client, id: string) {
  const saved = client.saved.get(`group:${id}`)!;
  return deserializeGroupState(saved, nodeProvider);
}

test('concurrent settings changes converge on every device (last writer wins per field, ties by device id)', async () => {
  const { net, alice, bob, carol, id } = await trio();
  // Same clock: both renames race; the device id decides, the same way everywhere.
  net.perform(bob, bob.engine.changeSettings(id, { name: 'by bob' }).actions);
  net.perform(carol, carol.engine.changeSettings(id, { name: 'by carol', disappearAfterSeconds: 60 }).actions);
  net.run();
  const names = [alice, bob, carol].map((c) => c.engine.conversationInfo(id)!.name);
  assert.equal(new Set(names).size, 1, names.join(' / '));
  assert.equal(names[0], bob.engine.deviceId! > carol.engine.deviceId! ? 'by bob' : 'by carol');
  for (const c of [alice, bob, carol]) assert.equal(c.engine.conversationInfo(id)!.disappearAfterSeconds, 60);
  // A later change wins even when it reaches a device before an earlier one (alice is offline meanwhile).
  net.offline(alice);
  const t = net.relay.now;
  for (const c of [bob, carol]) net.perform(c, c.engine.handle({ type: 'tick', now: t + 1000 }));
  net.perform(carol, carol.engine.changeSettings(id, { topic: 'earlier' }).actions);
  for (const c of [bob, carol]) net.perform(c, c.engine.handle({ type: 'tick', now: t + 2000 }));
  net.perform(bob, bob.engine.changeSettings(id, { topic: 'later' }).actions);
  net.run();
  net.reconnect(alice);
  for (const c of [alice, bob, carol]) assert.equal(c.engine.conversationInfo(id)!.topic, 'later', c.name);
});

test('a member proposing to remove someone else (not a leave) is refused: nobody commits it, membership stays', async () => {
  const { net, alice, bob, carol, id } = await trio();
  const { propose } = await import('@sealed/mls/group/send');
  const { membersOf } = await import('../../src/engine/conversation.ts');
  const state = deserializeGroupState(carol.saved.get(`group:${id}`)!, nodeProvider);
  const bobLeaf = membersOf(state).find((m) => m.username === 'bob')!.leafIndex;
  const made = propose(state, { type: 'remove', removed: bobLeaf });
  const recipients = membersOf(state).filter((m) => m.username !== 'carol').map((m) => Uint8Array.from(Buffer.from(m.deviceId, 'hex')));
  net.relay.frame(carol.engine.deviceId!, { type: 'send', requestId: 999, clientMessageId: new Uint8Array(16).fill(9), kind: 'proposal', epoch: Number(state.groupContext.epoch), groupId: state.groupContext.groupId, recipients, payload: made.message });
  net.run();
  const epoch = alice.engine.epochOf(id);
  for (const c of [alice, bob]) {
    assert.deepEqual(c.failures.map((f) => (f.type === 'decrypt-failure' ? f.reason : f.type)), ['unsupported-content'], c.name);
    assert.equal(c.engine.epochOf(id), epoch, 'no commit');
    assert.deepEqual([...new Set(c.engine.conversationInfo(id)!.members.map((m) => m.username))].sort(), ['alice', 'bob', 'carol']);
  }
  // The group still works, and a later leave is still committed.
  net.perform(alice, alice.engine.send(id, 'still here').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['still here']);
  net.perform(bob, bob.engine.leave(id).actions);
  net.run();
  assert.deepEqual(bob.closed, [id]);
});
