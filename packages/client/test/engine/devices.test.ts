// Several devices per account through the in-memory relay: linking by code, syncing every
// group, contacts' lists refetched, removal and revocation, restore of a multi-device account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Action } from '../../src/engine/actions.ts';
import { Engine } from '../../src/engine/engine.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { encodeLinkCode } from '../../src/engine/devices/link-code.ts';
import { AWAIT_REMOVAL_MS } from '../../src/engine/verify-members.ts';
import { AHEAD_MAX_MS } from '../../src/engine/arrivals.ts';
import { Client, Network } from './network.ts';
import { cipherSuite, DEFAULT_CIPHER_SUITE } from '@sealed/mls/crypto/cipher-suite';
import { addMembers, processIncoming } from '@sealed/mls/group/api';
import { createGroup } from '@sealed/mls/group/create';
import { createKeyPackage } from '@sealed/mls/group/key-package';
import { parseMLSMessage } from '@sealed/mls/structs/mls-message';
import { parseClaimResponse } from '@sealed/protocol/http';
import { credentialFor } from '../../src/engine/identity.ts';
import { deserializeGroupState } from '@sealed/mls/group/serialize';
import { GroupError } from '@sealed/mls/group/errors';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS } from '@sealed/mls/validation/leaf-node';

/** A Network that also records the device actions the shared helper does not keep. */
class DeviceNetwork extends Network {
  readonly extra = new Map<Client, Action[]>();
  clock = this.relay.now;
  /** Every application payload the relay accepted (to replay to a removed device). */
  readonly applications: Uint8Array[] = [];

  constructor() {
    super();
    const frame = this.relay.frame.bind(this.relay);
    this.relay.frame = (deviceId, f) => {
      if (f.type === 'send' && f.kind === 'application') this.applications.push(f.payload.slice());
      frame(deviceId, f);
    };
  }

  override perform(client: Client, actions: readonly Action[]): void {
    const list = this.extra.get(client) ?? [];
    this.extra.set(client, list);
    list.push(...actions.filter((a) => ['link-offer', 'device-linked', 'devices', 'device-removed', 'sign-in-failed', 'intent-failed'].includes(a.type)));
    super.perform(client, actions);
  }

  of<T extends Action['type']>(client: Client, type: T): Extract<Action, { type: T }>[] {
    return (this.extra.get(client) ?? []).filter((a): a is Extract<Action, { type: T }> => a.type === type);
  }

  /** Advances every engine's clock by `ms` (one tick each) and settles. */
  tick(ms: number): void {
    this.clock += ms;
    for (const c of this.clients) if (c.engine.username !== undefined || this.of(c, 'link-offer').length > 0) this.perform(c, c.engine.handle({ type: 'tick', now: this.clock }));
    this.run();
  }

  /** Links a new device to `existing`'s account; returns it once it joined every conversation of `existing`. */
  link(existing: Client, name: string): Client {
    const fresh = this.client(name);
    this.perform(fresh, fresh.engine.beginLink().actions);
    this.run();
    const offer = this.of(fresh, 'link-offer')[0];
    assert.ok(offer !== undefined, 'the new device shows a code');
    this.perform(existing, existing.engine.approveLink(offer.code).actions);
    this.run();
    const linked = this.of(existing, 'device-linked')[0];
    assert.ok(linked !== undefined, 'the existing device linked it');
    assert.equal(linked.verificationCode, offer.verificationCode, 'both devices show the same verification code');
    for (let i = 0; i < 8 && !fresh.ready; i++) this.tick(2_000);
    assert.ok(fresh.ready, 'the new device signed in');
    // It knows which conversations to expect (joined already or awaited).
    const expected = new Set([...fresh.engine.awaitedConversations(), ...fresh.engine.conversationIds()]);
    assert.deepEqual(expected, new Set(existing.engine.conversationIds()));
    for (let i = 0; i < 8 && existing.engine.conversationIds().some((id) => !fresh.engine.conversationIds().includes(id)); i++) this.tick(2_000);
    return fresh;
  }
}

async function aliceAndBob(): Promise<{ net: DeviceNetwork; alice: Client; bob: Client; id: string }> {
  const net = new DeviceNetwork();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  return { net, alice, bob, id };
}

test('link by code: the new device gets the account, joins every conversation, reads and is read everywhere', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const { value: id2, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const phone = net.link(alice, 'alice-phone');
  assert.equal(phone.engine.username, 'alice');
  assert.deepEqual(new Set(phone.engine.conversationIds()), new Set([id, id2]), 'added to both conversations');
  assert.deepEqual(alice.engine.devices().map((d) => d.deviceId).sort(), [alice.engine.deviceId!, phone.engine.deviceId!].sort());
  assert.deepEqual(phone.engine.devices().find((d) => d.current)?.deviceId, phone.engine.deviceId);
  // bob's copy of alice's list was refetched when the commit brought the new leaf: no warning.
  const bobMembers = bob.conversations.get(id)!.members.map((m) => m.deviceId);
  assert.ok(bobMembers.includes(phone.engine.deviceId!));
  net.perform(bob, bob.engine.send(id, 'hi both alices').actions);
  net.run();
  assert.deepEqual(phone.texts(id), ['hi both alices']);
  net.perform(phone, phone.engine.send(id, 'from the phone').actions);
  net.run();
  assert.deepEqual(bob.texts(id), ['hi both alices', 'from the phone']);
  assert.deepEqual(alice.texts(id), ['hi both alices', 'from the phone']);
  assert.equal(alice.shown.at(-1)!.sender.deviceId, phone.engine.deviceId);
  assert.deepEqual([...alice.failures, ...bob.failures, ...phone.failures], []);
  assert.equal(alice.engine.stats.undecryptable + bob.engine.stats.undecryptable + phone.engine.stats.undecryptable, 0);
});

test('a conversation created on the new device includes the other device; contacts verify it', async () => {
  const { net, alice, bob } = await aliceAndBob();
  const phone = net.link(alice, 'alice-phone');
  const { value: id, actions } = phone.engine.createConversation(['bob']);
  net.perform(phone, actions);
  net.run();
  assert.ok(alice.engine.conversationIds().includes(id) && bob.engine.conversationIds().includes(id));
  net.perform(alice, alice.engine.send(id, 'from the laptop').actions);
  net.run();
  assert.deepEqual(phone.texts(id), ['from the laptop']);
  assert.deepEqual(bob.texts(id), ['from the laptop']);
  assert.deepEqual([...alice.failures, ...bob.failures, ...phone.failures], []);
});

test('removing a device: revoked at once, removed from every group, cannot decrypt anything new', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const phone = net.link(alice, 'alice-phone');
  const phoneId = phone.engine.deviceId!;
  assert.ok(phone.engine.conversationIds().includes(id));
  assert.throws(() => alice.engine.removeDevice(alice.engine.deviceId!), (e: unknown) => e instanceof EngineError && e.code === 'cannot-remove-self');
  assert.throws(() => alice.engine.removeDevice('00'.repeat(16)), (e: unknown) => e instanceof EngineError && e.code === 'unknown-device');
  net.perform(alice, alice.engine.removeDevice(phoneId).actions);
  net.run();
  assert.equal(net.relay.devices.has(phoneId), false, 'the relay revoked it');
  assert.deepEqual(alice.engine.devices().map((d) => d.deviceId), [alice.engine.deviceId!]);
  assert.ok(!bob.conversations.get(id)!.members.some((m) => m.deviceId === phoneId), 'removed from the group');
  const before = net.applications.length;
  net.perform(bob, bob.engine.send(id, 'after the removal').actions);
  net.run();
  assert.deepEqual(alice.texts(id), ['after the removal']);
  const payload = net.applications[before]!;
  // The removed device's saved state (all it keeps), handed the new ciphertext directly, cannot read it.
  const phoneGroups = [...phone.saved.entries()].filter(([k]) => k.startsWith('group:')).map(([, v]) => v);
  const stolen = Engine.restore({ provider: nodeProvider, now: net.clock }, { account: phone.saved.get(`account:${phoneId}`)!, groups: phoneGroups });
  assert.deepEqual(stolen.conversationIds(), [id]);
  const replay = stolen.handle({ type: 'frame', frame: { type: 'deliver', entries: [{ seq: 1_000_000, kind: 'application', receivedAt: net.relay.now, payload }] } });
  assert.ok(!replay.some((a) => a.type === 'show'));
  const state = deserializeGroupState(phone.saved.get(`group:${id}`)!, nodeProvider);
  assert.throws(() => processIncoming(state, payload, { policy: { validateCredential: () => true, now: BigInt(Math.floor(net.clock / 1000)), maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS } }), (e: unknown) => e instanceof GroupError);
  // And it cannot sign in again.
  net.perform(phone, phone.engine.handle({ type: 'socket-closed' }));
  net.run();
  assert.deepEqual(net.of(phone, 'sign-in-failed').map((a) => a.code), ['unauthorized']);
  assert.deepEqual([...alice.failures, ...bob.failures], []);
});

test('wrong, unknown and expired link codes get typed errors and change nothing', async () => {
  const net = new DeviceNetwork();
  const alice = await net.account('alice');
  assert.throws(() => alice.engine.approveLink('not a code'), (e: unknown) => e instanceof EngineError && e.code === 'invalid-link-code');
  const unknown = encodeLinkCode({ linkId: new Uint8Array(16).fill(1), commitment: new Uint8Array(16) });
  const started = alice.engine.approveLink(unknown.toLowerCase());
  net.perform(alice, started.actions);
  net.run();
  assert.deepEqual(net.of(alice, 'intent-failed').map((f) => f.error.code), ['link-expired']);
  // A code whose commitment does not match the mailbox's offer (a relay swapping offers).
  const fresh = net.client('fresh');
  net.perform(fresh, fresh.engine.beginLink().actions);
  net.run();
  const offer = net.of(fresh, 'link-offer')[0]!;
  const [linkId] = [...net.relay.links.keys()];
  const swapped = encodeLinkCode({ linkId: Uint8Array.from(Buffer.from(linkId!, 'hex')), commitment: new Uint8Array(16).fill(9) });
  net.perform(alice, alice.engine.approveLink(swapped).actions);
  net.run();
  assert.deepEqual(net.of(alice, 'intent-failed').map((f) => f.error.code), ['link-expired', 'link-rejected']);
  assert.equal(alice.engine.devices().length, 1, 'nothing was linked');
  // The new device gives up when the mailbox expires.
  assert.ok(offer.expiresAt > net.relay.now);
  net.relay.now = offer.expiresAt + 1;
  net.tick(offer.expiresAt + 1 - net.clock);
  assert.deepEqual(net.of(fresh, 'intent-failed').map((f) => f.error.code), ['link-expired']);
  assert.equal(fresh.engine.username, undefined);
});

test('a Welcome bringing a device a known contact never listed is never shown, and left once no removal came (ghost check with a cached list)', async () => {
  const { net, alice } = await aliceAndBob();
  const carol = await net.account('carol');
  // carol knows bob's list (they talk), so the ghost is a device missing from a cached list.
  const { actions } = carol.engine.createConversation(['bob']);
  net.perform(carol, actions);
  net.run();
  const suite = cipherSuite(DEFAULT_CIPHER_SUITE, nodeProvider);
  const now = BigInt(Math.floor(net.relay.now / 1000));
  const ghost = createKeyPackage(suite, { credential: credentialFor('bob', nodeProvider.randomBytes(16)), lifetime: { notBefore: now - 60n, notAfter: now + 3600n } });
  const claimed = net.relay.http({ kind: 'claim-key-packages', username: 'carol' }, undefined);
  assert.ok(claimed.ok);
  const carolKp = parseMLSMessage(parseClaimResponse(claimed.body).keyPackages[0]!.keyPackage);
  assert.ok(carolKp.wireFormat === 'mls_key_package');
  const policy = { validateCredential: () => true, now, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
  const added = addMembers(createGroup(suite, ghost), [carolKp.keyPackage], { policy });
  const carolDevice = Uint8Array.from(Buffer.from(carol.engine.deviceId!, 'hex'));
  const before = carol.engine.conversationIds().length;
  net.relay.frame(alice.engine.deviceId!, { type: 'send', requestId: 1, clientMessageId: new Uint8Array(16).fill(7), kind: 'welcome', epoch: 1, groupId: added.state.groupContext.groupId, recipients: [carolDevice], payload: added.welcome! });
  net.run();
  // Unlisted, not mislisted: it could be a device bob removed whose removal commit is on its
  // way (verify-members.ts AWAIT_REMOVAL_MS). Not shown, nothing sent, then left.
  assert.equal(carol.conversations.size, before, 'not shown');
  assert.equal(carol.failures.length, 0, 'no failure yet');
  net.perform(carol, carol.engine.handle({ type: 'tick', now: net.clock + AWAIT_REMOVAL_MS + 1_000 }));
  assert.equal(carol.engine.conversationIds().length, before, 'left');
  assert.deepEqual(carol.failures.map((f) => (f.type === 'member-unverified' ? [f.usernames, f.left] : f.type)), [[['bob'], true]]);
});

test('two devices of the account both try to add a third: one commits, the other finds nothing left to do', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const phone = net.link(alice, 'alice-phone');
  const tablet = net.client('alice-tablet');
  net.perform(tablet, tablet.engine.beginLink().actions);
  net.run();
  net.perform(alice, alice.engine.approveLink(net.of(tablet, 'link-offer')[0]!.code).actions);
  net.run();
  // Only the tablet's clock moves until it is ready: the others have not retried yet.
  for (let i = 0; i < 4 && !tablet.ready; i++) {
    net.clock += 2_000;
    net.perform(tablet, tablet.engine.handle({ type: 'tick', now: net.clock }));
    net.run();
  }
  assert.ok(tablet.ready && !tablet.engine.conversationIds().includes(id));
  const epoch = bob.engine.epochOf(id)!;
  // Both other devices refresh at the same moment and both try to add the tablet.
  net.perform(alice, alice.engine.refreshDevices().actions);
  net.perform(phone, phone.engine.refreshDevices().actions);
  net.run();
  assert.ok(tablet.engine.conversationIds().includes(id));
  const members = bob.conversations.get(id)!.members.filter((m) => m.username === 'alice').map((m) => m.deviceId).sort();
  assert.deepEqual(members, [alice.engine.deviceId!, phone.engine.deviceId!, tablet.engine.deviceId!].sort());
  net.perform(tablet, tablet.engine.send(id, 'tablet here').actions);
  net.run();
  for (const c of [alice, phone, bob]) assert.deepEqual(c.texts(id), ['tablet here'], c.name);
  assert.equal(bob.engine.epochOf(id), epoch + 1n, 'one commit added the tablet');
  assert.deepEqual([...alice.failures, ...phone.failures, ...bob.failures, ...tablet.failures], []);
});

test('restore of a multi-device account: its list is the linked one, no re-verification needed, sync keeps working', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const phone = net.link(alice, 'alice-phone');
  const groups = [...alice.saved.entries()].filter(([k]) => k.startsWith('group:')).map(([, v]) => v);
  const restored = Engine.restore({ provider: nodeProvider, now: net.clock, keyPackageTarget: 12 }, { account: alice.saved.get(`account:${alice.engine.deviceId!}`)!, groups });
  assert.deepEqual(restored.devices().map((d) => d.deviceId).sort(), [alice.engine.deviceId!, phone.engine.deviceId!].sort());
  // The restored engine takes over alice's laptop.
  const laptop = new Client('alice-restored', restored);
  net.clients.splice(net.clients.indexOf(alice), 1, laptop);
  alice.online = false;
  net.perform(laptop, restored.start());
  net.run();
  net.perform(bob, bob.engine.send(id, 'after restart').actions);
  net.run();
  assert.deepEqual(laptop.texts(id), ['after restart']);
  assert.deepEqual(phone.texts(id), ['after restart']);
  assert.deepEqual(laptop.failures, []);
});

test('the linking device goes offline before the new one is ready: another device of the account that missed the notice adds it after its READY refresh', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const phone = net.link(alice, 'alice-phone');
  net.offline(phone); // misses the devices-changed notice
  const tablet = net.client('alice-tablet');
  net.perform(tablet, tablet.engine.beginLink().actions);
  net.run();
  net.perform(alice, alice.engine.approveLink(net.of(tablet, 'link-offer')[0]!.code).actions);
  net.run();
  net.offline(alice);
  for (let i = 0; i < 4 && !tablet.ready; i++) net.tick(2_000);
  assert.ok(tablet.ready);
  for (let i = 0; i < 4; i++) net.tick(2_000);
  assert.ok(!tablet.engine.conversationIds().includes(id), 'nobody online knows of it yet');
  // The phone comes back: after its catch-up it fetches the list, finds the tablet and adds it.
  net.reconnect(phone);
  for (let i = 0; i < 8 && !tablet.engine.conversationIds().includes(id); i++) net.tick(2_000);
  assert.ok(tablet.engine.conversationIds().includes(id));
  net.perform(bob, bob.engine.send(id, 'to all of alice').actions);
  net.run();
  assert.deepEqual(tablet.texts(id), ['to all of alice']);
  assert.deepEqual(phone.texts(id), ['to all of alice']);
  // The laptop comes back: it catches up (the commit that added the tablet verifies against a refetched list).
  net.reconnect(alice);
  assert.deepEqual(alice.texts(id), ['to all of alice']);
  assert.deepEqual([...alice.failures, ...phone.failures, ...bob.failures, ...tablet.failures], []);
});

test('an online device of the account hears of a link at once (devices-changed notice) and adds the device when the linker cannot', async () => {
  const { net, alice, id } = await aliceAndBob();
  const phone = net.link(alice, 'alice-phone');
  const tablet = net.client('alice-tablet');
  net.perform(tablet, tablet.engine.beginLink().actions);
  net.run();
  net.perform(alice, alice.engine.approveLink(net.of(tablet, 'link-offer')[0]!.code).actions);
  net.run();
  assert.equal(net.of(phone, 'devices').at(-1)?.devices.length, 3, 'the phone learnt the new list from the notice, no tick needed');
  net.offline(alice);
  for (let i = 0; i < 12 && !tablet.engine.conversationIds().includes(id); i++) net.tick(2_000);
  assert.ok(tablet.engine.conversationIds().includes(id), 'the phone added it');
});

test('a change made from a stale copy of the list is applied again to the current one (no device dropped silently)', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const phone = net.link(alice, 'alice-phone');
  net.offline(alice);
  // The phone links a tablet while the laptop is away (its copy of the list is now stale).
  const tablet = net.client('alice-tablet');
  net.perform(tablet, tablet.engine.beginLink().actions);
  net.run();
  net.perform(phone, phone.engine.approveLink(net.of(tablet, 'link-offer')[0]!.code).actions);
  net.run();
  for (let i = 0; i < 8 && !tablet.engine.conversationIds().includes(id); i++) net.tick(2_000);
  assert.ok(tablet.engine.conversationIds().includes(id));
  // The laptop removes the phone from its stale copy: the relay refuses the version, the
  // laptop refetches and removes the phone from the current list, keeping the tablet.
  net.perform(alice, alice.engine.removeDevice(phone.engine.deviceId!).actions);
  net.run();
  const listed = net.relay.accounts.get('alice')!.devices.sort();
  assert.deepEqual(listed, [alice.engine.deviceId!, tablet.engine.deviceId!].sort());
  net.reconnect(alice);
  for (let i = 0; i < 4; i++) net.tick(2_000);
  const members = bob.conversations.get(id)!.members.filter((m) => m.username === 'alice').map((m) => m.deviceId).sort();
  assert.deepEqual(members, [alice.engine.deviceId!, tablet.engine.deviceId!].sort());
  assert.deepEqual([...alice.failures, ...bob.failures, ...tablet.failures], []);
});

test('a ghost claiming to be one of our own devices is removed before we send anything in the group', async () => {
  const net = new DeviceNetwork();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const suite = cipherSuite(DEFAULT_CIPHER_SUITE, nodeProvider);
  const now = BigInt(Math.floor(net.relay.now / 1000));
  const ghostId = nodeProvider.randomBytes(16);
  const ghost = createKeyPackage(suite, { credential: credentialFor('alice', ghostId), lifetime: { notBefore: now - 60n, notAfter: now + 3600n } });
  const claim = (username: string) => {
    const claimed = net.relay.http({ kind: 'claim-key-packages', username }, undefined);
    assert.ok(claimed.ok);
    const kp = parseMLSMessage(parseClaimResponse(claimed.body).keyPackages[0]!.keyPackage);
    assert.ok(kp.wireFormat === 'mls_key_package');
    return kp.keyPackage;
  };
  const policy = { validateCredential: () => true, now, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
  const added = addMembers(createGroup(suite, ghost), [claim('alice'), claim('bob')], { policy });
  const id = Buffer.from(added.state.groupContext.groupId).toString('hex');
  const aliceDevice = Uint8Array.from(Buffer.from(alice.engine.deviceId!, 'hex'));
  net.relay.epochs.set(id, 1); // the attacker's group as the relay orders it (the real one accepts an unknown group at any epoch)
  net.relay.frame(bob.engine.deviceId!, { type: 'send', requestId: 1, clientMessageId: new Uint8Array(16).fill(5), kind: 'welcome', epoch: 1, groupId: added.state.groupContext.groupId, recipients: [aliceDevice], payload: added.welcome! });
  net.run();
  assert.ok(alice.engine.conversationIds().includes(id), 'joined: the ghost is one of "our" devices, removed rather than fled');
  assert.ok(alice.engine.membersOf(id).some((m) => m.deviceId === Buffer.from(ghostId).toString('hex')));
  const epoch = alice.engine.epochOf(id)!;
  net.perform(alice, alice.engine.send(id, 'only after the ghost is gone').actions);
  net.run();
  assert.ok(!alice.engine.membersOf(id).some((m) => m.deviceId === Buffer.from(ghostId).toString('hex')), 'the ghost was removed');
  assert.equal(alice.engine.epochOf(id), epoch + 1n, 'by a commit before the text');
  assert.deepEqual(alice.failures, []);
});

test('linking twice at once, or on a device that has an account, is refused', async () => {
  const net = new DeviceNetwork();
  const alice = await net.account('alice');
  assert.throws(() => alice.engine.beginLink(), (e: unknown) => e instanceof EngineError && e.code === 'account-exists');
  const fresh = net.client('fresh');
  net.perform(fresh, fresh.engine.beginLink().actions);
  assert.throws(() => fresh.engine.beginLink(), (e: unknown) => e instanceof EngineError && e.code === 'account-exists');
  net.run();
  assert.equal(net.of(fresh, 'link-offer').length, 1);
});

test('a device removal whose list upload gets no answer (relay restarting) is tried again on the next tick, not failed', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const phone = net.link(alice, 'alice-phone');
  const phoneId = phone.engine.deviceId!;
  const real = net.relay.http.bind(net.relay);
  let dropped = 0;
  net.relay.http = (request, token) => {
    if (request.kind === 'put-device-list' && dropped === 0) {
      dropped++;
      return { ok: false, status: 0, code: 'unavailable' };
    }
    return real(request, token);
  };
  net.perform(alice, alice.engine.removeDevice(phoneId).actions);
  net.run();
  assert.equal(dropped, 1);
  assert.equal(net.relay.devices.has(phoneId), true, 'not revoked yet');
  assert.deepEqual(net.of(alice, 'intent-failed'), []);
  net.tick(1_000);
  assert.equal(net.relay.devices.has(phoneId), false, 'revoked by the retry');
  assert.ok(!bob.conversations.get(id)!.members.some((m) => m.deviceId === phoneId), 'removed from the group');
  assert.deepEqual(net.of(alice, 'intent-failed'), []);
  assert.deepEqual([...alice.failures, ...bob.failures], []);
});

test('a link whose mailbox creation gets no answer (relay restarting) asks again on the next tick, not failed', async () => {
  const net = new DeviceNetwork();
  await net.account('alice');
  const real = net.relay.http.bind(net.relay);
  let dropped = 0;
  net.relay.http = (request, token) => {
    if (request.kind === 'create-link' && dropped === 0) {
      dropped++;
      return { ok: false, status: 502, code: 'internal' };
    }
    return real(request, token);
  };
  const fresh = net.client('alice-phone');
  net.perform(fresh, fresh.engine.beginLink().actions);
  net.run();
  assert.equal(dropped, 1);
  assert.deepEqual(net.of(fresh, 'intent-failed'), []);
  assert.deepEqual(net.of(fresh, 'link-offer'), []);
  net.perform(fresh, fresh.engine.handle({ type: 'tick', now: net.clock + 1_000 }));
  net.run();
  assert.equal(net.of(fresh, 'link-offer').length, 1, 'the code is shown after the retry');
  assert.deepEqual(net.of(fresh, 'intent-failed'), []);
});

test('approving a link whose mailbox read gets no answer (relay restarting) reads it again on the next tick', async () => {
  const net = new DeviceNetwork();
  const alice = await net.account('alice');
  const fresh = net.client('alice-phone');
  net.perform(fresh, fresh.engine.beginLink().actions);
  net.run();
  const offer = net.of(fresh, 'link-offer')[0]!;
  const real = net.relay.http.bind(net.relay);
  let dropped = 0;
  net.relay.http = (request, token) => {
    if (request.kind === 'get-link' && token !== undefined && dropped === 0) {
      dropped++;
      return { ok: false, status: 0, code: 'unavailable' };
    }
    return real(request, token);
  };
  net.perform(alice, alice.engine.approveLink(offer.code).actions);
  net.run();
  assert.equal(dropped, 1);
  assert.deepEqual(net.of(alice, 'intent-failed'), []);
  for (let i = 0; i < 8 && !fresh.ready; i++) net.tick(2_000);
  assert.equal(net.of(alice, 'device-linked').length, 1);
  assert.ok(fresh.ready, 'the new device signed in');
  assert.deepEqual([...net.of(alice, 'intent-failed'), ...net.of(fresh, 'intent-failed')], []);
});

/** Bob's phone is removed (the relay revokes it) but bob's removal commit has not come yet when carol joins. */
async function joinDuringRemoval(): Promise<{ net: DeviceNetwork; alice: Client; bob: Client; carol: Client; id: string; phoneId: string }> {
  const { net, alice, bob, id } = await aliceAndBob();
  const carol = await net.account('carol');
  const phone = net.link(bob, 'bob-phone');
  const phoneId = phone.engine.deviceId!;
  net.perform(bob, bob.engine.removeDevice(phoneId).actions);
  assert.equal(net.relay.devices.has(phoneId), false, 'revoked at once');
  net.perform(alice, alice.engine.addMember(id, 'carol').actions);
  net.runExcept(bob);
  assert.ok(carol.engine.membersOf(id).some((m) => m.deviceId === phoneId), 'carol joined with the phone still in the group');
  return { net, alice, bob, carol, id, phoneId };
}

test('a member who joins while a contact removes a device waits for the removal commit instead of leaving (the device was listed before)', async () => {
  const { net, alice, bob, carol, id, phoneId } = await joinDuringRemoval();
  assert.deepEqual(carol.failures, [], 'not refused as a ghost');
  assert.deepEqual(carol.engine.conversationIds(), [id]);
  const early = carol.engine.send(id, 'written while the phone is still in');
  net.perform(carol, early.actions);
  net.runExcept(bob);
  assert.deepEqual(alice.texts(id), [], 'nothing goes out while a removed device is in the group');
  net.run();
  assert.ok(!carol.engine.membersOf(id).some((m) => m.deviceId === phoneId), 'the removal commit came');
  assert.deepEqual(alice.texts(id), ['written while the phone is still in']);
  assert.deepEqual(bob.texts(id), ['written while the phone is still in']);
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
});

test('texts of a conversation joined with a removed device still in it are shown only once its removal commit came; never if it does not come', async () => {
  for (const removalComes of [true, false]) {
    const { net, alice, bob, carol, id } = await joinDuringRemoval();
    net.perform(alice, alice.engine.send(id, 'hello carol').actions);
    net.runExcept(bob);
    assert.deepEqual(carol.texts(id), [], 'held while the removed device is in the group');
    if (removalComes) {
      net.run();
      assert.deepEqual(carol.texts(id), ['hello carol']);
      assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
    } else {
      net.perform(carol, carol.engine.handle({ type: 'tick', now: net.clock + AWAIT_REMOVAL_MS + 1_000 }));
      net.perform(carol, carol.engine.handle({ type: 'tick', now: net.clock + AWAIT_REMOVAL_MS + AHEAD_MAX_MS + 2_000 }));
      assert.deepEqual(carol.engine.conversationIds(), [], 'left');
      assert.deepEqual(carol.texts(id), [], 'never shown');
    }
  }
});

test('if the removal commit does not come within AWAIT_REMOVAL_MS, the joined conversation is left as before (fail closed)', async () => {
  const { net, carol, id } = await joinDuringRemoval();
  assert.deepEqual(carol.engine.conversationIds(), [id]);
  net.perform(carol, carol.engine.handle({ type: 'tick', now: net.clock + AWAIT_REMOVAL_MS + 1_000 }));
  assert.deepEqual(carol.engine.conversationIds(), [], 'left');
  assert.deepEqual(carol.failures.map((f) => (f.type === 'member-unverified' ? [f.usernames, f.left] : [f.type])), [[['bob'], true]]);
});

test('a link whose list upload landed but whose answer was lost completes on the retry (the device listed with its own key is ours)', async () => {
  const net = new DeviceNetwork();
  const alice = await net.account('alice');
  const fresh = net.client('alice-phone');
  net.perform(fresh, fresh.engine.beginLink().actions);
  net.run();
  const offer = net.of(fresh, 'link-offer')[0]!;
  const real = net.relay.http.bind(net.relay);
  let lost = 0;
  net.relay.http = (request, token) => {
    const outcome = real(request, token);
    if (request.kind === 'put-device-list' && lost === 0) {
      lost++;
      return { ok: false, status: 0, code: 'unavailable' }; // stored, but the answer never came
    }
    return outcome;
  };
  net.perform(alice, alice.engine.approveLink(offer.code).actions);
  net.run();
  assert.equal(lost, 1);
  for (let i = 0; i < 8 && !fresh.ready; i++) net.tick(2_000);
  assert.ok(fresh.ready, 'the new device signed in');
  assert.deepEqual([...net.of(alice, 'intent-failed'), ...net.of(fresh, 'intent-failed')], []);
  assert.equal(alice.engine.devices().length, 2);
});

test('a device removed while the commit adding it to a group is in flight is removed right after that commit lands', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const phone = net.client('alice-phone');
  net.perform(phone, phone.engine.beginLink().actions);
  net.run();
  net.perform(alice, alice.engine.approveLink(net.of(phone, 'link-offer')[0]!.code).actions);
  net.run();
  for (let i = 0; i < 4 && !phone.ready; i++) {
    net.clock += 2_000;
    net.perform(phone, phone.engine.handle({ type: 'tick', now: net.clock }));
    net.run();
  }
  assert.ok(phone.ready && !phone.engine.conversationIds().includes(id));
  const phoneId = phone.engine.deviceId!;
  // Alice's sync adds the phone; stop as soon as its commit is on the wire (the answer waits in her inbox).
  const isCommit = (a: { type: string; frame?: { type: string; kind?: string } }) => a.type === 'send-frame' && a.frame?.type === 'send' && a.frame.kind === 'commit';
  const commitsBefore = alice.all.filter(isCommit).length;
  net.perform(alice, alice.engine.refreshDevices().actions);
  for (let i = 0; i < 50 && alice.all.filter(isCommit).length === commitsBefore && alice.inbox.length > 0; i++) net.perform(alice, alice.engine.handle(alice.inbox.shift()!));
  assert.equal(alice.all.filter(isCommit).length, commitsBefore + 1, 'the commit adding the phone is in flight');
  // The phone is removed; the list upload's answer reaches alice before the commit's.
  net.perform(alice, alice.engine.removeDevice(phoneId).actions);
  alice.inbox.unshift(alice.inbox.pop()!);
  net.run();
  for (let i = 0; i < 3; i++) net.tick(2_000);
  assert.equal(net.relay.devices.has(phoneId), false, 'revoked');
  assert.ok(!alice.engine.membersOf(id).some((m) => m.deviceId === phoneId), 'removed from the group after all');
  assert.ok(!bob.engine.membersOf(id).some((m) => m.deviceId === phoneId));
  assert.equal(alice.engine.epochAuthenticatorOf(id), bob.engine.epochAuthenticatorOf(id));
  assert.deepEqual([...alice.failures, ...bob.failures], []);
});

/**
 * Alice approves a new device's code while the relay gives no answer to her first mailbox
 * answer (`seal-link`); `landed`: the answer was stored all the same (only the reply was lost).
 */
async function approveWithLostAnswer(landed: boolean): Promise<{ net: DeviceNetwork; alice: Client; fresh: Client; lost: number }> {
  const net = new DeviceNetwork();
  const alice = await net.account('alice');
  const fresh = net.client('alice-phone');
  net.perform(fresh, fresh.engine.beginLink().actions);
  net.run();
  const offer = net.of(fresh, 'link-offer')[0]!;
  const real = net.relay.http.bind(net.relay);
  let lost = 0;
  net.relay.http = (request, token) => {
    if (request.kind === 'seal-link' && lost === 0) {
      lost++;
      if (landed) real(request, token);
      return { ok: false, status: 0, code: 'unavailable' };
    }
    return real(request, token);
  };
  net.perform(alice, alice.engine.approveLink(offer.code).actions);
  net.run();
  for (let i = 0; i < 8 && !fresh.ready; i++) net.tick(2_000);
  return { net, alice, fresh, lost };
}

test('a link whose mailbox answer gets no answer (relay restarting) answers again on the next tick, not undone', async () => {
  const { net, alice, fresh, lost } = await approveWithLostAnswer(false);
  assert.equal(lost, 1);
  assert.ok(fresh.ready, 'the new device signed in');
  assert.equal(net.of(alice, 'device-linked').length, 1);
  assert.deepEqual([...net.of(alice, 'intent-failed'), ...net.of(fresh, 'intent-failed')], []);
  assert.equal(alice.engine.devices().length, 2);
});

test('a link whose mailbox answer landed but whose reply was lost completes (the retry finds it answered or taken)', async () => {
  const { net, alice, fresh, lost } = await approveWithLostAnswer(true);
  assert.equal(lost, 1);
  assert.ok(fresh.ready, 'the new device signed in');
  assert.equal(net.of(alice, 'device-linked').length, 1);
  assert.deepEqual([...net.of(alice, 'intent-failed'), ...net.of(fresh, 'intent-failed')], []);
  assert.equal(alice.engine.devices().length, 2, 'the new device stays listed');
});

test('a removal of our own goes out while we wait for a contact\'s removal commit (two people removing a device at once waited for each other)', async () => {
  const { net, alice, bob, id } = await aliceAndBob();
  const carol = await net.account('carol');
  await net.account('dave');
  net.perform(alice, alice.engine.addMembers(id, ['carol', 'dave']).actions);
  net.run();
  const alicePhone = net.link(alice, 'alice-phone');
  const bobPhone = net.link(bob, 'bob-phone');
  assert.ok(bobPhone.engine.conversationIds().includes(id) && alicePhone.engine.conversationIds().includes(id));
  // Bob removes his phone; his connection is failing, so his removal commit does not come yet.
  bob.online = false;
  net.perform(bob, bob.engine.removeDevice(bobPhone.engine.deviceId!).actions);
  net.run();
  // Alice learns bob's new list; the group moves on (carol removes dave): alice now waits for
  // bob's removal commit before sending anything there.
  net.perform(alice, alice.engine.lookupContact('bob').actions);
  net.run();
  net.perform(carol, carol.engine.removeMember(id, 'dave').actions);
  net.run();
  // Alice removes her own phone meanwhile: that commit must not wait for bob's.
  net.perform(alice, alice.engine.removeDevice(alicePhone.engine.deviceId!).actions);
  net.run();
  const members = () => carol.conversations.get(id)!.members.map((m) => m.deviceId);
  assert.ok(!members().includes(alicePhone.engine.deviceId!), "alice's phone removed at once");
  assert.ok(members().includes(bobPhone.engine.deviceId!));
  // Bob comes back: his removal goes out, and texts flow again.
  net.reconnect(bob);
  for (let i = 0; i < 3; i++) net.tick(1_000);
  assert.ok(!members().includes(bobPhone.engine.deviceId!));
  net.perform(alice, alice.engine.send(id, 'phones gone').actions);
  net.run();
  assert.deepEqual(bob.texts(id).at(-1), 'phones gone');
  assert.deepEqual(carol.texts(id).at(-1), 'phones gone');
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures], []);
});
