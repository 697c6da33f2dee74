/**
 * Authenticating incoming handshake and application messages against a GroupState
 * (RFC 9420 §6.1-§6.3), mapping the protection layer's errors to GroupError.
 */
import { DecodeError } from '../codec/errors.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { ProtectionError, type ProtectionErrorCode } from '../protection/errors.ts';
import { unprotectPrivateMessage } from '../protection/private-message.ts';
import { unprotectPublicMessage } from '../protection/public-message.ts';
import type { SignatureKeyLookup } from '../protection/checks.ts';
import { SecretTree } from '../secret-tree/secret-tree.ts';
import { ExtensionType } from '../structs/enums.ts';
import { findExtension, parseExternalSenders } from '../structs/extensions.ts';
import type { AuthenticatedContent, PrivateMessage, PublicMessage } from '../structs/framing.ts';
import type { GroupContext } from '../structs/group-context.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { GroupError, type GroupErrorCode } from './errors.ts';

const CODE_MAP: Readonly<Record<ProtectionErrorCode, GroupErrorCode>> = {
  'wrong-group': 'wrong-group',
  'wrong-epoch': 'wrong-epoch',
  'wrong-wire-format': 'malformed-message',
  'application-as-public': 'malformed-message',
  'unsupported-sender': 'unsupported-sender',
  'unknown-sender': 'unknown-sender',
  'sender-data-auth': 'authentication-failed',
  'malformed-sender-data': 'authentication-failed',
  'content-auth': 'authentication-failed',
  'malformed-content': 'malformed-message',
  'replayed-generation': 'replayed-message',
  'generation-too-far': 'authentication-failed',
  'invalid-signature': 'invalid-signature',
  'invalid-membership-tag': 'invalid-membership-tag',
  'missing-confirmation-tag': 'malformed-message',
};

/** Runs `fn`, turning ProtectionError into the matching GroupError. */
export function mapProtectionErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ProtectionError) throw new GroupError(CODE_MAP[error.code], error.detail, error);
    throw error;
  }
}

/** The signature key of a message's sender (§6.1): member leaf, external sender, or the key inside the content. */
export function signatureKeyLookup(tree: RatchetTree, context: GroupContext): SignatureKeyLookup {
  return (sender, content) => {
    switch (sender.type) {
      case 'member':
        return tree.leaf(sender.leafIndex)?.signatureKey;
      case 'external': {
        const extension = findExtension(context.extensions, ExtensionType.external_senders);
        if (extension === undefined) return undefined;
        try {
          return parseExternalSenders(extension.extensionData)[sender.senderIndex]?.signatureKey;
        } catch (error) {
          if (error instanceof DecodeError) return undefined;
          throw error;
        }
      }
      case 'new_member_proposal':
        return content.content.type === 'proposal' && content.content.proposal.type === 'add' ? content.content.proposal.keyPackage.leafNode.signatureKey : undefined;
      case 'new_member_commit':
        return content.content.type === 'commit' ? content.content.commit.path?.leafNode.signatureKey : undefined;
    }
  };
}

/** A copy of a secret tree, so a handshake message that later fails validation consumes nothing. */
export function cloneSecretTree(suite: CipherSuite, tree: SecretTree): SecretTree {
  return SecretTree.fromSnapshot(suite, tree.snapshot());
}

/** What a handshake message needs from the epoch it belongs to. */
export interface EpochView {
  readonly suite: CipherSuite;
  readonly groupContext: GroupContext;
  readonly tree: RatchetTree;
  readonly secretTree: SecretTree;
  readonly senderDataSecret: Uint8Array;
  readonly membershipKey: Uint8Array;
}

/**
 * Verifies a PublicMessage (membership tag for members, signature).
 * @throws GroupError wrong-group | wrong-epoch | malformed-message | invalid-membership-tag | unknown-sender | invalid-signature
 */
export function openPublic(view: EpochView, message: PublicMessage): AuthenticatedContent {
  return mapProtectionErrors(() =>
    unprotectPublicMessage(view.suite, message, view.groupContext, view.membershipKey, signatureKeyLookup(view.tree, view.groupContext)),
  );
}

/**
 * Decrypts and verifies a PrivateMessage with `secretTree` (consumed on success).
 * @throws GroupError wrong-group | wrong-epoch | authentication-failed | replayed-message | malformed-message | unknown-sender | invalid-signature
 */
export function openPrivate(view: EpochView, message: PrivateMessage, secretTree: SecretTree): AuthenticatedContent {
  return mapProtectionErrors(() =>
    unprotectPrivateMessage(
      view.suite,
      message,
      { groupContext: view.groupContext, secretTree, senderDataSecret: view.senderDataSecret },
      signatureKeyLookup(view.tree, view.groupContext),
    ),
  );
}
