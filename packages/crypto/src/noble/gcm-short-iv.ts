/**
 * AES-GCM for IVs of 1 to 7 bytes, on @noble/ciphers' own building blocks.
 *
 * Why this exists: SP 800-38D §5.2.1.1 allows any IV of at least 1 bit, and Wycheproof has
 * valid cases with 8, 16, 32 and 48-bit IVs, but @noble/ciphers 2.4.0's `gcm` refuses IVs
 * under 8 bytes by choice ("This wrapper intentionally requires at least 8 bytes", aes.js).
 * Nothing in its mode depends on that floor: for every IV other than 96 bits, J0 is a GHASH
 * of the IV. So this file writes no AES and no GHASH; it only strings together, in the order
 * SP 800-38D §7.1 (GCM-AE) and §7.2 (GCM-AD) give, the pieces noble's `gcm` is made of:
 * `unsafe.expandKeyLE` and `unsafe.encryptBlock` (CIPH_K), `unsafe.ctr32` with the 32-bit
 * big-endian counter (GCTR_K, §6.5) and `ghash` of `_polyval.js` (GHASH_H, §6.4). Those
 * exports are marked "may change at any time": the exact pin of @noble/ciphers in
 * package.json and the Wycheproof and node:crypto cross-checks in
 * test/wycheproof-aead.test.ts are what guard against that.
 *
 * Used only for IVs shorter than `NOBLE_GCM_MIN_IV_LENGTH`; ./aes-gcm.ts keeps noble's `gcm`
 * for every other length. Short IVs are legal but unwise (a repeated IV leaks H, and a 1-7
 * byte IV repeats soon); they are offered for completeness of the standard, not for use.
 *
 * Buffers: inputs are never modified or retained; H, J0, the expanded key and the tag
 * intermediates are zeroed before returning (best effort, as JavaScript allows).
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { ghash } from '@noble/ciphers/_polyval.js';
import { constantTimeEqual } from '../bytes.ts';
import { CryptoError } from '../errors.ts';

/** Shortest IV @noble/ciphers 2.4.0's `gcm` accepts, in bytes; shorter ones come here. */
export const NOBLE_GCM_MIN_IV_LENGTH = 8;
/** AES block and GCM tag length in bytes (SP 800-38D §5.2.1.2, t = 128). */
const BLOCK_LENGTH = 16;

/** What §7.1 steps 1-2 derive from the key and IV. All three are secret. */
interface GcmKeys {
  /** The AES key schedule (noble's `expandKeyLE` layout). */
  readonly xk: Uint32Array;
  /** H = CIPH_K(0^128), the GHASH key. */
  readonly h: Uint8Array;
  /** The pre-counter block J0. */
  readonly j0: Uint8Array;
}

/** [a]_64 || [b]_64: two bit lengths as big-endian 64-bit integers (both below 2^53 here). */
function lengthBlock(aBits: number, bBits: number): Uint8Array {
  const block = new Uint8Array(BLOCK_LENGTH);
  const view = new DataView(block.buffer);
  view.setUint32(0, Math.floor(aBits / 2 ** 32));
  view.setUint32(4, aBits >>> 0);
  view.setUint32(8, Math.floor(bBits / 2 ** 32));
  view.setUint32(12, bBits >>> 0);
  return block;
}

/** inc32 (SP 800-38D §6.2): a copy of `block` with its rightmost 32 bits incremented mod 2^32. */
function inc32(block: Uint8Array): Uint8Array {
  const out = block.slice();
  const view = new DataView(out.buffer);
  view.setUint32(12, (view.getUint32(12) + 1) >>> 0);
  return out;
}

/**
 * GCTR_K(ICB, X) (SP 800-38D §6.5) through noble's `ctr32` in big-endian mode, the same call
 * its `gcm` makes. `ctr32` advances the counter block in place and reads `x` as 32-bit words,
 * so it gets a copy of `icb` and a 4-byte-aligned `x`.
 */
function gctr(xk: Uint32Array, icb: Uint8Array, x: Uint8Array): Uint8Array {
  const counter = icb.slice();
  const aligned = x.byteOffset % 4 === 0 ? x : x.slice();
  const out = unsafe.ctr32(xk, false, counter, aligned);
  counter.fill(0);
  return out;
}

/**
 * §7.1 steps 1-2 (§7.2 steps 2-3) for an IV that is not 96 bits: H = CIPH_K(0^128) and
 * J0 = GHASH_H(IV || 0^(s+64) || [len(IV)]_64). noble's GHASH pads each `update` with zeros
 * to a block boundary, so `update(iv)` supplies IV || 0^s and the length block the rest.
 */
function deriveKeys(key: Uint8Array, iv: Uint8Array): GcmKeys {
  const xk = unsafe.expandKeyLE(key);
  const h = unsafe.encryptBlock(xk, new Uint8Array(BLOCK_LENGTH));
  const j0 = ghash.create(h).update(iv).update(lengthBlock(0, iv.length * 8)).digest();
  return { xk, h, j0 };
}

/**
 * §7.1 steps 4-6 and §7.2 steps 5-7: T = MSB_128(GCTR_K(J0, S)) with
 * S = GHASH_H(A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64).
 */
function computeTag(keys: GcmKeys, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const s = ghash
    .create(keys.h, aad.length + ciphertext.length)
    .update(aad)
    .update(ciphertext)
    .update(lengthBlock(aad.length * 8, ciphertext.length * 8))
    .digest();
  const tag = gctr(keys.xk, keys.j0, s);
  s.fill(0);
  return tag;
}

function wipe(keys: GcmKeys): void {
  keys.xk.fill(0);
  keys.h.fill(0);
  keys.j0.fill(0);
}

/** Guards the one precondition the callers' shared checks do not cover. */
function assertShortIv(iv: Uint8Array): void {
  if (iv.length < 1 || iv.length >= NOBLE_GCM_MIN_IV_LENGTH) {
    throw new CryptoError('invalid-length', `iv: this path takes 1 to ${NOBLE_GCM_MIN_IV_LENGTH - 1} bytes, got ${iv.length}`);
  }
}

/**
 * GCM-AE (SP 800-38D §7.1) for a 1-7 byte IV. Returns C || T (16-byte tag). Key, AAD and
 * plaintext length must already have passed `assertAesGcmArguments`/`assertAesGcmMessage`.
 * @throws CryptoError('invalid-length') for an IV outside 1 to 7 bytes.
 */
export function sealShortIv(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  assertShortIv(iv);
  const keys = deriveKeys(key, iv);
  const icb = inc32(keys.j0);
  const ciphertext = gctr(keys.xk, icb, plaintext); // §7.1 step 3: C = GCTR_K(inc32(J0), P)
  const tag = computeTag(keys, aad, ciphertext);
  const out = new Uint8Array(ciphertext.length + BLOCK_LENGTH);
  out.set(ciphertext, 0);
  out.set(tag, ciphertext.length);
  wipe(keys);
  icb.fill(0);
  tag.fill(0);
  return out;
}

/**
 * GCM-AD (SP 800-38D §7.2) of C || T for a 1-7 byte IV. The tag is recomputed over C and
 * compared in constant time (`constantTimeEqual`) before anything is decrypted: step 4 of
 * §7.2 (P) feeds none of steps 5-7, so doing it last is equivalent, and no unauthenticated
 * plaintext ever exists. Same preconditions as `sealShortIv`; `sealed` is at least a tag long.
 * @throws CryptoError('aead-auth') when the tag does not verify.
 * @throws CryptoError('invalid-length') for an IV outside 1 to 7 bytes.
 */
export function openShortIv(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  assertShortIv(iv);
  const bodyLength = sealed.length - BLOCK_LENGTH;
  const ciphertext = sealed.subarray(0, bodyLength);
  const keys = deriveKeys(key, iv);
  const expected = computeTag(keys, aad, ciphertext);
  const valid = constantTimeEqual(expected, sealed.subarray(bodyLength));
  expected.fill(0);
  if (!valid) {
    wipe(keys);
    throw new CryptoError('aead-auth', `AES-${key.length * 8}-GCM tag does not verify`);
  }
  const icb = inc32(keys.j0);
  const plaintext = gctr(keys.xk, icb, ciphertext); // §7.2 step 4: P = GCTR_K(inc32(J0), C)
  wipe(keys);
  icb.fill(0);
  return plaintext;
}
