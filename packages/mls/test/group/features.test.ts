// Proposal kinds and group features through the group API (RFC 9420 §12.1.4-§12.1.8, §8.6,
// §11.2): PSKs (external and resumption), GroupContextExtensions with required
// capabilities, ReInit, external senders, new-member proposals, own commits echoed back,
// and the bound on past epochs kept for late messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addMembers, commitPending, processIncoming, processWelcome, removeMembers, selfUpdate } from '../../src/group/api.ts';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import { MAX_PAST_EPOCHS } from '../../src/group/limits.ts';
import { encryptApplication } from '../../src/group/send.ts';
import { protectPublicMessage } from '../../src/protection/public-message.ts';
import { signFramedContent } from '../../src/protection/signing.ts';
import { encode } from '../../src/codec/writer.ts';
import { externalSendersExtension, requiredCapabilitiesExtension } from '../../src/structs/extensions.ts';
import { encodeMLSMessage } from '../../src/structs/mls-message.ts';
import type { FramedContent } from '../../src/structs/framing.ts';
import type { PskResolver } from '../../src/group/psks.ts';
import { acceptAll, assertAgree, assertGroupError, member, SUITE_1, type TestMember } from './helpers.ts';

const suite = SUITE_1;
const options = { policy: acceptAll };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function pair(extensions: Parameters<typeof createGroup>[2] = {}): [TestMember, TestMember] {
  const alice: TestMember = { name: 'alice', state: createGroup(suite, member(suite, 'alice'), extensions) };
  const bobKp = member(suite, 'bob');
  const c = addMembers(alice.state, [bobKp.keyPackage], options);
  alice.state = c.state;
  const joined = processWelcome(c.welcome!, bobKp, { suite, policy: acceptAll });
  assert.equal(joined.kind, 'welcome-joined');
  return [alice, { name: 'bob', state: joined.state }];
}

function apply(m: TestMember, message: Uint8Array, resolvePsk?: PskResolver): void {
  const r = processIncoming(m.state, message, { policy: acceptAll, resolvePsk });
  assert.ok(r.kind === 'commit' || r.kind === 'proposal', `${m.name}: ${r.kind}`);
  m.state = r.state;
}

test('external and resumption PSKs are injected and must be available (§8.4, §8.6, §12.1.4)', () => {
  const [alice, bob] = pair();
  const id = text('shared psk');
  const secret = suite.provider.randomBytes(32);
  const resolvePsk: PskResolver = (p) => (p.type === 'external' && p.pskId.length === id.length && p.pskId.every((b, i) => b === id[i]) ? secret : undefined);
  const external = { type: 'psk', psk: { type: 'external', pskId: id, pskNonce: suite.provider.randomBytes(suite.Nh) } } as const;
  const c1 = createCommit(alice.state, { ...options, proposals: [external], resolvePsk });
  assertGroupError(() => processIncoming(bob.state, c1.commit, options), 'missing-psk');
  apply(bob, c1.commit, resolvePsk);
  alice.state = c1.state;
  assertAgree([alice, bob]);
  // A resumption PSK of the previous epoch of this very group, found in the state.
  const resumption = { type: 'psk', psk: { type: 'resumption', usage: 'application', pskGroupId: alice.state.groupContext.groupId, pskEpoch: alice.state.groupContext.epoch - 1n, pskNonce: suite.provider.randomBytes(suite.Nh) } } as const;
  const c2 = createCommit(alice.state, { ...options, proposals: [resumption] });
  apply(bob, c2.commit);
  alice.state = c2.state;
  assertAgree([alice, bob]);
});

test('GroupContextExtensions must be supported by every member (§12.1.7, §11.1)', () => {
  const [alice, bob] = pair();
  const required = requiredCapabilitiesExtension({ extensionTypes: [], proposalTypes: [], credentialTypes: [2] });
  // Bob's leaf lacks x509 (2): every member must support the new extensions.
  assertGroupError(() => createCommit(alice.state, { ...options, proposals: [{ type: 'group_context_extensions', extensions: [required] }] }), 'invalid-proposal');
  const ok = requiredCapabilitiesExtension({ extensionTypes: [], proposalTypes: [], credentialTypes: [1] });
  const c = createCommit(alice.state, { ...options, proposals: [{ type: 'group_context_extensions', extensions: [ok] }] });
  apply(bob, c.commit);
  alice.state = c.state;
  assertAgree([alice, bob]);
  assert.equal(alice.state.groupContext.extensions.length, 1);
});

test('ReInit: after the commit the group refuses to send or process (§12.4.2, §11.2)', () => {
  const [alice, bob] = pair();
  const c = createCommit(alice.state, { ...options, proposals: [{ type: 'reinit', groupId: suite.provider.randomBytes(32), version: 1, cipherSuite: 1, extensions: [] }] });
  apply(bob, c.commit);
  assertGroupError(() => encryptApplication(bob.state, text('x')), 'reinit-pending');
  assertGroupError(() => createCommit(c.state, options), 'reinit-pending');
  assertGroupError(() => processIncoming(bob.state, encryptApplication(alice.state, text('y')), options), 'reinit-pending');
});

test('an external sender listed in external_senders may propose; a new member may propose its own Add (§12.1.8)', () => {
  const server = suite.provider.signatureGenerate(suite.signature);
  const [alice, bob] = pair({ extensions: [externalSendersExtension([{ signatureKey: server.publicKey, credential: { type: 'basic', identity: text('server') } }])] });
  const frame = (content: FramedContent, key: Uint8Array): Uint8Array => {
    const signed = signFramedContent(suite, 'mls_public_message', content, alice.state.groupContext, key);
    return encode(encodeMLSMessage, { wireFormat: 'mls_public_message', publicMessage: protectPublicMessage(suite, signed, alice.state.groupContext, new Uint8Array(0)) });
  };
  const base = { groupId: alice.state.groupContext.groupId, epoch: alice.state.groupContext.epoch, authenticatedData: new Uint8Array(0) };
  const removal = frame({ ...base, sender: { type: 'external', senderIndex: 0 }, content: { type: 'proposal', proposal: { type: 'remove', removed: 1 } } }, server.privateKey);
  apply(alice, removal);
  const carol = member(suite, 'carol');
  const selfAdd = frame({ ...base, sender: { type: 'new_member_proposal' }, content: { type: 'proposal', proposal: { type: 'add', keyPackage: carol.keyPackage } } }, carol.signaturePrivateKey);
  apply(alice, selfAdd);
  // A new member may not propose anything but its Add.
  const bad = frame({ ...base, sender: { type: 'new_member_proposal' }, content: { type: 'proposal', proposal: { type: 'remove', removed: 0 } } }, carol.signaturePrivateKey);
  assertGroupError(() => processIncoming(alice.state, bad, options), 'unknown-sender');
  const c = commitPending(alice.state, options);
  assert.deepEqual(c.removed, [1]);
  assert.equal(c.added.length, 1);
  const joined = processWelcome(c.welcome!, carol, { suite, policy: acceptAll });
  assertAgree([{ name: 'alice', state: c.state }, { name: 'carol', state: joined.state }]);
  void bob;
});

test('our own commit echoed back is refused with own-commit; remove and self-update helpers', () => {
  const [alice, bob] = pair();
  const c = selfUpdate(alice.state, { ...options, wireFormat: 'mls_public_message' });
  assertGroupError(() => processIncoming(alice.state, c.commit, options), 'own-commit');
  // As a PrivateMessage our own handshake key is already used up: it cannot be opened again.
  const p = selfUpdate(alice.state, options);
  assertGroupError(() => processIncoming(alice.state, p.commit, options), 'replayed-message');
  apply(bob, c.commit);
  alice.state = c.state;
  const r = removeMembers(alice.state, [1], options);
  assert.equal(processIncoming(bob.state, r.commit, options).kind, 'removed');
});

test(`late application messages are kept for MAX_PAST_EPOCHS (${MAX_PAST_EPOCHS}) epochs only`, () => {
  const [alice, bob] = pair();
  const early = encryptApplication(bob.state, text('old'));
  const late = encryptApplication(bob.state, text('older still'));
  for (let i = 0; i < MAX_PAST_EPOCHS; i++) alice.state = selfUpdate(alice.state, options).state;
  assert.equal(processIncoming(alice.state, early, options).kind, 'application');
  alice.state = selfUpdate(alice.state, options).state;
  assert.equal(alice.state.pastEpochs.length, MAX_PAST_EPOCHS);
  assertGroupError(() => processIncoming(alice.state, late, options), 'wrong-epoch');
});
