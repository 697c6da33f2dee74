/**
 * General AES-GCM on node:crypto (OpenSSL): AES-128/192/256, IVs of 1 to
 * `AES_GCM_MAX_IV_LENGTH` bytes (J0 derived with GHASH for every IV other than 96 bits,
 * SP 800-38D §7.1 step 2), 128-bit tags. See ../aes-gcm.ts for the contract.
 *
 * OpenSSL 3 caps GCM IVs at 128 bytes (measured on Node 20.20 / OpenSSL 3.0.19:
 * `createCipheriv` throws ERR_CRYPTO_INVALID_IV from 129 bytes on). Longer IVs, which
 * SP 800-38D allows and Wycheproof tests (257 bytes), go to @noble/ciphers' audited `gcm`
 * through ../noble/aes-gcm.ts instead of being refused. Such IVs are rare, so the slower
 * pure-TypeScript path costs nothing in practice.
 */
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { AES_GCM_MIN_IV_LENGTH, AES_GCM_TAG_LENGTH, assertAesGcmArguments, assertAesGcmMessage, type AesGcm } from '../aes-gcm.ts';
import { CryptoError } from '../errors.ts';
import { nobleAesGcm } from '../noble/aes-gcm.ts';
import { plain } from './keys.ts';

/** Longest IV OpenSSL 3's GCM accepts, in bytes (its GCM_IV_MAX_SIZE); longer ones go to noble. */
export const OPENSSL_GCM_MAX_IV_LENGTH = 128;

/** OpenSSL's cipher name for a key length already checked by `assertAesGcmArguments`. */
function cipherName(key: Uint8Array): CipherGCMTypes {
  return key.length === 16 ? 'aes-128-gcm' : key.length === 24 ? 'aes-192-gcm' : 'aes-256-gcm';
}

function seal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  assertAesGcmArguments(key, iv, aad, AES_GCM_MIN_IV_LENGTH);
  assertAesGcmMessage(plaintext, false);
  if (iv.length > OPENSSL_GCM_MAX_IV_LENGTH) return nobleAesGcm.seal(key, iv, plaintext, aad);
  const cipher = createCipheriv(cipherName(key), key, iv, { authTagLength: AES_GCM_TAG_LENGTH });
  cipher.setAAD(aad);
  const out = new Uint8Array(plaintext.length + AES_GCM_TAG_LENGTH);
  const body = cipher.update(plaintext);
  out.set(body, 0);
  out.set(cipher.final(), body.length); // empty: GCM is a stream mode
  out.set(cipher.getAuthTag(), plaintext.length);
  return out;
}

function open(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  assertAesGcmArguments(key, iv, aad, AES_GCM_MIN_IV_LENGTH);
  assertAesGcmMessage(sealed, true);
  if (iv.length > OPENSSL_GCM_MAX_IV_LENGTH) return nobleAesGcm.open(key, iv, sealed, aad);
  const bodyLength = sealed.length - AES_GCM_TAG_LENGTH;
  const decipher = createDecipheriv(cipherName(key), key, iv, { authTagLength: AES_GCM_TAG_LENGTH });
  decipher.setAuthTag(sealed.subarray(bodyLength));
  decipher.setAAD(aad);
  const body = decipher.update(sealed.subarray(0, bodyLength));
  try {
    decipher.final(); // verifies the tag
  } catch {
    body.fill(0); // unauthenticated plaintext never leaves
    throw new CryptoError('aead-auth', `AES-${key.length * 8}-GCM tag does not verify`);
  }
  return plain(body);
}

/**
 * AES-GCM on node:crypto (on @noble/ciphers for IVs over `OPENSSL_GCM_MAX_IV_LENGTH`);
 * accepts every IV length from `AES_GCM_MIN_IV_LENGTH` (1 byte) to `AES_GCM_MAX_IV_LENGTH`.
 * @throws as `AesGcm` in ../aes-gcm.ts documents.
 */
export const nodeAesGcm: AesGcm = Object.freeze({ name: 'node' as const, minIvLength: AES_GCM_MIN_IV_LENGTH, seal, open });
