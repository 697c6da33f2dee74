// RFC 9420 §6 message protection against the official `message-protection.json` vectors:
// PublicMessage (signature + membership tag) and PrivateMessage (content and sender-data
// encryption) for a proposal, a commit and application data, both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite, type CipherSuite } from '../../src/crypto/cipher-suite.ts';
import { ProtectionError } from '../../src/protection/errors.ts';
import { protectPrivateMessage, unprotectPrivateMessage } from '../../src/protection/private-message.ts';
import { protectPublicMessage, unprotectPublicMessage } from '../../src/protection/public-message.ts';
import { signFramedContent } from '../../src/protection/signing.ts';
import { SecretTree } from '../../src/secret-tree/secret-tree.ts';
import { commitBytes, parseCommit } from '../../src/structs/commit.ts';
import type { FramedContent, FramedContentBody, Sender } from '../../src/structs/framing.ts';
import type { GroupContext } from '../../src/structs/group-context.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import { parseProposal, proposalBytes } from '../../src/structs/proposals.ts';
import { PROVIDERS } from './providers.ts';

interface MessageProtectionVector {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  tree_hash: string;
  confirmed_transcript_hash: string;
  signature_priv: string;
  signature_pub: string;
  encryption_secret: string;
  sender_data_secret: string;
  membership_key: string;
  proposal: string;
  proposal_pub: string;
  proposal_priv: string;
  commit: string;
  commit_pub: string;
  commit_priv: string;
  application: string;
  application_priv: string;
}

const vectors = loadVectors<MessageProtectionVector[]>('mls/message-protection.json');
const SENDER_LEAF = 1;

function bodyBytes(body: FramedContentBody): string {
  if (body.type === 'application') return toHex(body.applicationData);
  if (body.type === 'proposal') return toHex(proposalBytes(body.proposal));
  return toHex(commitBytes(body.commit));
}

function publicMessageOf(bytes: Uint8Array) {
  const message = parseMLSMessage(bytes);
  assert.equal(message.wireFormat, 'mls_public_message');
  if (message.wireFormat !== 'mls_public_message') throw new Error('unreachable');
  return message.publicMessage;
}

function privateMessageOf(bytes: Uint8Array) {
  const message = parseMLSMessage(bytes);
  assert.equal(message.wireFormat, 'mls_private_message');
  if (message.wireFormat !== 'mls_private_message') throw new Error('unreachable');
  return message.privateMessage;
}

function runVector(suite: CipherSuite, v: MessageProtectionVector): void {
  const groupContext: GroupContext = {
    version: 1,
    cipherSuite: v.cipher_suite,
    groupId: hex(v.group_id),
    epoch: BigInt(v.epoch),
    treeHash: hex(v.tree_hash),
    confirmedTranscriptHash: hex(v.confirmed_transcript_hash),
    extensions: [],
  };
  const membershipKey = hex(v.membership_key);
  const signaturePub = hex(v.signature_pub);
  const signaturePriv = hex(v.signature_priv);
  const senderDataSecret = hex(v.sender_data_secret);
  const keyOf = (sender: Sender) => (sender.type === 'member' && sender.leafIndex === SENDER_LEAF ? signaturePub : undefined);
  const freshState = () => ({ groupContext, secretTree: new SecretTree(suite, hex(v.encryption_secret), 2), senderDataSecret });
  const where = `suite ${v.cipher_suite}`;

  const cases: { name: string; raw: string; body: FramedContentBody; pub?: string; priv: string }[] = [
    { name: 'proposal', raw: v.proposal, body: { type: 'proposal', proposal: parseProposal(hex(v.proposal)) }, pub: v.proposal_pub, priv: v.proposal_priv },
    { name: 'commit', raw: v.commit, body: { type: 'commit', commit: parseCommit(hex(v.commit)) }, pub: v.commit_pub, priv: v.commit_priv },
    { name: 'application', raw: v.application, body: { type: 'application', applicationData: hex(v.application) }, priv: v.application_priv },
  ];

  for (const c of cases) {
    const content: FramedContent = {
      groupId: groupContext.groupId,
      epoch: groupContext.epoch,
      sender: { type: 'member', leafIndex: SENDER_LEAF },
      authenticatedData: new Uint8Array(0),
      content: c.body,
    };
    // Any Nh-byte value serves as the commit's confirmation tag here: it is carried, not checked.
    const tag = c.body.type === 'commit' ? new Uint8Array(suite.Nh).fill(0x5a) : undefined;

    // PublicMessage: the vector's message verifies; a fresh one round-trips.
    if (c.pub !== undefined) {
      const verified = unprotectPublicMessage(suite, publicMessageOf(hex(c.pub)), groupContext, membershipKey, keyOf);
      assert.equal(bodyBytes(verified.content.content), c.raw, `${where} ${c.name}_pub`);
      const signed = signFramedContent(suite, 'mls_public_message', content, groupContext, signaturePriv);
      const withTag = tag === undefined ? signed : { ...signed, auth: { ...signed.auth, confirmationTag: tag } };
      const mine = protectPublicMessage(suite, withTag, groupContext, membershipKey);
      const back = unprotectPublicMessage(suite, mine, groupContext, membershipKey, keyOf);
      assert.equal(bodyBytes(back.content.content), c.raw, `${where} ${c.name} public round trip`);
    } else {
      const signed = signFramedContent(suite, 'mls_public_message', content, groupContext, signaturePriv);
      assert.throws(
        () => protectPublicMessage(suite, signed, groupContext, membershipKey),
        (e: unknown) => e instanceof ProtectionError && e.code === 'application-as-public',
      );
    }

    // PrivateMessage: the vector's message decrypts with a fresh tree; a fresh one round-trips.
    const received = unprotectPrivateMessage(suite, privateMessageOf(hex(c.priv)), freshState(), keyOf);
    assert.equal(bodyBytes(received.content.content), c.raw, `${where} ${c.name}_priv`);
    assert.deepEqual(received.content.sender, { type: 'member', leafIndex: SENDER_LEAF });

    const signed = signFramedContent(suite, 'mls_private_message', content, groupContext, signaturePriv);
    const withTag = tag === undefined ? signed : { ...signed, auth: { ...signed.auth, confirmationTag: tag } };
    const sent = protectPrivateMessage(suite, withTag, freshState());
    const receiver = freshState();
    const back = unprotectPrivateMessage(suite, sent, receiver, keyOf);
    assert.equal(bodyBytes(back.content.content), c.raw, `${where} ${c.name} private round trip`);
    assert.deepEqual(back.auth, withTag.auth);
    // The same message a second time is a replay.
    assert.throws(
      () => unprotectPrivateMessage(suite, sent, receiver, keyOf),
      (e: unknown) => e instanceof ProtectionError && e.code === 'replayed-generation',
    );
  }
}

for (const provider of PROVIDERS) {
  test(`message-protection.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites = new Set<number>();
    for (const v of vectors) {
      const suite = cipherSuite(v.cipher_suite, provider);
      suites.add(suite.id);
      runVector(suite, v);
    }
    assert.deepEqual([...suites].sort(), [1, 2, 3, 4, 5, 6, 7]);
    console.log(`message-protection (${provider.name}): ${vectors.length} cases`);
  });
}
