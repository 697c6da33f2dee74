/**
 * PrivateMessage protection (RFC 9420 §6.3): content and signature encrypted with a key
 * and nonce from the sender's ratchet in the secret tree; the sender's identity and
 * generation encrypted separately as SenderData.
 *
 *   ciphertext            = AEAD.Seal(key, nonce XOR reuse_guard, PrivateMessageContent, PrivateContentAAD)
 *   encrypted_sender_data = AEAD.Seal(sender_data_key, sender_data_nonce, SenderData, SenderDataAAD)
 *
 * The first four bytes of the ratchet nonce are XORed with a fresh random reuse_guard so
 * that a generation accidentally reused (e.g. state restored from a backup) does not
 * reuse an AEAD nonce (§6.3.1).
 *
 * Unprotecting prepares the secret-tree key without consuming it and commits the
 * consumption only after the content decrypts, parses and its signature verifies: a
 * forged or altered message leaves the tree exactly as it was.
 */
import { CryptoError } from '@sealed/crypto/errors';
import { DecodeError } from '../codec/errors.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { SecretTreeError } from '../secret-tree/errors.ts';
import type { PendingKey, RatchetType, SecretTree } from '../secret-tree/secret-tree.ts';
import type { ContentType } from '../structs/enums.ts';
import type { AuthenticatedContent, FramedContent, PrivateMessage } from '../structs/framing.ts';
import { REUSE_GUARD_BYTES, parsePrivateMessageContent, privateContentAADBytes, privateMessageContentBytes } from '../structs/framing.ts';
import type { GroupContext } from '../structs/group-context.ts';
import type { SignatureKeyLookup } from './checks.ts';
import { checkGroupAndEpoch } from './checks.ts';
import { ProtectionError } from './errors.ts';
import { DEFAULT_PADDING_BLOCK, MAX_PADDING_BLOCK } from './limits.ts';
import { decryptSenderData, encryptSenderData } from './sender-data.ts';
import { verifyFramedContent } from './signing.ts';

/** The epoch state PrivateMessage protection reads and (through the secret tree) advances. */
export interface PrivateMessageState {
  readonly groupContext: GroupContext;
  readonly secretTree: SecretTree;
  readonly senderDataSecret: Uint8Array;
}

/** Handshake content (proposals, commits) uses the handshake ratchet; application data the application ratchet (§9.1). */
function ratchetTypeOf(contentType: ContentType): RatchetType {
  return contentType === 'application' ? 'application' : 'handshake';
}

/** The ratchet nonce with its first four bytes XORed with the reuse guard (§6.3.1). */
function guardedNonce(nonce: Uint8Array, reuseGuard: Uint8Array): Uint8Array {
  const out = nonce.slice();
  for (let i = 0; i < REUSE_GUARD_BYTES; i++) out[i]! ^= reuseGuard[i]!;
  return out;
}

/** Zero bytes that bring `length` to a multiple of `block`. */
function paddingFor(length: number, block: number): number {
  return (block - (length % block)) % block;
}

/**
 * Encrypts signed content (from `signFramedContent` with wire format mls_private_message)
 * as a PrivateMessage from our own leaf, consuming the next generation of our ratchet
 * (§6.3.1, §6.3.2). `paddingBlock` pads the content to a multiple of that many bytes.
 * @throws ProtectionError wrong-wire-format | unsupported-sender | missing-confirmation-tag | wrong-group | wrong-epoch
 * @throws SecretTreeError generation-exhausted | invalid-leaf
 * @throws RangeError for a padding block outside 1 ..= MAX_PADDING_BLOCK (a programming error)
 */
export function protectPrivateMessage(
  suite: CipherSuite,
  authenticated: AuthenticatedContent,
  state: PrivateMessageState,
  paddingBlock = DEFAULT_PADDING_BLOCK,
): PrivateMessage {
  if (!Number.isInteger(paddingBlock) || paddingBlock < 1 || paddingBlock > MAX_PADDING_BLOCK) throw new RangeError(`padding block ${paddingBlock}`);
  const { content, auth } = authenticated;
  if (authenticated.wireFormat !== 'mls_private_message') throw new ProtectionError('wrong-wire-format', `signed for ${authenticated.wireFormat}`);
  if (content.sender.type !== 'member') throw new ProtectionError('unsupported-sender', `${content.sender.type} cannot send a PrivateMessage`);
  const contentType = content.content.type;
  if (contentType === 'commit' && auth.confirmationTag === undefined) throw new ProtectionError('missing-confirmation-tag', 'commit');
  checkGroupAndEpoch(suite, state.groupContext, content.groupId, content.epoch);

  const header = { groupId: content.groupId, epoch: content.epoch, contentType };
  const unpadded = privateMessageContentBytes({ content: content.content, auth, paddingLength: 0 });
  const plaintext = new Uint8Array(unpadded.length + paddingFor(unpadded.length, paddingBlock));
  plaintext.set(unpadded);

  const pending = state.secretTree.prepareSend(content.sender.leafIndex, ratchetTypeOf(contentType));
  const reuseGuard = suite.provider.randomBytes(REUSE_GUARD_BYTES);
  const aad = privateContentAADBytes({ ...header, authenticatedData: content.authenticatedData });
  const ciphertext = suite.provider.aeadSeal(suite.aead, pending.key, guardedNonce(pending.nonce, reuseGuard), plaintext, aad);
  const senderData = { leafIndex: content.sender.leafIndex, generation: pending.generation, reuseGuard };
  const encryptedSenderData = encryptSenderData(suite, state.senderDataSecret, header, ciphertext, senderData);
  pending.commit();
  pending.key.fill(0);
  return { ...header, authenticatedData: content.authenticatedData, encryptedSenderData, ciphertext };
}

function prepareKey(tree: SecretTree, leaf: number, type: RatchetType, generation: number): PendingKey {
  try {
    return tree.prepareReceive(leaf, type, generation);
  } catch (error) {
    if (!(error instanceof SecretTreeError)) throw error;
    if (error.code === 'generation-consumed') throw new ProtectionError('replayed-generation', `leaf ${leaf} ${type} generation ${generation}`);
    if (error.code === 'generation-too-far') throw new ProtectionError('generation-too-far', `leaf ${leaf} ${type} generation ${generation}`);
    throw new ProtectionError('unknown-sender', `leaf ${leaf}`);
  }
}

/**
 * Decrypts and authenticates a PrivateMessage of this group and epoch (§6.3): sender data,
 * content, padding, signature. Consumes the sender's generation only when all of them
 * pass; on any error the secret tree is unchanged.
 * @throws ProtectionError wrong-group | wrong-epoch | sender-data-auth | malformed-sender-data |
 *   unknown-sender | replayed-generation | generation-too-far | content-auth | malformed-content | invalid-signature
 */
export function unprotectPrivateMessage(
  suite: CipherSuite,
  message: PrivateMessage,
  state: PrivateMessageState,
  signatureKeyOf: SignatureKeyLookup,
): AuthenticatedContent {
  checkGroupAndEpoch(suite, state.groupContext, message.groupId, message.epoch);
  const header = { groupId: message.groupId, epoch: message.epoch, contentType: message.contentType };
  const senderData = decryptSenderData(suite, state.senderDataSecret, header, message.ciphertext, message.encryptedSenderData);
  const leaf = senderData.leafIndex;
  if (leaf >= state.secretTree.leafCount) throw new ProtectionError('unknown-sender', `leaf ${leaf} of ${state.secretTree.leafCount}`);

  const pending = prepareKey(state.secretTree, leaf, ratchetTypeOf(message.contentType), senderData.generation);
  let plaintext: Uint8Array;
  try {
    const aad = privateContentAADBytes({ ...header, authenticatedData: message.authenticatedData });
    plaintext = suite.provider.aeadOpen(suite.aead, pending.key, guardedNonce(pending.nonce, senderData.reuseGuard), message.ciphertext, aad);
  } catch (error) {
    if (error instanceof CryptoError) throw new ProtectionError('content-auth', `leaf ${leaf} generation ${senderData.generation}`);
    throw error;
  }

  let decoded;
  try {
    decoded = parsePrivateMessageContent(plaintext, message.contentType);
  } catch (error) {
    if (error instanceof DecodeError) throw new ProtectionError('malformed-content', error.code);
    throw error;
  }
  const content: FramedContent = {
    groupId: message.groupId,
    epoch: message.epoch,
    sender: { type: 'member', leafIndex: leaf },
    authenticatedData: message.authenticatedData,
    content: decoded.content,
  };
  const authenticated: AuthenticatedContent = { wireFormat: 'mls_private_message', content, auth: decoded.auth };
  const publicKey = signatureKeyOf(content.sender, content);
  if (publicKey === undefined) throw new ProtectionError('unknown-sender', `leaf ${leaf} has no signature key`);
  if (!verifyFramedContent(suite, authenticated, state.groupContext, publicKey)) throw new ProtectionError('invalid-signature', `leaf ${leaf}`);

  pending.commit();
  pending.key.fill(0);
  return authenticated;
}
