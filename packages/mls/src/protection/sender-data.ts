/**
 * SenderData encryption (RFC 9420 §6.3.2): the sender's leaf index, generation and reuse
 * guard, encrypted under a key derived from the epoch's sender_data_secret and a sample
 * of the content ciphertext, with SenderDataAAD (group_id, epoch, content_type) as AAD.
 *
 *   struct { uint32 leaf_index; uint32 generation; opaque reuse_guard[4]; } SenderData;
 */
import { CryptoError } from '@sealed/crypto/errors';
import { DecodeError } from '../codec/errors.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import type { ContentType } from '../structs/enums.ts';
import type { SenderData } from '../structs/framing.ts';
import { parseSenderData, senderDataAADBytes, senderDataBytes } from '../structs/framing.ts';
import { ProtectionError } from './errors.ts';
import { senderDataKeyAndNonce } from './sender-data-key.ts';

/** The public header fields SenderDataAAD binds. */
export interface SenderDataHeader {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
}

/** encrypted_sender_data for `senderData`, bound to the content `ciphertext` and the header (§6.3.2). */
export function encryptSenderData(suite: CipherSuite, senderDataSecret: Uint8Array, header: SenderDataHeader, ciphertext: Uint8Array, senderData: SenderData): Uint8Array {
  const { key, nonce } = senderDataKeyAndNonce(suite, senderDataSecret, ciphertext);
  const sealed = suite.provider.aeadSeal(suite.aead, key, nonce, senderDataBytes(senderData), senderDataAADBytes(header));
  key.fill(0);
  return sealed;
}

/**
 * Decrypts and parses encrypted_sender_data (§6.3.2).
 * @throws ProtectionError sender-data-auth | malformed-sender-data
 */
export function decryptSenderData(
  suite: CipherSuite,
  senderDataSecret: Uint8Array,
  header: SenderDataHeader,
  ciphertext: Uint8Array,
  encryptedSenderData: Uint8Array,
): SenderData {
  const { key, nonce } = senderDataKeyAndNonce(suite, senderDataSecret, ciphertext);
  let plaintext: Uint8Array;
  try {
    plaintext = suite.provider.aeadOpen(suite.aead, key, nonce, encryptedSenderData, senderDataAADBytes(header));
  } catch (error) {
    if (error instanceof CryptoError) throw new ProtectionError('sender-data-auth', `epoch ${header.epoch}`);
    throw error;
  } finally {
    key.fill(0);
  }
  try {
    return parseSenderData(plaintext);
  } catch (error) {
    if (error instanceof DecodeError) throw new ProtectionError('malformed-sender-data', `${plaintext.length} bytes`);
    throw error;
  }
}
