/**
 * Ed25519 verification, SHA-256 and randomness for the server. @sealed/crypto has no Node
 * provider yet (packages/crypto/src/node/provider.ts did not exist when this was written),
 * so this small module uses node:crypto directly; swap to the provider when it lands.
 */
import { createHash, createPublicKey, randomBytes as nodeRandomBytes, verify } from 'node:crypto';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES } from '@sealed/protocol/limits';

/** False for a bad key, a bad signature or wrong lengths; never throws on attacker input. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length));
}
