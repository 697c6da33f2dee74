/**
 * Signing and verifying FramedContent (RFC 9420 §6.1):
 *
 *   signature = SignWithLabel(signature_key, "FramedContentTBS", FramedContentTBS)
 *
 * FramedContentTBS binds the protocol version, the wire format, the content and, for
 * member and new_member_commit senders, the GroupContext of the epoch.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { signWithLabel, verifyWithLabel } from '../crypto/signature.ts';
import { ProtocolVersion } from '../structs/enums.ts';
import type { AuthenticatedContent, FramedContent, FramingWireFormat } from '../structs/framing.ts';
import { framedContentTBSBytes } from '../structs/framing.ts';
import type { GroupContext } from '../structs/group-context.ts';

const LABEL = 'FramedContentTBS';

function tbsBytes(wireFormat: FramingWireFormat, content: FramedContent, groupContext: GroupContext): Uint8Array {
  const signsContext = content.sender.type === 'member' || content.sender.type === 'new_member_commit';
  return framedContentTBSBytes(
    signsContext
      ? { version: ProtocolVersion.mls10, wireFormat, content, context: groupContext }
      : { version: ProtocolVersion.mls10, wireFormat, content },
  );
}

/**
 * Signs `content` for `wireFormat` (§6.1). A commit's confirmation tag is computed from
 * the signature, so the caller adds it afterwards (`auth.confirmationTag`).
 * Throws the provider's CryptoError for a malformed private key.
 */
export function signFramedContent(
  suite: CipherSuite,
  wireFormat: FramingWireFormat,
  content: FramedContent,
  groupContext: GroupContext,
  signaturePrivateKey: Uint8Array,
): AuthenticatedContent {
  const signature = signWithLabel(suite, signaturePrivateKey, LABEL, tbsBytes(wireFormat, content, groupContext));
  return { wireFormat, content, auth: { signature } };
}

/** True when `authenticated`'s signature verifies under `signaturePublicKey` (§6.1). Never throws on attacker bytes. */
export function verifyFramedContent(suite: CipherSuite, authenticated: AuthenticatedContent, groupContext: GroupContext, signaturePublicKey: Uint8Array): boolean {
  const tbs = tbsBytes(authenticated.wireFormat, authenticated.content, groupContext);
  return verifyWithLabel(suite, signaturePublicKey, LABEL, tbs, authenticated.auth.signature);
}
