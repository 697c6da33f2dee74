/**
 * General AES-GCM on @noble/ciphers' `gcm`: AES-128/192/256, IVs of
 * `NOBLE_GCM_MIN_IV_LENGTH` to `AES_GCM_MAX_IV_LENGTH` bytes (noble derives J0 with GHASH for
 * every IV other than 96 bits, SP 800-38D §7.1 step 2), 128-bit tags. See ../aes-gcm.ts.
 *
 * IVs of 1 to 7 bytes are legal in SP 800-38D but @noble/ciphers 2.4.0 refuses them
 * (`aes.ts`: "This wrapper intentionally requires at least 8 bytes"). Its only other ways
 * in are the undocumented `unsafe` block functions and the `ghash` of `_polyval.js`, from
 * which we would have to assemble GCM ourselves; we do not write GCM internals, so those
 * IVs get `CryptoError('unsupported')` here (the node implementation accepts them).
 */
import { gcm } from '@noble/ciphers/aes.js';
import { assertAesGcmArguments, assertAesGcmMessage, type AesGcm } from '../aes-gcm.ts';
import { CryptoError } from '../errors.ts';

/** Shortest IV @noble/ciphers' `gcm` accepts, in bytes (see the module comment). */
export const NOBLE_GCM_MIN_IV_LENGTH = 8;

function seal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  assertAesGcmArguments(key, iv, aad, NOBLE_GCM_MIN_IV_LENGTH);
  assertAesGcmMessage(plaintext, false);
  return gcm(key, iv, aad).encrypt(plaintext);
}

function open(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  assertAesGcmArguments(key, iv, aad, NOBLE_GCM_MIN_IV_LENGTH);
  assertAesGcmMessage(sealed, true);
  const cipher = gcm(key, iv, aad);
  try {
    return cipher.decrypt(sealed); // checks the tag before decrypting anything
  } catch {
    throw new CryptoError('aead-auth', `AES-${key.length * 8}-GCM tag does not verify`);
  }
}

/**
 * AES-GCM on @noble/ciphers; IVs shorter than `NOBLE_GCM_MIN_IV_LENGTH` are unsupported.
 * @throws as `AesGcm` in ../aes-gcm.ts documents.
 */
export const nobleAesGcm: AesGcm = Object.freeze({ name: 'noble' as const, minIvLength: NOBLE_GCM_MIN_IV_LENGTH, seal, open });
