// The struct-level rules of RFC 9420 that the codec enforces, each with input that breaks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors } from '../../../../tools/testvectors.ts';
import { DecodeError, type DecodeErrorCode } from '../../src/codec/errors.ts';
import { decode } from '../../src/codec/reader.ts';
import { encode, Writer } from '../../src/codec/writer.ts';
import { commitBytes, parseCommit } from '../../src/structs/commit.ts';
import { type Credential, decodeCredential, encodeCredential } from '../../src/structs/credential.ts';
import { ExtensionType, GREASE_VALUES, isGrease } from '../../src/structs/enums.ts';
import {
  type Extension,
  applicationIdExtension,
  externalPubExtension,
  externalSendersExtension,
  parseApplicationId,
  parseExternalPub,
  parseExternalSenders,
  parseRequiredCapabilities,
  requiredCapabilitiesExtension,
} from '../../src/structs/extensions.ts';
import {
  type FramedContent,
  authenticatedContentBytes,
  encodeFramedContentAuthData,
  encodeFramedContentTBS,
  encodePublicMessage,
  encodeSenderData,
  parseAuthenticatedContent,
  parsePrivateMessageContent,
  privateMessageContentBytes,
} from '../../src/structs/framing.ts';
import { parseGroupContext } from '../../src/structs/group-context.ts';
import { keyPackageBytes, parseKeyPackage } from '../../src/structs/key-package.ts';
import { encodeLeafNodeTBS, leafNodeContent } from '../../src/structs/leaf-node.ts';
import {
  MAX_CREDENTIAL_IDENTITY_BYTES,
  MAX_EXTENSIONS,
  MAX_HASH_BYTES,
  MAX_PROPOSALS_PER_COMMIT,
  MAX_RATCHET_TREE_NODES,
  MAX_SENDER_DATA_CIPHERTEXT_BYTES,
} from '../../src/structs/limits.ts';
import { mlsMessageBytes, parseMLSMessage } from '../../src/structs/mls-message.ts';
import { type Proposal, parseProposal, proposalBytes } from '../../src/structs/proposals.ts';
import { type Node, encodeNode, parseRatchetTree } from '../../src/structs/ratchet-tree.ts';

function rejects(f: () => unknown, code: DecodeErrorCode): void {
  assert.throws(f, (error: unknown) => error instanceof DecodeError && error.code === code);
}

const varint = (n: number): Uint8Array => new Writer().varint(n).finish();
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
const vectorOf = (body: Uint8Array): Uint8Array => cat(varint(body.length), body);

const vectors = loadVectors<Record<string, string>[]>('mls/messages.json');
const message = parseMLSMessage(hex(vectors[0]!.mls_key_package!));
assert.ok(message.wireFormat === 'mls_key_package');
const keyPackage = message.keyPackage;
const leaf = keyPackage.leafNode;

test('MLSMessage: the version is read first; any but mls10 is unknown-version and nothing more is read', () => {
  for (const version of [0, 2, 0x0100, 0xffff]) {
    rejects(() => parseMLSMessage(Uint8Array.of(version >> 8, version & 0xff)), 'unknown-version');
    rejects(() => parseMLSMessage(Uint8Array.of(version >> 8, version & 0xff, 0, 1, 0xff, 0xff)), 'unknown-version');
  }
  rejects(() => parseMLSMessage(Uint8Array.of(0)), 'truncated');
  for (const wireFormat of [0, 6, 0xffff]) rejects(() => parseMLSMessage(Uint8Array.of(0, 1, wireFormat >> 8, wireFormat & 0xff)), 'invalid-value');
});

test('PrivateMessageContent: padding must be all zeros (§6.3.1)', () => {
  const content = { content: { type: 'application' as const, applicationData: Uint8Array.of(1, 2, 3) }, auth: { signature: Uint8Array.of(9) }, paddingLength: 7 };
  const bytes = privateMessageContentBytes(content);
  assert.deepEqual(bytes.subarray(bytes.length - 7), new Uint8Array(7));
  assert.deepEqual(parsePrivateMessageContent(bytes, 'application'), content);
  for (let i = bytes.length - 7; i < bytes.length; i++) {
    const bad = bytes.slice();
    bad[i] = 0x80;
    rejects(() => parsePrivateMessageContent(bad, 'application'), 'invalid-value');
  }
});

test('ratchet_tree: not empty, last node not blank, leaves at even and parents at odd positions (§12.4.3.3)', () => {
  const leafNode: Node = { type: 'leaf', leafNode: leaf };
  const parentNode: Node = { type: 'parent', parentNode: { encryptionKey: Uint8Array.of(1), parentHash: new Uint8Array(0), unmergedLeaves: [] } };
  const tree = (nodes: readonly (Node | undefined)[]): Uint8Array => encode((w, list: typeof nodes) => w.vector(list, (x, n) => x.optional(n, encodeNode)), nodes);
  assert.equal(parseRatchetTree(tree([leafNode])).length, 1);
  assert.deepEqual(parseRatchetTree(tree([leafNode, undefined, undefined, parentNode, leafNode])), [leafNode, undefined, undefined, parentNode, leafNode]);
  rejects(() => parseRatchetTree(tree([])), 'invalid-value');
  rejects(() => parseRatchetTree(tree([leafNode, undefined])), 'invalid-value');
  rejects(() => parseRatchetTree(tree([leafNode, parentNode, undefined])), 'invalid-value');
  rejects(() => parseRatchetTree(tree([parentNode])), 'invalid-value');
  rejects(() => parseRatchetTree(tree([leafNode, leafNode])), 'invalid-value');
  rejects(() => parseRatchetTree(tree([leafNode, parentNode, parentNode])), 'invalid-value');
  // More entries than MAX_RATCHET_TREE_NODES (blank ones, one byte each) is refused while counting.
  rejects(() => parseRatchetTree(vectorOf(new Uint8Array(MAX_RATCHET_TREE_NODES + 1))), 'too-large');
});

test('GREASE and unknown extension types round-trip in LeafNode capabilities and extensions and KeyPackage extensions (§13.5)', () => {
  assert.equal(GREASE_VALUES.length, 15);
  assert.ok(GREASE_VALUES.every(isGrease) && !isGrease(0xfafa) && !isGrease(ExtensionType.ratchet_tree));
  const extra: Extension[] = [
    ...GREASE_VALUES.slice(0, 3).map((type, i) => ({ extensionType: type, extensionData: new Uint8Array(i * 5).fill(0xa5) })),
    { extensionType: 0xf123, extensionData: Uint8Array.of(1, 2, 3) },
  ];
  const greased = {
    ...keyPackage,
    leafNode: { ...leaf, capabilities: { ...leaf.capabilities, extensions: [...leaf.capabilities.extensions, ...GREASE_VALUES] }, extensions: [...leaf.extensions, ...extra] },
    extensions: [...keyPackage.extensions, ...extra],
  };
  const bytes = keyPackageBytes(greased);
  assert.deepEqual(parseKeyPackage(bytes), greased);
  assert.deepEqual(keyPackageBytes(parseKeyPackage(bytes)), bytes);
});

test('unknown proposal and credential types round-trip as opaque bodies; reserved 0 is rejected', () => {
  const unknown: Proposal = { type: 'unknown', proposalType: 0x0a0a, data: Uint8Array.of(7, 7) };
  assert.deepEqual(parseProposal(proposalBytes(unknown)), unknown);
  rejects(() => parseProposal(Uint8Array.of(0, 0, 0)), 'invalid-value');
  assert.throws(() => proposalBytes({ type: 'unknown', proposalType: 1, data: new Uint8Array(0) }), RangeError);
  const credential: Credential = { type: 'unknown', credentialType: 0xf000, data: Uint8Array.of(1) };
  assert.deepEqual(encode(encodeCredential, credential), Uint8Array.of(0xf0, 0x00, 1, 1));
  assert.deepEqual(decodeCredentialBytes(Uint8Array.of(0xf0, 0x00, 1, 1)), credential);
  rejects(() => decodeCredentialBytes(Uint8Array.of(0, 0, 0)), 'invalid-value');
  assert.throws(() => encode(encodeCredential, { type: 'unknown', credentialType: 2, data: new Uint8Array(0) }), RangeError);
});

function decodeCredentialBytes(bytes: Uint8Array): Credential {
  return decode(decodeCredential, bytes, 'Credential');
}

test('typed extension bodies: application_id, required_capabilities, external_pub, external_senders', () => {
  const id = Uint8Array.of(1, 2, 3);
  const app = applicationIdExtension(id);
  assert.equal(app.extensionType, ExtensionType.application_id);
  assert.deepEqual(parseApplicationId(app.extensionData), id);
  rejects(() => parseApplicationId(cat(app.extensionData, Uint8Array.of(0))), 'trailing-bytes');
  const required = { extensionTypes: [ExtensionType.external_senders], proposalTypes: [], credentialTypes: [1, 2] };
  assert.deepEqual(parseRequiredCapabilities(requiredCapabilitiesExtension(required).extensionData), required);
  assert.deepEqual(parseExternalPub(externalPubExtension({ externalPub: id }).extensionData), { externalPub: id });
  const senders = [{ signatureKey: id, credential: { type: 'basic' as const, identity: Uint8Array.of(0x61) } }];
  const ext = externalSendersExtension(senders);
  assert.equal(ext.extensionType, ExtensionType.external_senders);
  assert.deepEqual(parseExternalSenders(ext.extensionData), senders);
});

test('named limits: counts and sizes over their bound are too-large', () => {
  // Commit.proposals: MAX_PROPOSALS_PER_COMMIT + 1 references of one byte each.
  const reference = Uint8Array.of(2, 1, 0xee);
  const refs = (n: number) => cat(vectorOf(Uint8Array.from({ length: n * 3 }, (_, i) => reference[i % 3]!)), Uint8Array.of(0));
  assert.equal(parseCommit(refs(MAX_PROPOSALS_PER_COMMIT)).proposals.length, MAX_PROPOSALS_PER_COMMIT);
  rejects(() => parseCommit(refs(MAX_PROPOSALS_PER_COMMIT + 1)), 'too-large');
  // Extension lists.
  const extensions = (n: number) => vectorOf(Uint8Array.from({ length: n * 3 }, (_, i) => (i % 3 === 1 ? 0x0a : 0)));
  const context = (exts: Uint8Array) => cat(Uint8Array.of(0, 1, 0, 1), varint(0), new Uint8Array(8), varint(0), varint(0), exts);
  assert.equal(parseGroupContext(context(extensions(MAX_EXTENSIONS))).extensions.length, MAX_EXTENSIONS);
  rejects(() => parseGroupContext(context(extensions(MAX_EXTENSIONS + 1))), 'too-large');
  // Credential identity.
  const basic = (n: number) => cat(Uint8Array.of(0, 1), vectorOf(new Uint8Array(n)));
  assert.equal(decodeCredentialBytes(basic(MAX_CREDENTIAL_IDENTITY_BYTES)).type, 'basic');
  rejects(() => decodeCredentialBytes(basic(MAX_CREDENTIAL_IDENTITY_BYTES + 1)), 'too-large');
  // Hash-sized fields (here a ProposalRef) and the sender-data ciphertext.
  rejects(() => parseCommit(cat(vectorOf(cat(Uint8Array.of(2), vectorOf(new Uint8Array(MAX_HASH_BYTES + 1)))), Uint8Array.of(0))), 'too-large');
  const privateMessage = (n: number) => cat(Uint8Array.of(0, 1, 0, 2), varint(0), new Uint8Array(8), Uint8Array.of(1), varint(0), vectorOf(new Uint8Array(n)), varint(0));
  assert.equal(parseMLSMessage(privateMessage(MAX_SENDER_DATA_CIPHERTEXT_BYTES)).wireFormat, 'mls_private_message');
  rejects(() => parseMLSMessage(privateMessage(MAX_SENDER_DATA_CIPHERTEXT_BYTES + 1)), 'too-large');
});

test('selects that depend on other fields: decoders reject, encoders refuse inconsistent values', () => {
  const content: FramedContent = {
    groupId: Uint8Array.of(1),
    epoch: 5n,
    sender: { type: 'member', leafIndex: 3 },
    authenticatedData: new Uint8Array(0),
    content: { type: 'application', applicationData: Uint8Array.of(0x68, 0x69) },
  };
  const commitContent: FramedContent = { ...content, content: { type: 'commit', commit: { proposals: [] } } };
  const w = () => new Writer();
  assert.throws(() => encodeFramedContentAuthData(w(), { signature: Uint8Array.of(1) }, 'commit'), RangeError);
  assert.throws(() => encodeFramedContentAuthData(w(), { signature: Uint8Array.of(1), confirmationTag: Uint8Array.of(2) }, 'application'), RangeError);
  assert.throws(() => encodePublicMessage(w(), { content, auth: { signature: Uint8Array.of(1) } }), RangeError);
  assert.throws(() => encodePublicMessage(w(), { content: { ...content, sender: { type: 'new_member_proposal' } }, auth: { signature: Uint8Array.of(1) }, membershipTag: Uint8Array.of(1) }), RangeError);
  assert.throws(() => encodeFramedContentTBS(w(), { version: 1, wireFormat: 'mls_public_message', content }), RangeError);
  assert.throws(() => encodeLeafNodeTBS(w(), { content: leafNodeContent(leaf), context: { groupId: Uint8Array.of(1), leafIndex: 0 } }), RangeError);
  assert.throws(() => encodeSenderData(w(), { leafIndex: 0, generation: 0, reuseGuard: new Uint8Array(3) }), RangeError);
  // AuthenticatedContent only exists for the public and private wire formats.
  const authenticated = authenticatedContentBytes({ wireFormat: 'mls_private_message', content: commitContent, auth: { signature: Uint8Array.of(1), confirmationTag: Uint8Array.of(2) } });
  assert.equal(parseAuthenticatedContent(authenticated).content.content.type, 'commit');
  const asWelcome = authenticated.slice();
  asWelcome[1] = 3;
  rejects(() => parseAuthenticatedContent(asWelcome), 'invalid-value');
  // Commit.path's presence flag is 0 or 1.
  const commit = commitBytes({ proposals: [] });
  assert.deepEqual(commit, Uint8Array.of(0, 0));
  rejects(() => parseCommit(Uint8Array.of(0, 2)), 'invalid-value');
  // MLSMessage encoding always writes mls10 first.
  assert.deepEqual(mlsMessageBytes(message).subarray(0, 4), Uint8Array.of(0, 1, 0, 5));
});
