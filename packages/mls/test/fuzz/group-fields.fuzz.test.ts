// Field-aware fuzzing of group messages: decode a valid PublicMessage / PrivateMessage,
// change one field, re-encode, and give it to bob's processIncoming; then commits and
// proposals re-signed and re-MACed by alice (a real member) with a changed body, so each
// change passes authentication and meets the §12.1-§12.4 checks behind it. Only documented
// GroupErrors come out and bob's serialised state is byte-identical afterwards. A forged
// commit carries a dummy confirmation tag, so none may ever be accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { protect, signContent } from '../../src/group/frame.ts';
import { serializeGroupState } from '../../src/group/serialize.ts';
import { protectPublicMessage } from '../../src/protection/public-message.ts';
import type { Commit } from '../../src/structs/commit.ts';
import type { FramedContentBody, FramingWireFormat, PrivateMessage, PublicMessage, Sender } from '../../src/structs/framing.ts';
import { type MLSMessage, mlsMessageBytes, parseMLSMessage } from '../../src/structs/mls-message.ts';
import type { Proposal } from '../../src/structs/proposals.ts';
import { incoming } from './entry-points.ts';
import { type FieldChange, fieldChange } from './field-mutations.ts';
import { alice, bob, daveKp, groupSamples, INCOMING_CODES, report, typedOutcome } from './fixtures.ts';
import { sameBytes } from './mutate.ts';

const bobBefore = serializeGroupState(bob);
const assertBobUnchanged = (where: string): void => assert.ok(sameBytes(serializeGroupState(bob), bobBefore), `${where}: bob's state changed`);

function encodeOrSkip(message: MLSMessage): Uint8Array {
  let bytes: Uint8Array | undefined;
  try {
    bytes = mlsMessageBytes(message);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  fc.pre(bytes !== undefined);
  return bytes!;
}
const flip = (b: Uint8Array, n: number): Uint8Array => {
  const out = b.slice();
  if (out.length > 0) out[n % out.length] = out[n % out.length]! ^ (1 << n % 8);
  return out;
};

function senderOf(c: FieldChange): Sender {
  switch (c.n % 4) {
    case 0: return { type: 'member', leafIndex: (c.n >> 2) % 8 };
    case 1: return { type: 'external', senderIndex: c.n >> 2 };
    case 2: return { type: 'new_member_proposal' };
    default: return { type: 'new_member_commit' };
  }
}

function mutatePublic(m: PublicMessage, c: FieldChange): PublicMessage {
  const content = m.content;
  switch (c.field % 9) {
    case 0: return { ...m, content: { ...content, groupId: c.bytes } };
    case 1: return { ...m, content: { ...content, epoch: BigInt(c.n % 8) } };
    case 2: {
      const sender = senderOf(c);
      return { ...m, content: { ...content, sender }, membershipTag: sender.type === 'member' ? (m.membershipTag ?? c.bytes) : undefined };
    }
    case 3: return { ...m, content: { ...content, authenticatedData: c.bytes } };
    case 4: return { ...m, auth: { ...m.auth, signature: flip(m.auth.signature, c.n) } };
    case 5: return { ...m, membershipTag: m.membershipTag === undefined ? undefined : flip(m.membershipTag, c.n) };
    case 6: return { ...m, auth: { ...m.auth, confirmationTag: m.auth.confirmationTag === undefined ? undefined : flip(m.auth.confirmationTag, c.n) } };
    case 7: return { ...m, content: { ...content, content: { type: 'proposal', proposal: { type: 'remove', removed: c.n % 8 } } }, auth: { signature: m.auth.signature } };
    default: return { ...m, content: { ...content, content: { type: 'application', applicationData: c.bytes } }, auth: { signature: m.auth.signature } };
  }
}

function mutatePrivate(m: PrivateMessage, c: FieldChange): PrivateMessage {
  switch (c.field % 8) {
    case 0: return { ...m, groupId: c.bytes };
    case 1: return { ...m, epoch: BigInt(c.n % 8) };
    case 2: return { ...m, contentType: (['application', 'proposal', 'commit'] as const)[c.n % 3]! };
    case 3: return { ...m, authenticatedData: c.bytes };
    case 4: return { ...m, encryptedSenderData: flip(m.encryptedSenderData, c.n) };
    case 5: return { ...m, encryptedSenderData: c.bytes };
    case 6: return { ...m, ciphertext: flip(m.ciphertext, c.n) };
    default: return { ...m, ciphertext: m.ciphertext.subarray(0, c.n % (m.ciphertext.length + 1)) };
  }
}

for (const [name, sample] of Object.entries(groupSamples)) {
  const parsed = parseMLSMessage(sample);
  test(`field-aware mutations of ${name}: typed errors only, state unchanged`, () => {
    fc.assert(
      fc.property(fieldChange, (c) => {
        const bytes =
          parsed.wireFormat === 'mls_public_message'
            ? encodeOrSkip({ wireFormat: 'mls_public_message', publicMessage: mutatePublic(parsed.publicMessage, c) })
            : parsed.wireFormat === 'mls_private_message'
              ? encodeOrSkip({ wireFormat: 'mls_private_message', privateMessage: mutatePrivate(parsed.privateMessage, c) })
              : assert.fail(name);
        fc.pre(!sameBytes(bytes, sample));
        assert.notEqual(typedOutcome(`processIncoming (${name}, field)`, INCOMING_CODES, () => incoming(bob, bytes)), 'ok');
        assertBobUnchanged(name);
      }),
      { numRuns: 120 },
    );
  });
}

/**
 * Alice's authenticated message of `body` (valid signature, and membership tag or AEAD with
 * her next ratchet key), with a dummy confirmation tag for commits. A PrivateMessage one
 * decrypts fine at bob's: his secret tree must still be untouched when the body is refused.
 */
function fromAlice(body: FramedContentBody, wireFormat: FramingWireFormat): Uint8Array {
  const signed = signContent(alice, body, wireFormat, new Uint8Array(0));
  const authenticated = body.type === 'commit' ? { ...signed, auth: { ...signed.auth, confirmationTag: new Uint8Array(alice.suite.Nh) } } : signed;
  if (wireFormat === 'mls_private_message') return protect(alice, authenticated);
  return mlsMessageBytes({ wireFormat: 'mls_public_message', publicMessage: protectPublicMessage(alice.suite, authenticated, alice.groupContext, alice.keys.membershipKey) });
}
const wireFormat = fc.constantFrom<FramingWireFormat>('mls_public_message', 'mls_private_message');

const validCommit = ((): Commit => {
  const m = parseMLSMessage(groupSamples['PublicMessage commit (update path)']!);
  assert.ok(m.wireFormat === 'mls_public_message' && m.publicMessage.content.content.type === 'commit');
  return m.publicMessage.content.content.commit;
})();

/** A proposal built from the raw material; leaf 1 (bob, the receiver) is never removed (his removal is legitimately reported). */
function proposalOf(c: FieldChange): Proposal {
  switch (c.n % 8) {
    case 0: return { type: 'remove', removed: [0, 2, 3, 4, 7, 1000][c.field % 6]! };
    case 1: return { type: 'add', keyPackage: daveKp.keyPackage };
    case 2: return { type: 'update', leafNode: alice.tree.requireLeaf(0) };
    case 3: return { type: 'psk', psk: { type: 'external', pskId: c.bytes, pskNonce: new Uint8Array(alice.suite.Nh) } };
    case 4: return { type: 'group_context_extensions', extensions: [{ extensionType: c.field % 0x10000, extensionData: c.bytes }] };
    case 5: return { type: 'reinit', groupId: c.bytes, version: 1, cipherSuite: c.field % 0x10000, extensions: [] };
    case 6: return { type: 'external_init', kemOutput: c.bytes };
    default: return { type: 'remove', removed: 2 };
  }
}

function mutateCommit(commit: Commit, c: FieldChange): Commit {
  const path = commit.path!;
  const i = c.n % Math.max(1, path.nodes.length);
  const node = path.nodes[i];
  switch (c.field % 10) {
    case 0: return { ...commit, path: undefined };
    case 1: return { ...commit, path: { ...path, nodes: path.nodes.slice(0, i) } };
    case 2: return { ...commit, path: { ...path, nodes: [...path.nodes, ...path.nodes] } };
    case 3: return node === undefined ? commit : { ...commit, path: { ...path, nodes: path.nodes.map((n, j) => (j === i ? { ...n, encryptedPathSecret: [] } : n)) } };
    case 4: return node === undefined ? commit : { ...commit, path: { ...path, nodes: path.nodes.map((n, j) => (j === i ? { ...n, encryptedPathSecret: [...n.encryptedPathSecret, ...n.encryptedPathSecret] } : n)) } };
    case 5: return node === undefined ? commit : { ...commit, path: { ...path, nodes: path.nodes.map((n, j) => (j === i ? { ...n, encryptionKey: c.bytes } : n)) } };
    case 6: return { ...commit, path: { ...path, leafNode: { ...path.leafNode, encryptionKey: c.bytes } } };
    case 7: return { ...commit, proposals: [...commit.proposals, { type: 'reference', reference: c.bytes }] };
    case 8: return { ...commit, proposals: [...commit.proposals, { type: 'proposal', proposal: proposalOf(c) }, { type: 'proposal', proposal: proposalOf({ ...c, n: c.n + 1 }) }] };
    default: return { ...commit, proposals: [...commit.proposals, { type: 'proposal', proposal: proposalOf(c) }] };
  }
}

test('authenticated commits with a changed body (forged by a member): typed errors only, never accepted, state unchanged', () => {
  fc.assert(
    fc.property(fieldChange, wireFormat, (c, format) => {
      let bytes: Uint8Array | undefined;
      try {
        bytes = fromAlice({ type: 'commit', commit: mutateCommit(validCommit, c) }, format);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error; // not encodable: not sendable either
      }
      fc.pre(bytes !== undefined);
      assert.notEqual(typedOutcome('processIncoming (forged commit)', INCOMING_CODES, () => incoming(bob, bytes!)), 'ok');
      assertBobUnchanged('forged commit');
    }),
    { numRuns: 250 },
  );
});

test('authenticated proposals with odd bodies (from a member): typed errors or a stored proposal, state unchanged', () => {
  fc.assert(
    fc.property(fieldChange, wireFormat, (c, format) => {
      let bytes: Uint8Array | undefined;
      try {
        bytes = fromAlice({ type: 'proposal', proposal: proposalOf(c) }, format);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
      }
      fc.pre(bytes !== undefined);
      typedOutcome('processIncoming (authenticated proposal)', INCOMING_CODES, () => incoming(bob, bytes!));
      assertBobUnchanged('authenticated proposal');
    }),
    { numRuns: 150 },
  );
  report();
});
