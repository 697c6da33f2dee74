/**
 * General AES-GCM on @noble/ciphers: AES-128/192/256, IVs of 1 to `AES_GCM_MAX_IV_LENGTH`
 * bytes, 128-bit tags. See ../aes-gcm.ts for the contract.
 *
 * IVs of `NOBLE_GCM_MIN_IV_LENGTH` (8) bytes and more go to @noble/ciphers' `gcm`, which
 * derives J0 with GHASH for every IV other than 96 bits (SP 800-38D §7.1 step 2). It refuses
 * IVs of 1 to 7 bytes on purpose (a library choice, not a rule of SP 800-38D, which allows
 * any IV of at least 1 bit), so those go to ./gcm-short-iv.ts, which composes the same
 * noble pieces (AES block and CTR functions, GHASH) exactly as SP 800-38D §7.1/§7.2 specify.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { AES_GCM_MIN_IV_LENGTH, assertAesGcmArguments, assertAesGcmMessage, type AesGcm } from '../aes-gcm.ts';
import { CryptoError } from '../errors.ts';
import { NOBLE_GCM_MIN_IV_LENGTH, openShortIv, sealShortIv } from './gcm-short-iv.ts';

function seal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  assertAesGcmArguments(key, iv, aad, AES_GCM_MIN_IV_LENGTH);
  assertAesGcmMessage(plaintext, false);
  if (iv.length < NOBLE_GCM_MIN_IV_LENGTH) return sealShortIv(key, iv, plaintext, aad);
  return gcm(key, iv, aad).encrypt(plaintext);
}

function open(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  assertAesGcmArguments(key, iv, aad, AES_GCM_MIN_IV_LENGTH);
  assertAesGcmMessage(sealed, true);
  if (iv.length < NOBLE_GCM_MIN_IV_LENGTH) return openShortIv(key, iv, sealed, aad);
  const cipher = gcm(key, iv, aad);
  try {
    return cipher.decrypt(sealed); // checks the tag before decrypting anything
  } catch {
    throw new CryptoError('aead-auth', `AES-${key.length * 8}-GCM tag does not verify`);
  }
}

/**
 * AES-GCM on @noble/ciphers; accepts every IV length from `AES_GCM_MIN_IV_LENGTH` (1 byte)
 * to `AES_GCM_MAX_IV_LENGTH`, like the node implementation.
 * @throws as `AesGcm` in ../aes-gcm.ts documents.
 */
export const nobleAesGcm: AesGcm = Object.freeze({ name: 'noble' as const, minIvLength: AES_GCM_MIN_IV_LENGTH, seal, open });
