/**
 * Framing and protecting what we send (RFC 9420 §6): sign FramedContent with the current
 * GroupContext, then wrap it as a PublicMessage (membership tag) or encrypt it as a
 * PrivateMessage with our next ratchet key.
 */
import { protectPrivateMessage } from '../protection/private-message.ts';
import { protectPublicMessage } from '../protection/public-message.ts';
import { signFramedContent } from '../protection/signing.ts';
import type { AuthenticatedContent, FramedContent, FramedContentBody, FramingWireFormat } from '../structs/framing.ts';
import { mlsMessageBytes } from '../structs/mls-message.ts';
import type { GroupState } from './state.ts';
import { mapProtectionErrors } from './unprotect.ts';

/** Signs `body` from our leaf for the current epoch (§6.1); a commit's confirmation tag is added by the caller. */
export function signContent(state: GroupState, body: FramedContentBody, wireFormat: FramingWireFormat, authenticatedData: Uint8Array): AuthenticatedContent {
  const content: FramedContent = {
    groupId: state.groupContext.groupId,
    epoch: state.groupContext.epoch,
    sender: { type: 'member', leafIndex: state.own.leafIndex },
    authenticatedData,
    content: body,
  };
  return signFramedContent(state.suite, wireFormat, content, state.groupContext, state.own.signatureKey);
}

/**
 * The MLSMessage bytes of signed content, protected with the current epoch's keys (§6.2,
 * §6.3). A PrivateMessage consumes our next generation in the epoch's secret tree.
 * @throws GroupError from the protection layer (a caller bug: content not signed for this epoch)
 */
export function protect(state: GroupState, authenticated: AuthenticatedContent): Uint8Array {
  return mapProtectionErrors(() => {
    if (authenticated.wireFormat === 'mls_public_message') {
      const publicMessage = protectPublicMessage(state.suite, authenticated, state.groupContext, state.keys.membershipKey);
      return mlsMessageBytes({ wireFormat: 'mls_public_message', publicMessage });
    }
    const privateMessage = protectPrivateMessage(state.suite, authenticated, {
      groupContext: state.groupContext,
      secretTree: state.secretTree,
      senderDataSecret: state.keys.senderDataSecret,
    });
    return mlsMessageBytes({ wireFormat: 'mls_private_message', privateMessage });
  });
}
