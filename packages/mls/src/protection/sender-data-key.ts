/**
 * Key and nonce that encrypt a PrivateMessage's SenderData (RFC 9420 §6.3.2). They are
 * derived from a sample of the content ciphertext, so every message gets its own pair:
 *
 *   ciphertext_sample = ciphertext[0..KDF.Nh-1]   (the whole ciphertext when shorter)
 *   sender_data_key   = ExpandWithLabel(sender_data_secret, "key",   ciphertext_sample, AEAD.Nk)
 *   sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, AEAD.Nn)
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { expandWithLabel } from '../crypto/kdf.ts';

/** sender_data_key and sender_data_nonce for `ciphertext` (§6.3.2). */
export function senderDataKeyAndNonce(suite: CipherSuite, senderDataSecret: Uint8Array, ciphertext: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const sample = ciphertext.subarray(0, Math.min(ciphertext.length, suite.Nh));
  return {
    key: expandWithLabel(suite, senderDataSecret, 'key', sample, suite.Nk),
    nonce: expandWithLabel(suite, senderDataSecret, 'nonce', sample, suite.Nn),
  };
}
