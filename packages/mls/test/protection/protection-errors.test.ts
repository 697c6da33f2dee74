// Typed errors of message protection (RFC 9420 §6.2, §6.3.1): PublicMessage tag and
// signature checks, wire-format and sender checks, padding and non-zero padding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtectionError, type ProtectionErrorCode } from '../../src/protection/errors.ts';
import { protectPrivateMessage, unprotectPrivateMessage } from '../../src/protection/private-message.ts';
import { protectPublicMessage, unprotectPublicMessage } from '../../src/protection/public-message.ts';
import { encryptSenderData } from '../../src/protection/sender-data.ts';
import { signFramedContent } from '../../src/protection/signing.ts';
import type { FramedContent } from '../../src/structs/framing.ts';
import { privateContentAADBytes, privateMessageContentBytes } from '../../src/structs/framing.ts';
import { PROVIDERS } from '../vectors/providers.ts';
import { twoMemberEpoch } from './fixtures.ts';

const epoch = twoMemberEpoch(1, PROVIDERS[0]!);
const { suite, groupContext } = epoch;
const code = (c: ProtectionErrorCode) => (e: unknown) => e instanceof ProtectionError && e.code === c;
const remove: FramedContent = {
  groupId: groupContext.groupId,
  epoch: groupContext.epoch,
  sender: { type: 'member', leafIndex: 1 },
  authenticatedData: new Uint8Array(0),
  content: { type: 'proposal', proposal: { type: 'remove', removed: 0 } },
};
const sign = (wire: 'mls_public_message' | 'mls_private_message', content = remove) => signFramedContent(suite, wire, content, groupContext, epoch.signatureKeys[1]!.privateKey);

test('PublicMessage: altered membership tag, content or signer are rejected', () => {
  const message = protectPublicMessage(suite, sign('mls_public_message'), groupContext, epoch.membershipKey);
  const tag = message.membershipTag!.slice();
  tag[0]! ^= 1;
  assert.throws(() => unprotectPublicMessage(suite, { ...message, membershipTag: tag }, groupContext, epoch.membershipKey, epoch.keyOf), code('invalid-membership-tag'));
  const otherKey = new Uint8Array(32).fill(3);
  assert.throws(() => unprotectPublicMessage(suite, message, groupContext, otherKey, epoch.keyOf), code('invalid-membership-tag'));
  assert.throws(() => unprotectPublicMessage(suite, message, groupContext, epoch.membershipKey, () => epoch.signatureKeys[0]!.publicKey), code('invalid-signature'));
  assert.throws(() => unprotectPublicMessage(suite, message, groupContext, epoch.membershipKey, () => undefined), code('unknown-sender'));
  assert.throws(() => unprotectPublicMessage(suite, message, { ...groupContext, epoch: 4n }, epoch.membershipKey, epoch.keyOf), code('wrong-epoch'));
  assert.throws(() => unprotectPublicMessage(suite, message, { ...groupContext, groupId: new Uint8Array(3) }, epoch.membershipKey, epoch.keyOf), code('wrong-group'));
  // The signature covers the GroupContext: another tree hash means another signature input.
  const changedContext = { ...groupContext, treeHash: new Uint8Array(32) };
  const retagged = protectPublicMessage(suite, sign('mls_public_message'), changedContext, epoch.membershipKey);
  assert.throws(() => unprotectPublicMessage(suite, retagged, changedContext, epoch.membershipKey, epoch.keyOf), code('invalid-signature'));
  assert.deepEqual(unprotectPublicMessage(suite, message, groupContext, epoch.membershipKey, epoch.keyOf).content, remove);
});

test('content signed for one wire format cannot be sent as the other', () => {
  assert.throws(() => protectPublicMessage(suite, sign('mls_private_message'), groupContext, epoch.membershipKey), code('wrong-wire-format'));
  assert.throws(() => protectPrivateMessage(suite, sign('mls_public_message'), epoch.state()), code('wrong-wire-format'));
  const commit: FramedContent = { ...remove, content: { type: 'commit', commit: { proposals: [] } } };
  assert.throws(() => protectPublicMessage(suite, sign('mls_public_message', commit), groupContext, epoch.membershipKey), code('missing-confirmation-tag'));
  const external: FramedContent = { ...remove, sender: { type: 'external', senderIndex: 0 } };
  assert.throws(() => protectPrivateMessage(suite, sign('mls_private_message', external), epoch.state()), code('unsupported-sender'));
});

test('PrivateMessage padding: content is padded to the block; non-zero padding is rejected', () => {
  const small = protectPrivateMessage(suite, sign('mls_private_message'), epoch.state(), 32);
  assert.equal((small.ciphertext.length - 16) % 32, 0);
  const big = protectPrivateMessage(suite, sign('mls_private_message'), epoch.state(), 256);
  assert.equal(big.ciphertext.length - 16, 256);
  assert.throws(() => protectPrivateMessage(suite, sign('mls_private_message'), epoch.state(), 0), RangeError);

  // Hand-build a message whose padding has a non-zero byte, under the right keys.
  const signed = sign('mls_private_message');
  const sender = epoch.state();
  const body = privateMessageContentBytes({ content: signed.content.content, auth: signed.auth, paddingLength: 4 });
  body[body.length - 1] = 1;
  const pending = sender.secretTree.prepareSend(1, 'handshake');
  const header = { groupId: groupContext.groupId, epoch: groupContext.epoch, contentType: 'proposal' as const };
  const reuseGuard = new Uint8Array(4);
  const ciphertext = suite.provider.aeadSeal(suite.aead, pending.key, pending.nonce, body, privateContentAADBytes({ ...header, authenticatedData: new Uint8Array(0) }));
  const encryptedSenderData = encryptSenderData(suite, epoch.senderDataSecret, header, ciphertext, { leafIndex: 1, generation: pending.generation, reuseGuard });
  const receiver = epoch.state();
  assert.throws(
    () => unprotectPrivateMessage(suite, { ...header, authenticatedData: new Uint8Array(0), encryptedSenderData, ciphertext }, receiver, epoch.keyOf),
    code('malformed-content'),
  );
  assert.equal(receiver.secretTree.nextGeneration(1, 'handshake'), 0);
});

test('PrivateMessage: sender leaf outside the tree and generations too far ahead are typed errors', () => {
  const header = { groupId: groupContext.groupId, epoch: groupContext.epoch, contentType: 'proposal' as const };
  const ciphertext = new Uint8Array(64);
  const forge = (leafIndex: number, generation: number) => ({
    ...header,
    authenticatedData: new Uint8Array(0),
    encryptedSenderData: encryptSenderData(suite, epoch.senderDataSecret, header, ciphertext, { leafIndex, generation, reuseGuard: new Uint8Array(4) }),
    ciphertext,
  });
  const receiver = epoch.state();
  assert.throws(() => unprotectPrivateMessage(suite, forge(2, 0), receiver, epoch.keyOf), code('unknown-sender'));
  assert.throws(() => unprotectPrivateMessage(suite, forge(1, 0xffff_ffff), receiver, epoch.keyOf), code('generation-too-far'));
  assert.throws(() => unprotectPrivateMessage(suite, forge(1, 0), receiver, epoch.keyOf), code('content-auth'));
  assert.equal(receiver.secretTree.nextGeneration(1, 'handshake'), 0);
});
