// The engine without sockets: two and three engines through the in-memory FakeRelay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_PACKAGES_LOW_MARK } from '@sealed/protocol/limits';
import { parseClaimResponse } from '@sealed/protocol/http';
import { cipherSuite, DEFAULT_CIPHER_SUITE } from '@sealed/mls/crypto/cipher-suite';
import { addMembers } from '@sealed/mls/group/api';
import { createGroup } from '@sealed/mls/group/create';
import { createKeyPackage } from '@sealed/mls/group/key-package';
import { parseMLSMessage } from '@sealed/mls/structs/mls-message';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS } from '@sealed/mls/validation/leaf-node';
import { credentialFor } from '../../src/engine/identity.ts';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { Engine } from '../../src/engine/engine.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { Client, Network } from './network.ts';
import { AWAIT_REMOVAL_MS } from '../../src/engine/verify-members.ts';

test('createAccount registers, uploads key packages (and a last resort) and connects', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const device = net.relay.devices.get(alice.engine.deviceId!)!;
  assert.equal(device.keyPackages.length, 12);
  assert.ok(device.lastResort !== undefined);
  assert.ok(alice.online);
  assert.throws(() => alice.engine.createAccount('alice'), (e: unknown) => e instanceof EngineError && e.code === 'account-exists');
});

test('1:1 conversation: both devices in one MLS group, messages both ways, epochs agree', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const started = alice.engine.createConversation(['bob']);
  const id = started.value;
  net.perform(alice, started.actions);
  net.perform(alice, alice.engine.send(id, 'hello bob').actions); // queued until bob is added
  net.run();
  assert.deepEqual(bob.engine.conversationIds(), [id]);
  assert.equal(bob.engine.epochOf(id), 1n);
  assert.equal(alice.engine.epochOf(id), 1n);
  assert.deepEqual(bob.texts(id), ['hello bob']);
  net.perform(bob, bob.engine.send(id, 'hi alice').actions);
  net.run();
  assert.deepEqual(alice.texts(id), ['hello bob', 'hi alice']);
  assert.equal(alice.shown[0]!.outgoing, true);
  assert.equal(alice.shown[1]!.sender.username, 'bob');
  const members = alice.conversations.get(id)!.members.map((m) => m.username).sort();
  assert.deepEqual(members, ['alice', 'bob']);
  assert.deepEqual([...alice.failures, ...bob.failures], []);
  assert.equal(alice.engine.stats.undecryptable + bob.engine.stats.undecryptable, 0);
  // Group state is persisted (opaque, for the vault) on both sides.
  assert.ok(alice.saved.has(`group:${id}`) && bob.saved.has(`group:${id}`));
});

test('duplicate deliveries are shown once (the same entry delivered twice)', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.relay.duplicateDeliveries = true;
  net.perform(alice, alice.engine.send(id, 'once').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['once']);
  assert.ok(bob.engine.stats.duplicatesDropped >= 1);
  assert.equal(bob.engine.stats.undecryptable, 0);
});

test('offline catch-up: messages sent while a device was offline arrive in order after reconnect', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.offline(bob);
  for (let i = 0; i < 20; i++) net.perform(alice, alice.engine.send(id, `m${i}`).actions);
  net.run();
  assert.deepEqual(bob.texts(id), []);
  net.reconnect(bob);
  assert.deepEqual(bob.texts(id), Array.from({ length: 20 }, (_, i) => `m${i}`));
  assert.equal(net.relay.devices.get(bob.engine.deviceId!)!.queue.length, 0, 'every entry acknowledged');
});

test('group of three; removal; the removed member learns it and gets nothing more', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const { value: id, actions } = alice.engine.createConversation(['bob', 'carol']);
  net.perform(alice, actions);
  net.run();
  for (const c of [bob, carol]) assert.deepEqual(c.engine.conversationIds(), [id]);
  net.perform(carol, carol.engine.send(id, 'from carol').actions);
  net.run();
  assert.deepEqual(alice.texts(id), ['from carol']);
  assert.deepEqual(bob.texts(id), ['from carol']);
  net.perform(bob, bob.engine.removeMember(id, 'carol').actions);
  net.run();
  assert.deepEqual(carol.closed, [id]);
  assert.equal(alice.conversations.get(id)!.members.length, 2);
  net.perform(alice, alice.engine.send(id, 'after carol').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['from carol', 'after carol']);
  assert.deepEqual(carol.texts(id), ['from carol']);
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
});

test('losing a commit race: the loser processes the winner and retries on the new epoch', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const dave = await net.account('dave');
  const { value: id, actions } = alice.engine.createConversation(['bob', 'carol', 'dave']);
  net.perform(alice, actions);
  net.run();
  // Both commit at epoch 1 before either hears of the other: alice's reaches the relay first.
  net.perform(alice, alice.engine.removeMember(id, 'carol').actions);
  net.perform(bob, bob.engine.removeMember(id, 'dave').actions);
  net.run();
  assert.equal(bob.engine.stats.commitRacesLost, 1);
  assert.equal(alice.engine.stats.commitRacesLost, 0);
  assert.equal(alice.engine.epochOf(id), 3n);
  assert.equal(bob.engine.epochOf(id), 3n);
  assert.deepEqual(carol.closed, [id]);
  assert.deepEqual(dave.closed, [id]);
  assert.deepEqual(alice.conversations.get(id)!.members.map((m) => m.username).sort(), ['alice', 'bob']);
  net.perform(bob, bob.engine.send(id, 'just us').actions);
  net.run();
  assert.deepEqual(alice.texts(id), ['just us']);
  assert.deepEqual(net.clients.flatMap((c) => c.failures), []);
});

test('key packages are replenished on the relay\'s low-count notice', async () => {
  const net = new Network();
  const bob = await net.account('bob');
  const device = net.relay.devices.get(bob.engine.deviceId!)!;
  const others = [];
  for (let i = 0; i < 3; i++) others.push(await net.account(`user${i}`));
  for (const other of others) {
    net.perform(other, other.engine.createConversation(['bob']).actions);
    net.run();
  }
  assert.equal(bob.engine.conversationIds().length, 3);
  // 12 uploaded; the second claim left 10 (KEY_PACKAGES_LOW_MARK): the relay said "low" and
  // bob topped up to 12 again, so the third claim left 11.
  assert.equal(KEY_PACKAGES_LOW_MARK, 10);
  assert.equal(device.keyPackages.length, 11);
  assert.ok(bob.engine.stats.keyPackagesUploaded > 12);
});

test('self-update on the clock: a commit with a fresh path after the interval, members follow', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.perform(alice, alice.engine.handle({ type: 'tick', now: net.relay.now + 25 * 3600 * 1000 }));
  net.run();
  assert.equal(alice.engine.epochOf(id), bob.engine.epochOf(id));
  assert.ok(alice.engine.epochOf(id)! >= 2n);
  net.perform(bob, bob.engine.send(id, 'after update').actions);
  net.run();
  assert.deepEqual(alice.texts(id), ['after update']);
});

test('an entry that cannot be decrypted is reported with a typed reason, counted, and changes nothing', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const groupId = Uint8Array.from(id.match(/../g)!, (h) => parseInt(h, 16));
  const bobDevice = Uint8Array.from(bob.engine.deviceId!.match(/../g)!, (h) => parseInt(h, 16));
  net.relay.frame(alice.engine.deviceId!, { type: 'send', requestId: 999, clientMessageId: new Uint8Array(16).fill(1), kind: 'application', epoch: 1, groupId, recipients: [bobDevice], payload: Uint8Array.of(1, 2, 3) });
  net.run();
  assert.equal(bob.engine.stats.undecryptable, 1);
  assert.deepEqual(bob.failures.map((f) => (f.type === 'decrypt-failure' ? f.reason : f.type)), ['malformed']);
  net.perform(alice, alice.engine.send(id, 'still fine').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['still fine']);
});

test('restart from the saved records: the restored engine signs in, catches up and keeps talking', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  net.offline(bob);
  for (const text of ['one', 'two', 'three']) net.perform(alice, alice.engine.send(id, text).actions);
  net.run();
  const records = {
    account: bob.saved.get(`account:${bob.engine.deviceId}`)!,
    groups: [...bob.saved].filter(([key]) => key.startsWith('group:')).map(([, bytes]) => bytes),
  };
  const restored = new Client('bob (restarted)', Engine.restore({ provider: nodeProvider, now: net.relay.now }, records));
  net.clients.splice(net.clients.indexOf(bob), 1, restored);
  net.perform(restored, restored.engine.start());
  net.run();
  assert.deepEqual(restored.texts(id), ['one', 'two', 'three']);
  net.perform(restored, restored.engine.send(id, 'back').actions);
  net.run();
  assert.deepEqual(alice.texts(id), ['one', 'two', 'three', 'back']);
  // The restored engine still holds its unused key packages: a new conversation can add it.
  const carol = await net.account('carol');
  const second = carol.engine.createConversation(['bob']);
  net.perform(carol, second.actions);
  net.run();
  assert.ok(restored.engine.conversationIds().includes(second.value));
  assert.deepEqual([...alice.failures, ...restored.failures, ...carol.failures], []);
});

test('a Welcome into a group with a ghost device (not in its account\'s signed list) is never shown, and left once no removal came', async () => {
  const net = new Network();
  const carol = await net.account('carol');
  await net.account('bob');
  const dave = await net.account('dave');
  const suite = cipherSuite(DEFAULT_CIPHER_SUITE, nodeProvider);
  const now = BigInt(Math.floor(net.relay.now / 1000));
  // A leaf that claims to be one of bob's devices, with a key bob never listed.
  const ghost = createKeyPackage(suite, { credential: credentialFor('bob', nodeProvider.randomBytes(16)), lifetime: { notBefore: now - 60n, notAfter: now + 3600n } });
  const claimed = net.relay.http({ kind: 'claim-key-packages', username: 'carol' }, undefined);
  assert.ok(claimed.ok);
  const carolKp = parseMLSMessage(parseClaimResponse(claimed.body).keyPackages[0]!.keyPackage);
  assert.ok(carolKp.wireFormat === 'mls_key_package');
  const policy = { validateCredential: () => true, now, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
  const added = addMembers(createGroup(suite, ghost), [carolKp.keyPackage], { policy });
  const carolDevice = Uint8Array.from(carol.engine.deviceId!.match(/../g)!, (h) => parseInt(h, 16));
  net.relay.frame(dave.engine.deviceId!, { type: 'send', requestId: 1, clientMessageId: new Uint8Array(16).fill(7), kind: 'welcome', epoch: 1, groupId: added.state.groupContext.groupId, recipients: [carolDevice], payload: added.welcome! });
  net.run();
  // An unlisted device may be one bob removed whose removal commit is on its way
  // (verify-members.ts AWAIT_REMOVAL_MS): the conversation waits, unshown and silent.
  assert.equal(carol.conversations.size, 0, 'not shown while waiting');
  assert.equal(carol.failures.length, 0, 'no failure yet');
  net.perform(carol, carol.engine.handle({ type: 'tick', now: net.relay.now + AWAIT_REMOVAL_MS + 1_000 }));
  assert.deepEqual(carol.engine.conversationIds(), []);
  assert.equal(carol.conversations.size, 0, 'never shown as a conversation');
  assert.deepEqual(carol.failures.map((f) => (f.type === 'member-unverified' ? [f.usernames, f.left] : f.type)), [[['bob'], true]]);
});
