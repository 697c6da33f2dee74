/**
 * PublicMessage protection (RFC 9420 §6.2): content signed by its sender and, for member
 * senders, MACed with the epoch's membership_key so that only members can produce it.
 *
 *   membership_tag = MAC(membership_key, AuthenticatedContentTBM)
 *   struct { FramedContentTBS content_tbs; FramedContentAuthData auth; } AuthenticatedContentTBM;
 *
 * Application data is never sent as a PublicMessage (§6.2).
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { mac } from '../crypto/kdf.ts';
import { ProtocolVersion } from '../structs/enums.ts';
import type { AuthenticatedContent, PublicMessage } from '../structs/framing.ts';
import { authenticatedContentTBMBytes } from '../structs/framing.ts';
import type { GroupContext } from '../structs/group-context.ts';
import type { SignatureKeyLookup } from './checks.ts';
import { checkGroupAndEpoch } from './checks.ts';
import { ProtectionError } from './errors.ts';
import { verifyFramedContent } from './signing.ts';

function membershipTag(suite: CipherSuite, authenticated: AuthenticatedContent, groupContext: GroupContext, membershipKey: Uint8Array): Uint8Array {
  const tbm = authenticatedContentTBMBytes({
    contentTbs: { version: ProtocolVersion.mls10, wireFormat: 'mls_public_message', content: authenticated.content, context: groupContext },
    auth: authenticated.auth,
  });
  return mac(suite, membershipKey, tbm);
}

function checkContent(authenticated: AuthenticatedContent): void {
  if (authenticated.wireFormat !== 'mls_public_message') throw new ProtectionError('wrong-wire-format', `signed for ${authenticated.wireFormat}`);
  const type = authenticated.content.content.type;
  if (type === 'application') throw new ProtectionError('application-as-public', 'application data must be sent as a PrivateMessage');
  if (type === 'commit' && authenticated.auth.confirmationTag === undefined) throw new ProtectionError('missing-confirmation-tag', 'commit');
}

/**
 * Wraps signed content (from `signFramedContent` with wire format mls_public_message) into
 * a PublicMessage, adding the membership tag for member senders (§6.2).
 * @throws ProtectionError wrong-wire-format | application-as-public | missing-confirmation-tag | wrong-group | wrong-epoch
 */
export function protectPublicMessage(suite: CipherSuite, authenticated: AuthenticatedContent, groupContext: GroupContext, membershipKey: Uint8Array): PublicMessage {
  checkContent(authenticated);
  checkGroupAndEpoch(suite, groupContext, authenticated.content.groupId, authenticated.content.epoch);
  const { content, auth } = authenticated;
  if (content.sender.type !== 'member') return { content, auth };
  return { content, auth, membershipTag: membershipTag(suite, authenticated, groupContext, membershipKey) };
}

/**
 * Verifies a PublicMessage of this group and epoch: membership tag (member senders), then
 * the sender's signature (§6.2). Returns the authenticated content. Pure: no state changes.
 * @throws ProtectionError wrong-group | wrong-epoch | application-as-public | missing-confirmation-tag |
 *   invalid-membership-tag | unknown-sender | invalid-signature
 */
export function unprotectPublicMessage(
  suite: CipherSuite,
  message: PublicMessage,
  groupContext: GroupContext,
  membershipKey: Uint8Array,
  signatureKeyOf: SignatureKeyLookup,
): AuthenticatedContent {
  const authenticated: AuthenticatedContent = { wireFormat: 'mls_public_message', content: message.content, auth: message.auth };
  checkContent(authenticated);
  checkGroupAndEpoch(suite, groupContext, message.content.groupId, message.content.epoch);
  if (message.content.sender.type === 'member') {
    const tag = message.membershipTag;
    if (tag === undefined || !suite.provider.constantTimeEqual(membershipTag(suite, authenticated, groupContext, membershipKey), tag)) {
      throw new ProtectionError('invalid-membership-tag', `sender leaf ${message.content.sender.leafIndex}`);
    }
  }
  const publicKey = signatureKeyOf(message.content.sender, message.content);
  if (publicKey === undefined) throw new ProtectionError('unknown-sender', `sender ${message.content.sender.type}`);
  if (!verifyFramedContent(suite, authenticated, groupContext, publicKey)) throw new ProtectionError('invalid-signature', `sender ${message.content.sender.type}`);
  return authenticated;
}
