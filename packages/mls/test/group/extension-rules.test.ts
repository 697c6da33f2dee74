// Extension-list and ReInit rules (RFC 9420 §12.1.5, §12.1.7, §13.4, §17.3), found missing by
// the decoder fuzzers: a GroupContext (proposed, in a Welcome's or an external joiner's
// GroupInfo, or a ReInit's) whose external_senders or required_capabilities body does not
// decode, that carries ratchet_tree (GroupInfo only), or repeats a type; a ReInit to a cipher
// suite or protocol version this code does not support; duplicated extension types in
// KeyPackages, LeafNodes and GroupInfos. Each is refused with a typed error and no state
// change when received, and refused when we would create it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import { GroupError, type GroupErrorCode } from '../../src/group/errors.ts';
import { createKeyPackage, type KeyPackageBundle } from '../../src/group/key-package.ts';
import { processMessage } from '../../src/group/process.ts';
import { propose } from '../../src/group/send.ts';
import { serializeGroupState } from '../../src/group/serialize.ts';
import type { GroupState } from '../../src/group/state.ts';
import { protect, signContent } from '../../src/group/frame.ts';
import { joinByExternalCommit } from '../../src/external/join.ts';
import { ExtensionType } from '../../src/structs/enums.ts';
import { type Extension, externalSendersExtension, requiredCapabilitiesExtension } from '../../src/structs/extensions.ts';
import type { GroupInfo } from '../../src/structs/group-info.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import type { Proposal } from '../../src/structs/proposals.ts';
import { ratchetTreeExtension } from '../../src/structs/ratchet-tree.ts';
import { createGroupInfo, createWelcome } from '../../src/welcome/create.ts';
import { signGroupInfo } from '../../src/welcome/group-info.ts';
import { joinFromWelcome, openWelcome } from '../../src/welcome/join.ts';
import { welcomeSecretOf } from '../../src/welcome/welcome-secrets.ts';
import { isValidationError, ValidationError } from '../../src/validation/errors.ts';
import { signKeyPackage } from '../../src/validation/key-package.ts';
import { signLeafNode } from '../../src/validation/leaf-node-signature.ts';
import { forgeCommit } from './forge.ts';
import { acceptAll, assertGroupError, member, NOW, SUITE_1 } from './helpers.ts';

const suite = SUITE_1;
const options = { policy: acceptAll };

/** Alice (leaf 0) and Bob (leaf 1), and Bob's KeyPackage (to forge Welcomes to him). */
function twoMembers(): { alice: GroupState; bob: GroupState; bobKp: KeyPackageBundle } {
  const bobKp = member(suite, 'bob');
  const c = createCommit(createGroup(suite, member(suite, 'alice')), { ...options, proposals: [{ type: 'add', keyPackage: bobKp.keyPackage }] });
  const w = parseMLSMessage(c.welcome!);
  if (w.wireFormat !== 'mls_welcome') throw new Error('not a welcome');
  return { alice: c.state, bob: joinFromWelcome({ suite, welcome: w.welcome, keyPackage: bobKp, policy: acceptAll }), bobKp };
}

/** `receiver` rejects `message` with `code` and its state is unchanged. */
function rejects(receiver: GroupState, message: Uint8Array, code: GroupErrorCode): void {
  const before = serializeGroupState(receiver);
  assertGroupError(() => processMessage(receiver, message, options), code);
  assert.deepEqual(serializeGroupState(receiver), before, 'state changed');
}

const validSenders = (): Extension =>
  externalSendersExtension([{ signatureKey: suite.provider.signatureGenerate(suite.signature).publicKey, credential: { type: 'basic', identity: new Uint8Array([1]) } }]);

/** GroupContext extension lists that are not valid, with what breaks. */
const badContexts = (state: GroupState): [string, Extension[]][] => [
  ['external_senders that does not decode (truncated)', [{ extensionType: ExtensionType.external_senders, extensionData: validSenders().extensionData.subarray(0, 10) }]],
  ['external_senders with trailing bytes', [{ extensionType: ExtensionType.external_senders, extensionData: Uint8Array.of(...validSenders().extensionData, 0) }]],
  ['required_capabilities that does not decode', [{ extensionType: ExtensionType.required_capabilities, extensionData: Uint8Array.of(5, 0) }]],
  ['a ratchet_tree extension (GroupInfo only)', [ratchetTreeExtension(state.tree.toNodes())]],
  ['an external_pub extension (GroupInfo only)', [{ extensionType: ExtensionType.external_pub, extensionData: Uint8Array.of(0) }]],
  ['an application_id extension (LeafNode only)', [{ extensionType: ExtensionType.application_id, extensionData: Uint8Array.of(0) }]],
  ['two external_senders extensions', [validSenders(), validSenders()]],
  ['a GREASE extension (§13.5: never in a GroupContext)', [{ extensionType: 0x3a3a, extensionData: Uint8Array.of(1, 2) }]],
];

const gce = (extensions: Extension[]): Proposal => ({ type: 'group_context_extensions', extensions });
const reinit = (cipherSuite: number, version = 1, extensions: Extension[] = []): Proposal => ({ type: 'reinit', groupId: new Uint8Array(8).fill(7), version, cipherSuite, extensions });

test('a valid GroupContextExtensions with external_senders and required_capabilities is accepted (the control case)', () => {
  const { alice, bob } = twoMembers();
  const good = gce([validSenders(), requiredCapabilitiesExtension({ extensionTypes: [], proposalTypes: [], credentialTypes: [1] })]);
  const sent = propose(bob, good, 'mls_public_message');
  assert.equal(processMessage(alice, sent.message, options).kind, 'proposal');
  const c = createCommit(bob, { ...options, proposals: [good] });
  const applied = processMessage(alice, c.commit, options);
  assert.equal(applied.kind, 'commit');
  if (applied.kind === 'commit') assert.equal(applied.state.groupContext.extensions.length, 2);
});

for (const [what, extensions] of badContexts(twoMembers().alice)) {
  test(`§12.1.7/§13.4: a GroupContextExtensions with ${what} is refused, received or created`, () => {
    const { alice, bob } = twoMembers();
    // Received as a proposal (signed and MACed by Bob, so only the rule can reject it) and inside a commit.
    const authenticated = signContent(bob, { type: 'proposal', proposal: gce(extensions) }, 'mls_public_message', new Uint8Array(0));
    rejects(alice, protect(bob, authenticated), 'invalid-proposal');
    rejects(alice, forgeCommit(bob, { proposals: [{ type: 'proposal', proposal: gce(extensions) }] }), 'invalid-proposal');
    rejects(alice, forgeCommit(bob, { proposals: [{ type: 'proposal', proposal: gce(extensions) }] }, 'mls_private_message'), 'invalid-proposal');
    // Created: neither proposed nor committed, nor used for a new group.
    assertGroupError(() => propose(bob, gce(extensions)), 'invalid-proposal');
    assertGroupError(() => createCommit(bob, { ...options, proposals: [gce(extensions)] }), 'invalid-proposal');
    assertGroupError(() => createGroup(suite, member(suite, 'carol'), { extensions }), 'invalid-extensions');
  });
}

/** A Welcome to Bob's KeyPackage whose GroupInfo (validly signed by Alice) is `edit`ed. */
function forgedWelcome(alice: GroupState, bobKp: KeyPackageBundle, edit: (gi: GroupInfo) => GroupInfo): ReturnType<typeof createWelcome> {
  const honest = createCommit(alice, { ...options, proposals: [{ type: 'add', keyPackage: bobKp.keyPackage }] });
  const w = parseMLSMessage(honest.welcome!);
  if (w.wireFormat !== 'mls_welcome') throw new Error('not a welcome');
  const opened = openWelcome(suite, w.welcome, bobKp);
  const edited = edit(opened.groupInfo);
  const { signature: _s, ...tbs } = edited;
  const resigned = signGroupInfo(suite, honest.state.own.signatureKey, tbs);
  const joinerSecret = opened.groupSecrets.joinerSecret;
  return createWelcome(suite, resigned, { joinerSecret, welcomeSecret: welcomeSecretOf(suite, joinerSecret, undefined) }, [], [{ keyPackage: bobKp.keyPackage, pathSecret: undefined }]);
}

test('§12.4.3.1/§13.4: a Welcome or external-join GroupInfo whose GroupContext extensions are invalid is refused', () => {
  const alice = createGroup(suite, member(suite, 'alice'));
  for (const [what, extensions] of badContexts(alice)) {
    const bobKp = member(suite, 'bob');
    const withContext = (gi: GroupInfo): GroupInfo => ({ ...gi, groupContext: { ...gi.groupContext, extensions } });
    // The control: the same re-signed, re-encrypted Welcome with the honest extensions joins.
    assert.equal(joinFromWelcome({ suite, welcome: forgedWelcome(alice, bobKp, (gi) => gi), keyPackage: bobKp, policy: acceptAll }).groupContext.epoch, 1n);
    assert.throws(
      () => joinFromWelcome({ suite, welcome: forgedWelcome(alice, bobKp, withContext), keyPackage: bobKp, policy: acceptAll }),
      (e: unknown) => e instanceof GroupError && e.code === 'invalid-group-info' && e.cause instanceof ValidationError,
      what,
    );
    const info = createGroupInfo(alice, { withExternalPub: true });
    const { signature: _s, ...tbs } = withContext(info);
    const forged = signGroupInfo(suite, alice.own.signatureKey, tbs);
    const joiner = suite.provider.signatureGenerate(suite.signature);
    const external = { suite, policy: acceptAll, credential: { type: 'basic', identity: new Uint8Array([9]) } as const, signatureKeyPair: joiner };
    assertGroupError(() => joinByExternalCommit({ ...external, groupInfo: forged }), 'invalid-group-info');
    assert.equal(joinByExternalCommit({ ...external, groupInfo: info }).state.groupContext.epoch, 1n, `${what}: the honest GroupInfo joins`);
  }
});

test('§13.4: a GroupInfo with two extensions of one type is refused', () => {
  const alice = createGroup(suite, member(suite, 'alice'));
  const bobKp = member(suite, 'bob');
  const twice = (gi: GroupInfo): GroupInfo => ({ ...gi, extensions: [...gi.extensions, { extensionType: 0x0a0a, extensionData: new Uint8Array(0) }, { extensionType: 0x0a0a, extensionData: new Uint8Array(1) }] });
  assertGroupError(() => joinFromWelcome({ suite, welcome: forgedWelcome(alice, bobKp, twice), keyPackage: bobKp, policy: acceptAll }), 'invalid-group-info');
});

const unsupportedReinits: [string, Proposal][] = [
  ['an unknown cipher suite (0x7777)', reinit(0x7777)],
  ['the reserved cipher suite 0', reinit(0)],
  ['an unknown protocol version (2)', reinit(1, 2)],
  ['a future protocol version (0xffff)', reinit(1, 0xffff)],
  ['GroupContext extensions that do not decode', reinit(1, 1, [{ extensionType: ExtensionType.external_senders, extensionData: Uint8Array.of(9) }])],
  ['a ratchet_tree among its GroupContext extensions', reinit(1, 1, [{ extensionType: ExtensionType.ratchet_tree, extensionData: Uint8Array.of(0) }])],
];

for (const [what, proposal] of unsupportedReinits) {
  test(`§12.1.5: a ReInit to ${what} is refused, received or created`, () => {
    const { alice, bob } = twoMembers();
    const authenticated = signContent(bob, { type: 'proposal', proposal }, 'mls_public_message', new Uint8Array(0));
    rejects(alice, protect(bob, authenticated), 'invalid-proposal');
    rejects(alice, forgeCommit(bob, { proposals: [{ type: 'proposal', proposal }] }), 'invalid-proposal');
    assertGroupError(() => propose(bob, proposal), 'invalid-proposal');
    assertGroupError(() => createCommit(bob, { ...options, proposals: [proposal] }), 'invalid-proposal');
  });
}

test('§12.1.5: a ReInit to a supported suite (0xF0A1 from suite 1) is accepted (the control case)', () => {
  const { alice, bob } = twoMembers();
  const sent = propose(bob, reinit(0xf0a1, 1, [validSenders()]), 'mls_public_message');
  assert.equal(processMessage(alice, sent.message, options).kind, 'proposal');
});

test('§13.4: KeyPackages and LeafNodes with a repeated extension type are refused in an Add and never created', () => {
  const { alice, bob } = twoMembers();
  const grease = (n: number): Extension => ({ extensionType: 0x1a1a, extensionData: new Uint8Array(n) });
  const appId = (n: number): Extension => ({ extensionType: ExtensionType.application_id, extensionData: Uint8Array.of(1, n) });
  const lifetime = { notBefore: NOW - 10n, notAfter: NOW + 1000n };
  const credential = { type: 'basic', identity: new Uint8Array([4]) } as const;
  assert.throws(() => createKeyPackage(suite, { credential, lifetime, keyPackageExtensions: [grease(0), grease(1)] }), (e) => isValidationError(e, 'duplicate-extension'));
  assert.throws(() => createKeyPackage(suite, { credential, lifetime, leafExtensions: [appId(0), appId(1)] }), (e) => isValidationError(e, 'duplicate-extension'));

  const base = createKeyPackage(suite, { credential, lifetime });
  const signer = base.signaturePrivateKey;
  const kpTwice = signKeyPackage(suite, signer, { ...base.keyPackage, extensions: [grease(0), grease(1)] });
  const { signature: _l, ...leafTbs } = base.keyPackage.leafNode;
  const leafTwice = signLeafNode(suite, signer, { ...leafTbs, extensions: [appId(0), appId(1)] });
  const kpLeafTwice = signKeyPackage(suite, signer, { ...base.keyPackage, leafNode: leafTwice });
  for (const keyPackage of [kpTwice, kpLeafTwice]) {
    rejects(alice, forgeCommit(bob, { proposals: [{ type: 'proposal', proposal: { type: 'add', keyPackage } }] }), 'invalid-proposal');
    assertGroupError(() => createCommit(bob, { ...options, proposals: [{ type: 'add', keyPackage }] }), 'invalid-proposal');
  }
  // The same KeyPackage without the repetition is fine.
  assert.equal(processMessage(alice, createCommit(bob, { ...options, proposals: [{ type: 'add', keyPackage: base.keyPackage }] }).commit, options).kind, 'commit');
});

test('§7.2/§13.5: a LeafNode carrying a GREASE extension must list it in its capabilities', () => {
  const { alice, bob } = twoMembers();
  const grease: Extension = { extensionType: 0x2a2a, extensionData: Uint8Array.of(9) };
  const lifetime = { notBefore: NOW - 10n, notAfter: NOW + 1000n };
  const credential = { type: 'basic', identity: new Uint8Array([5]) } as const;
  assert.throws(() => createKeyPackage(suite, { credential, lifetime, leafExtensions: [grease] }), (e) => isValidationError(e, 'extension-not-in-capabilities'));
  // The same leaf signed by hand (a peer that does not list it) is refused in an Add, received or created.
  const base = createKeyPackage(suite, { credential, lifetime });
  const { signature: _l, ...leafTbs } = base.keyPackage.leafNode;
  const unlisted = signKeyPackage(suite, base.signaturePrivateKey, { ...base.keyPackage, leafNode: signLeafNode(suite, base.signaturePrivateKey, { ...leafTbs, extensions: [grease] }) });
  rejects(alice, forgeCommit(bob, { proposals: [{ type: 'proposal', proposal: { type: 'add', keyPackage: unlisted } }] }), 'invalid-proposal');
  assertGroupError(() => createCommit(bob, { ...options, proposals: [{ type: 'add', keyPackage: unlisted }] }), 'invalid-proposal');
  // Listed, it is fine; GREASE in KeyPackage.extensions needs no listing (receivers ignore it).
  const listed = createKeyPackage(suite, { credential, lifetime, leafExtensions: [grease], capabilities: { extensions: [0x2a2a] }, keyPackageExtensions: [{ extensionType: 0x4a4a, extensionData: new Uint8Array(3) }] });
  assert.equal(processMessage(alice, createCommit(bob, { ...options, proposals: [{ type: 'add', keyPackage: listed.keyPackage }] }).commit, options).kind, 'commit');
});
