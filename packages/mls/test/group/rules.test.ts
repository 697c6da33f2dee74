// Every rule of RFC 9420 §12-§13 that a receiver enforces: each test feeds a message that
// breaks one rule and checks the typed error and that the receiver's state did not change
// (its serialisation is byte-identical). Creating obeys the same rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import type { GroupErrorCode } from '../../src/group/errors.ts';
import { MAX_MESSAGE_BYTES } from '../../src/group/limits.ts';
import { processMessage } from '../../src/group/process.ts';
import { encryptApplication, propose, proposeUpdate } from '../../src/group/send.ts';
import { serializeGroupState } from '../../src/group/serialize.ts';
import type { GroupState } from '../../src/group/state.ts';
import { signContent } from '../../src/group/frame.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import type { Proposal } from '../../src/structs/proposals.ts';
import type { Commit } from '../../src/structs/commit.ts';
import { signFramedContent } from '../../src/protection/signing.ts';
import { joinFromWelcome } from '../../src/welcome/join.ts';
import { createKeyPackage } from '../../src/group/key-package.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { asPublicMessage, forgeCommit } from './forge.ts';
import { acceptAll, assertGroupError, hexOf, member, NOW, SUITE_1, type TestMember } from './helpers.ts';

const suite = SUITE_1;
const options = { policy: acceptAll };

/** Alice (leaf 0), Bob (leaf 1) and Carol (leaf 2) in one epoch. */
function threeMembers(): [TestMember, TestMember, TestMember] {
  const alice: TestMember = { name: 'alice', state: createGroup(suite, member(suite, 'alice')) };
  const bobKp = member(suite, 'bob');
  const carolKp = member(suite, 'carol');
  const c = createCommit(alice.state, { ...options, proposals: [{ type: 'add', keyPackage: bobKp.keyPackage }, { type: 'add', keyPackage: carolKp.keyPackage }] });
  alice.state = c.state;
  const w = parseMLSMessage(c.welcome!);
  if (w.wireFormat !== 'mls_welcome') throw new Error('not a welcome');
  const bob = { name: 'bob', state: joinFromWelcome({ suite, welcome: w.welcome, keyPackage: bobKp, policy: acceptAll }) };
  const carol = { name: 'carol', state: joinFromWelcome({ suite, welcome: w.welcome, keyPackage: carolKp, policy: acceptAll }) };
  return [alice, bob, carol];
}

/** `receiver` rejects `message` with `code` and its state is unchanged. */
function rejects(receiver: GroupState, message: Uint8Array, code: GroupErrorCode, processOptions = options): void {
  const before = serializeGroupState(receiver);
  assertGroupError(() => processMessage(receiver, message, processOptions), code);
  assert.deepEqual(serializeGroupState(receiver), before, 'state changed');
}

const nonce = (): Uint8Array => suite.provider.randomBytes(suite.Nh);
const psk = (id: string): Proposal => ({ type: 'psk', psk: { type: 'external', pskId: new TextEncoder().encode(id), pskNonce: nonce() } });
const gce: Proposal = { type: 'group_context_extensions', extensions: [] };

const listCases: [string, (a: GroupState, b: GroupState) => Commit, GroupErrorCode][] = [
  ['§12.4: a GroupContextExtensions-only commit without a path', () => ({ proposals: [{ type: 'proposal', proposal: gce }] }), 'path-required'],
  ['§12.4: a Remove-only commit without a path', () => ({ proposals: [{ type: 'proposal', proposal: { type: 'remove', removed: 2 } }] }), 'path-required'],
  ['§12.4: an empty commit without a path', () => ({ proposals: [] }), 'path-required'],
  ['§12.2: the committer removes itself', () => ({ proposals: [{ type: 'proposal', proposal: { type: 'remove', removed: 1 } }] }), 'committer-removed'],
  [
    '§12.2: the committer commits its own Update (by value)',
    (_a, b) => ({ proposals: [{ type: 'proposal', proposal: { type: 'update', leafNode: b.tree.leaf(1)! } }] }),
    'invalid-proposal-list',
  ],
  [
    '§12.2: two Removes of the same leaf',
    () => ({ proposals: [{ type: 'proposal', proposal: { type: 'remove', removed: 2 } }, { type: 'proposal', proposal: { type: 'remove', removed: 2 } }] }),
    'invalid-proposal-list',
  ],
  [
    '§12.2: two GroupContextExtensions',
    () => ({ proposals: [{ type: 'proposal', proposal: gce }, { type: 'proposal', proposal: gce }] }),
    'invalid-proposal-list',
  ],
  [
    '§12.2: a ReInit with another proposal',
    () => ({
      proposals: [
        { type: 'proposal', proposal: { type: 'reinit', groupId: new Uint8Array(8), version: 1, cipherSuite: 1, extensions: [] } },
        { type: 'proposal', proposal: psk('x') },
      ],
    }),
    'invalid-proposal-list',
  ],
  ['§12.2: an ExternalInit in a member commit', () => ({ proposals: [{ type: 'proposal', proposal: { type: 'external_init', kemOutput: new Uint8Array(32) } }] }), 'invalid-proposal-list'],
  [
    '§12.2: the same PSK twice',
    () => {
      const p = psk('same');
      return { proposals: [{ type: 'proposal', proposal: p }, { type: 'proposal', proposal: p }] };
    },
    'invalid-proposal-list',
  ],
  [
    '§12.1.4: a PSK nonce that is not Nh bytes',
    () => ({ proposals: [{ type: 'proposal', proposal: { type: 'psk', psk: { type: 'external', pskId: new Uint8Array(1), pskNonce: new Uint8Array(3) } } }] }),
    'invalid-proposal',
  ],
  [
    '§12.1.4: a resumption PSK with usage reinit outside a reinitialisation',
    (a) => ({
      proposals: [
        { type: 'proposal', proposal: { type: 'psk', psk: { type: 'resumption', usage: 'reinit', pskGroupId: a.groupContext.groupId, pskEpoch: 0n, pskNonce: nonce() } } },
      ],
    }),
    'invalid-proposal',
  ],
  ['§12.1.5: a ReInit to an older version', () => ({ proposals: [{ type: 'proposal', proposal: { type: 'reinit', groupId: new Uint8Array(8), version: 0, cipherSuite: 1, extensions: [] } }] }), 'invalid-proposal'],
  ['§12.1.3: a Remove of a blank leaf', () => ({ proposals: [{ type: 'proposal', proposal: { type: 'remove', removed: 3 } }] }), 'invalid-proposal'],
  ['§12.2: a proposal type nobody supports', () => ({ proposals: [{ type: 'proposal', proposal: { type: 'unknown', proposalType: 0x7777, data: new Uint8Array(2) } }] }), 'invalid-proposal'],
  ['§12.4: a reference to no proposal of this epoch', () => ({ proposals: [{ type: 'reference', reference: nonce() }] }), 'unknown-proposal-reference'],
  ['§12.4.2: a PSK the receiver does not have', () => ({ proposals: [{ type: 'proposal', proposal: psk('unknown') }] }), 'missing-psk'],
];

for (const [name, build, code] of listCases) {
  test(`rejects ${name} (${code})`, () => {
    const [alice, bob] = threeMembers();
    rejects(alice.state, forgeCommit(bob.state, build(alice.state, bob.state)), code);
    // PrivateMessage framing too: the handshake key is not consumed by a rejected commit.
    rejects(alice.state, forgeCommit(bob.state, build(alice.state, bob.state), 'mls_private_message'), code);
  });
}

test('rejects (§12.2) two Adds of the same client and an Add of a current member', () => {
  const [alice, bob] = threeMembers();
  const dave = member(suite, 'dave');
  const add = { type: 'proposal', proposal: { type: 'add', keyPackage: dave.keyPackage } } as const;
  rejects(alice.state, forgeCommit(bob.state, { proposals: [add, add] }), 'invalid-proposal-list');
  // Carol's signature key again, in a new KeyPackage: a client already in the group.
  const carolLeaf = alice.state.tree.leaf(2)!;
  const again = createKeyPackage(suite, {
    credential: carolLeaf.credential,
    signatureKeyPair: { publicKey: carolLeaf.signatureKey, privateKey: suite.provider.signatureGenerate(suite.signature).privateKey },
    lifetime: { notBefore: NOW - 10n, notAfter: NOW + 1000n },
  });
  rejects(alice.state, forgeCommit(bob.state, { proposals: [{ type: 'proposal', proposal: { type: 'add', keyPackage: again.keyPackage } }] }), 'invalid-proposal');
});

test('rejects (§10.1) an Add whose KeyPackage is of another cipher suite', () => {
  const [alice, bob] = threeMembers();
  const other = member(cipherSuite(3, suite.provider), 'eve');
  rejects(alice.state, forgeCommit(bob.state, { proposals: [{ type: 'proposal', proposal: { type: 'add', keyPackage: other.keyPackage } }] }), 'invalid-proposal');
});

test('a member cannot commit on behalf of another (§6.1 signature over the sender)', () => {
  const [alice, bob, carol] = threeMembers();
  // Bob builds the same commit claiming Carol's leaf, signs with his own key, MACs it validly.
  const content = { groupId: bob.state.groupContext.groupId, epoch: bob.state.groupContext.epoch, sender: { type: 'member', leafIndex: 2 } as const, authenticatedData: new Uint8Array(0), content: { type: 'commit', commit: { proposals: [] } } as const };
  const signed = signFramedContent(suite, 'mls_public_message', content, bob.state.groupContext, bob.state.own.signatureKey);
  const forged = asPublicMessage(bob.state, { ...signed, auth: { ...signed.auth, confirmationTag: new Uint8Array(suite.Nh) } });
  rejects(alice.state, forged, 'invalid-signature');
  // Carol, whose leaf is claimed, rejects it just the same: the signature is checked before anything else.
  rejects(carol.state, forged, 'invalid-signature');
});

test('rejects an altered confirmation tag, membership tag, or epoch; a commit applies once', () => {
  const [alice, bob] = threeMembers();
  const honest = createCommit(bob.state, { ...options, wireFormat: 'mls_public_message' });
  const parsed = parseMLSMessage(honest.commit);
  if (parsed.wireFormat !== 'mls_public_message') throw new Error('public expected');
  const pm = parsed.publicMessage;
  const withTag = (tag: Uint8Array): Uint8Array => asPublicMessage(bob.state, { wireFormat: 'mls_public_message', content: pm.content, auth: { ...pm.auth, confirmationTag: tag } });
  const badTag = pm.auth.confirmationTag!.slice();
  badTag[0]! ^= 1;
  rejects(alice.state, withTag(badTag), 'invalid-confirmation-tag');
  const badMac = honest.commit.slice();
  badMac[badMac.length - 1]! ^= 1;
  rejects(alice.state, badMac, 'invalid-membership-tag');
  const applied = processMessage(alice.state, honest.commit, options);
  assert.equal(applied.kind, 'commit');
  if (applied.kind === 'commit') rejects(applied.state, honest.commit, 'wrong-epoch');
});

test('a removed member cannot derive the next epoch (§12.4.2)', () => {
  const [alice, bob, carol] = threeMembers();
  const c = createCommit(alice.state, { ...options, proposals: [{ type: 'remove', removed: 1 }] });
  const result = processMessage(bob.state, c.commit, options);
  assert.equal(result.kind, 'removed');
  assert.ok(!('state' in result), 'no state for the new epoch');
  const carolResult = processMessage(carol.state, c.commit, options);
  assert.equal(carolResult.kind, 'commit');
  // Nothing of the new epoch opens with Bob's old state.
  rejects(bob.state, encryptApplication(c.state, new TextEncoder().encode('after removal')), 'wrong-epoch');
});

test('proposals: external senders need external_senders; Update only from members; no ExternalInit alone', () => {
  const [alice, bob] = threeMembers();
  const p = signContent(bob.state, { type: 'proposal', proposal: { type: 'remove', removed: 2 } }, 'mls_public_message', new Uint8Array(0));
  const external = { ...p, content: { ...p.content, sender: { type: 'external', senderIndex: 0 } as const } };
  rejects(alice.state, asPublicMessage(bob.state, external), 'unknown-sender');
  const ei = propose(bob.state, { type: 'remove', removed: 2 }, 'mls_public_message');
  assert.equal(processMessage(alice.state, ei.message, options).kind, 'proposal');
  assertGroupError(() => propose(bob.state, { type: 'external_init', kemOutput: new Uint8Array(32) }), 'invalid-proposal');
});

test('limits: oversized messages are refused before decoding; application data never as PublicMessage', () => {
  const [alice, bob] = threeMembers();
  rejects(alice.state, new Uint8Array(MAX_MESSAGE_BYTES + 1), 'message-too-large');
  rejects(alice.state, Uint8Array.of(0, 1, 0, 1, 0xff), 'malformed-message');
  const app = signContent(bob.state, { type: 'application', applicationData: new Uint8Array(3) }, 'mls_public_message', new Uint8Array(0));
  assert.throws(() => asPublicMessage(bob.state, app));
});

test('creating obeys the same rules', () => {
  const [alice] = threeMembers();
  assertGroupError(() => createCommit(alice.state, { ...options, proposals: [{ type: 'remove', removed: 0 }] }), 'committer-removed');
  const dave = member(suite, 'dave');
  const add: Proposal = { type: 'add', keyPackage: dave.keyPackage };
  assertGroupError(() => createCommit(alice.state, { ...options, proposals: [add, add] }), 'invalid-proposal-list');
  assertGroupError(() => createCommit(alice.state, { ...options, proposals: [gce, gce] }), 'invalid-proposal-list');
  assertGroupError(() => createCommit(alice.state, { ...options, proposals: [psk('missing')] }), 'missing-psk');
  // A GroupContextExtensions or Remove commit always carries a path.
  const removal = createCommit(alice.state, { ...options, proposals: [{ type: 'remove', removed: 2 }], wireFormat: 'mls_public_message' });
  const m = parseMLSMessage(removal.commit);
  assert.ok(m.wireFormat === 'mls_public_message' && m.publicMessage.content.content.type === 'commit' && m.publicMessage.content.content.commit.path !== undefined);
});

test('§4.1.2/§7.6: a new member counts for the filtered direct path but gets no ciphertext', () => {
  const alice = createGroup(suite, member(suite, 'alice'));
  const bob = member(suite, 'bob');
  const c = createCommit(alice, { ...options, proposals: [{ type: 'add', keyPackage: bob.keyPackage }], forcePath: true, wireFormat: 'mls_public_message' });
  const m = parseMLSMessage(c.commit);
  assert.ok(m.wireFormat === 'mls_public_message' && m.publicMessage.content.content.type === 'commit');
  const path = m.publicMessage.content.content.commit.path!;
  // Alice's direct path is the root, whose copath child is Bob's new leaf: one node, no ciphertext.
  assert.equal(path.nodes.length, 1);
  assert.equal(path.nodes[0]!.encryptedPathSecret.length, 0);
  const w = parseMLSMessage(c.welcome!);
  if (w.wireFormat !== 'mls_welcome') throw new Error('welcome expected');
  const joined = joinFromWelcome({ suite, welcome: w.welcome, keyPackage: bob, policy: acceptAll });
  assert.deepEqual(joined.keys.epochAuthenticator, c.state.keys.epochAuthenticator);
  assert.ok(joined.own.privateTree.privateKey(1) !== undefined, 'Bob learnt the root key from his path secret');
});

test('§12.4: a commit of pending proposals leaves out those that would make the list invalid, and the result is accepted', () => {
  const [alice, bob, carol] = threeMembers();
  // Valid on receipt, but not committable now: an extension nobody supports, alice's own removal.
  const unsupported = propose(bob.state, { type: 'group_context_extensions', extensions: [{ extensionType: 0xff00, extensionData: new Uint8Array(1) }] }, 'mls_public_message');
  const removeAlice = propose(unsupported.state, { type: 'remove', removed: 0 }, 'mls_public_message');
  // Carol's Update and Bob's Remove of Carol: §12.2 prefers the Remove.
  const carolUpdate = proposeUpdate(carol.state, 'mls_public_message');
  const removeCarol = propose(removeAlice.state, { type: 'remove', removed: 2 }, 'mls_public_message');
  let state = alice.state;
  for (const m of [unsupported.message, removeAlice.message, carolUpdate.message, removeCarol.message]) {
    const r = processMessage(state, m, options);
    assert.equal(r.kind, 'proposal');
    state = r.state;
  }
  const c = createCommit(state, { ...options, wireFormat: 'mls_public_message' });
  const m = parseMLSMessage(c.commit);
  assert.ok(m.wireFormat === 'mls_public_message' && m.publicMessage.content.content.type === 'commit');
  assert.deepEqual(
    m.publicMessage.content.content.commit.proposals.map((p) => (p.type === 'reference' ? hexOf(p.reference) : 'by value')),
    [hexOf(removeCarol.ref)],
  );
  assert.deepEqual(c.removed, [2]);
  assert.equal(c.state.groupContext.extensions.length, 0);
  // Bob, who holds the same proposals, accepts the commit.
  let bobState = removeCarol.state;
  const carolAtBob = processMessage(bobState, carolUpdate.message, options);
  assert.equal(carolAtBob.kind, 'proposal');
  bobState = carolAtBob.state;
  const applied = processMessage(bobState, c.commit, options);
  assert.equal(applied.kind, 'commit');
  if (applied.kind === 'commit') assert.deepEqual(applied.state.keys.epochAuthenticator, c.state.keys.epochAuthenticator);
  // Our own invalid proposals are still refused, not dropped.
  assertGroupError(() => createCommit(state, { ...options, proposals: [{ type: 'remove', removed: 0 }] }), 'committer-removed');
});
