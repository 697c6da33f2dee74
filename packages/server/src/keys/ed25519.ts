/**
 * Ed25519 verification, SHA-256 and randomness for the server, all through the
 * @sealed/crypto Node provider: one crypto path for clients and server.
 */
import { nodeProvider } from '@sealed/crypto/node/provider';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES } from '@sealed/protocol/limits';

/** False for a bad key, a bad signature or wrong lengths; never throws on attacker input (RFC 8032 §5.1.7). */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return nodeProvider.verify('Ed25519', publicKey, message, signature);
  } catch {
    return false;
  }
}

export function sha256(data: Uint8Array): Uint8Array {
  return nodeProvider.hash('SHA-256', data);
}

export function randomBytes(length: number): Uint8Array {
  return nodeProvider.randomBytes(length);
}
