// Interoperability with an independent implementation (the npm package ts-mls 1.6.4) on
// suite 1 and on Sealed's default post-quantum suite (ts-mls configured with an X-Wing
// suite assembled from its own HPKE and @noble primitives, see ts-mls-xwing.ts): a group created by ts-mls is joined by Sealed via Welcome, and a Sealed member
// adds a ts-mls member; both kinds add, remove, update and exchange application messages
// in both directions, and every member's epoch authenticator agrees at every epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tsmls from 'ts-mls';
import { addMembers, processIncoming, processWelcome, removeMembers, selfUpdate } from '../../src/group/api.ts';
import { createKeyPackage } from '../../src/group/key-package.ts';
import { encryptApplication } from '../../src/group/send.ts';
import type { GroupState } from '../../src/group/state.ts';
import type { KeyPackage } from '../../src/structs/key-package.ts';
import { mlsMessageBytes, parseMLSMessage } from '../../src/structs/mls-message.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS, type LeafValidationPolicy } from '../../src/validation/leaf-node.ts';
import type { CipherSuite } from '../../src/crypto/cipher-suite.ts';
import { hexOf, PQ_SUITE, SUITE_1 } from './helpers.ts';
import { tsMlsXwingSuite } from './ts-mls-xwing.ts';

// ts-mls checks lifetimes against the real clock, so this test does too.
const now = BigInt(Math.floor(Date.now() / 1000));
const policy: LeafValidationPolicy = { validateCredential: () => true, now, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
const lifetime = { notBefore: now - 3600n, notAfter: now + 7n * 24n * 3600n };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function decodeTs(bytes: Uint8Array): tsmls.MLSMessage {
  const decoded = tsmls.decodeMlsMessage(bytes, 0);
  assert.ok(decoded !== undefined, 'ts-mls could not decode our message');
  return decoded[0];
}

function sealedKeyPackage(suite: CipherSuite, name: string): ReturnType<typeof createKeyPackage> {
  return createKeyPackage(suite, { credential: { type: 'basic', identity: text(name) }, lifetime });
}

async function interop(suite: CipherSuite, cs: tsmls.CiphersuiteImpl): Promise<void> {
  const tsLifetime = { notBefore: lifetime.notBefore, notAfter: lifetime.notAfter };
  const defaults = tsmls.defaultCapabilities();
  const capabilities = { ...defaults, ciphersuites: [...new Set([...defaults.ciphersuites, cs.name])] };
  const aliceKp = await tsmls.generateKeyPackage({ credentialType: 'basic', identity: text('alice') }, capabilities, tsLifetime, [], cs);
  let alice = await tsmls.createGroup(text('interop-group'), aliceKp.publicPackage, aliceKp.privatePackage, [], cs);

  // 1. ts-mls adds Sealed's Bob; Bob joins from the Welcome.
  const bobKp = sealedKeyPackage(suite, 'bob');
  const bobKpMessage = decodeTs(mlsMessageBytes({ wireFormat: 'mls_key_package', keyPackage: bobKp.keyPackage }));
  assert.equal(bobKpMessage.wireformat, 'mls_key_package');
  if (bobKpMessage.wireformat !== 'mls_key_package') return;
  const c1 = await tsmls.createCommit({ state: alice, cipherSuite: cs }, { extraProposals: [{ proposalType: 'add', add: { keyPackage: bobKpMessage.keyPackage } }], ratchetTreeExtension: true });
  alice = c1.newState;
  assert.ok(c1.welcome !== undefined);
  const welcomeBytes = tsmls.encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: c1.welcome });
  let bob: GroupState = processWelcome(welcomeBytes, bobKp, { suite, policy }).state;
  const agree = (label: string, ...sealed: GroupState[]): void => {
    const expected = hexOf(alice.keySchedule.epochAuthenticator);
    for (const s of sealed) assert.equal(hexOf(s.keys.epochAuthenticator), expected, label);
  };
  agree('after ts-mls added Sealed', bob);

  // 2. Application messages both ways.
  const fromBob = encryptApplication(bob, text('hello from Sealed'));
  const m1 = decodeTs(fromBob);
  assert.equal(m1.wireformat, 'mls_private_message');
  if (m1.wireformat !== 'mls_private_message') return;
  const r1 = await tsmls.processPrivateMessage(alice, m1.privateMessage, tsmls.emptyPskIndex, cs);
  assert.equal(r1.kind, 'applicationMessage');
  if (r1.kind === 'applicationMessage') assert.equal(new TextDecoder().decode(r1.message), 'hello from Sealed');
  alice = r1.newState;
  const fromAlice = await tsmls.createApplicationMessage(alice, text('hello from ts-mls'), cs);
  alice = fromAlice.newState;
  const r2 = processIncoming(bob, tsmls.encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: fromAlice.privateMessage }), { policy });
  assert.equal(r2.kind, 'application');
  if (r2.kind === 'application') assert.equal(new TextDecoder().decode(r2.data), 'hello from ts-mls');

  // 3. Sealed's Bob adds ts-mls's Carol; Alice processes the commit, Carol the Welcome.
  const carolKp = await tsmls.generateKeyPackage({ credentialType: 'basic', identity: text('carol') }, capabilities, tsLifetime, [], cs);
  const carolBytes = tsmls.encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: carolKp.publicPackage });
  const carolParsed = processIncomingKeyPackage(carolBytes);
  const c2 = addMembers(bob, [carolParsed], { policy, forcePath: true });
  const commitForTs = decodeTs(c2.commit);
  assert.equal(commitForTs.wireformat, 'mls_private_message');
  if (commitForTs.wireformat !== 'mls_private_message') return;
  const r3 = await tsmls.processPrivateMessage(alice, commitForTs.privateMessage, tsmls.emptyPskIndex, cs);
  alice = r3.newState;
  bob = c2.state;
  const welcome2 = decodeTs(c2.welcome!);
  assert.equal(welcome2.wireformat, 'mls_welcome');
  if (welcome2.wireformat !== 'mls_welcome') return;
  let carol = await tsmls.joinGroup(welcome2.welcome, carolKp.publicPackage, carolKp.privatePackage, tsmls.emptyPskIndex, cs);
  agree('after Sealed added ts-mls', bob);
  assert.equal(hexOf(carol.keySchedule.epochAuthenticator), hexOf(bob.keys.epochAuthenticator));

  // 4. Bob's self-update (UpdatePath from Sealed) processed by both ts-mls members.
  const c3 = selfUpdate(bob, { policy, wireFormat: 'mls_public_message' });
  bob = c3.state;
  const pub = decodeTs(c3.commit);
  assert.equal(pub.wireformat, 'mls_public_message');
  if (pub.wireformat !== 'mls_public_message') return;
  alice = (await tsmls.processPublicMessage(alice, pub.publicMessage, tsmls.emptyPskIndex, cs)).newState;
  carol = (await tsmls.processPublicMessage(carol, pub.publicMessage, tsmls.emptyPskIndex, cs)).newState;
  agree('after a Sealed update', bob);
  assert.equal(hexOf(carol.keySchedule.epochAuthenticator), hexOf(bob.keys.epochAuthenticator));

  // 5. ts-mls's Carol updates (UpdatePath from ts-mls), Sealed processes.
  const c4 = await tsmls.createCommit({ state: carol, cipherSuite: cs }, {});
  carol = c4.newState;
  const c4Bytes = tsmls.encodeMlsMessage(c4.commit);
  const r4 = processIncoming(bob, c4Bytes, { policy });
  assert.equal(r4.kind, 'commit');
  if (r4.kind === 'commit') bob = r4.state;
  const c4ts = decodeTs(c4Bytes);
  if (c4ts.wireformat === 'mls_private_message') alice = (await tsmls.processPrivateMessage(alice, c4ts.privateMessage, tsmls.emptyPskIndex, cs)).newState;
  else if (c4ts.wireformat === 'mls_public_message') alice = (await tsmls.processPublicMessage(alice, c4ts.publicMessage, tsmls.emptyPskIndex, cs)).newState;
  agree('after a ts-mls update', bob);

  // 6. Sealed removes ts-mls's Carol; ts-mls Alice follows.
  const c5 = removeMembers(bob, [2], { policy });
  bob = c5.state;
  const c5ts = decodeTs(c5.commit);
  if (c5ts.wireformat !== 'mls_private_message') return assert.fail('private commit expected');
  alice = (await tsmls.processPrivateMessage(alice, c5ts.privateMessage, tsmls.emptyPskIndex, cs)).newState;
  agree('after Sealed removed ts-mls', bob);

  // 7. ts-mls removes Sealed's Bob: Bob learns he is out.
  const c6 = await tsmls.createCommit({ state: alice, cipherSuite: cs }, { extraProposals: [{ proposalType: 'remove', remove: { removed: bob.own.leafIndex } }] });
  const r6 = processIncoming(bob, tsmls.encodeMlsMessage(c6.commit), { policy });
  assert.equal(r6.kind, 'removed');
}

test('interop with ts-mls 1.6.4, suite 1: Welcome both ways, commits, application messages, agreement', async () => {
  await interop(SUITE_1, await tsmls.getCiphersuiteImpl(tsmls.getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519')));
});

test('interop with ts-mls 1.6.4, MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 (X-Wing): the same scenario', async () => {
  await interop(PQ_SUITE, await tsMlsXwingSuite());
});

/** Sealed's parser reading a KeyPackage MLSMessage written by ts-mls. */
function processIncomingKeyPackage(bytes: Uint8Array): KeyPackage {
  const message = parseMLSMessage(bytes);
  if (message.wireFormat !== 'mls_key_package') throw new Error('not a key package');
  return message.keyPackage;
}
