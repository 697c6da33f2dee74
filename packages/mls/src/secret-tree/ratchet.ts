/**
 * One step of a hash ratchet of the secret tree (RFC 9420 §9.1):
 *
 *   ratchet_key_[i]_[j]      = DeriveTreeSecret(ratchet_secret_[i]_[j], "key",    j, AEAD.Nk)
 *   ratchet_nonce_[i]_[j]    = DeriveTreeSecret(ratchet_secret_[i]_[j], "nonce",  j, AEAD.Nn)
 *   ratchet_secret_[i]_[j+1] = DeriveTreeSecret(ratchet_secret_[i]_[j], "secret", j, KDF.Nh)
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { deriveTreeSecret } from '../crypto/kdf.ts';

/** An AEAD key and nonce of one generation. Owned by the caller; zero them when done. */
export interface RatchetKey {
  readonly generation: number;
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
}

/** Key and nonce of generation `generation` from that generation's ratchet secret. */
export function ratchetKey(suite: CipherSuite, secret: Uint8Array, generation: number): RatchetKey {
  return {
    generation,
    key: deriveTreeSecret(suite, secret, 'key', generation, suite.Nk),
    nonce: deriveTreeSecret(suite, secret, 'nonce', generation, suite.Nn),
  };
}

/** Ratchet secret of generation `generation + 1`. */
export function nextRatchetSecret(suite: CipherSuite, secret: Uint8Array, generation: number): Uint8Array {
  return deriveTreeSecret(suite, secret, 'secret', generation, suite.Nh);
}
