/**
 * General AES-GCM (NIST SP 800-38D), one level below the provider interface.
 *
 * `CryptoProvider.aeadSeal`/`aeadOpen` offer only what RFC 9420 and RFC 9180 use: AES-128
 * and AES-256, 96-bit nonces, 128-bit tags. That stays so. This module is the general
 * mode for callers (and the Wycheproof suite) that need the rest of what the standard
 * allows: AES-128/192/256 keys and IVs of any length from 1 byte up to
 * `AES_GCM_MAX_IV_LENGTH`. Tags are always 128 bits (SP 800-38D §5.2.1.2 allows shorter
 * ones, which only weaken authentication; nothing in Sealed wants them).
 *
 * Implementations: `nodeAesGcm` (`./node/aes-gcm.ts`, node:crypto) and `nobleAesGcm`
 * (`./noble/aes-gcm.ts`, @noble/ciphers). Both cover the whole range: @noble/ciphers' `gcm`
 * refuses IVs shorter than 8 bytes, so the noble one composes noble's own AES block, CTR
 * and GHASH exactly as SP 800-38D §7 says for IVs of 1 to 7 bytes (`./noble/gcm-short-iv.ts`);
 * the node one hands IVs over 128 bytes (OpenSSL 3's limit) to @noble/ciphers. Short IVs are
 * legal in SP 800-38D but discouraged (a repeated IV leaks the GHASH key, and short IVs
 * repeat soon). `minIvLength` stays in the interface so an implementation with a narrower
 * range can say so; `CryptoError('unsupported')` is its error.
 *
 * Byte conventions as in ./provider.ts: inputs are never modified or retained; outputs
 * are fresh `Uint8Array`s owned by the caller. Sealed output is ciphertext || 16-byte tag.
 */
import { abytes } from './bytes.ts';
import { CryptoError } from './errors.ts';

/** AES key lengths in bytes: AES-128, AES-192, AES-256 (FIPS 197 §5). */
export const AES_GCM_KEY_LENGTHS: readonly number[] = Object.freeze([16, 24, 32]);
/** Tag length in bytes (SP 800-38D §5.2.1.2, t = 128). The only one offered. */
export const AES_GCM_TAG_LENGTH = 16;
/**
 * Shortest IV in bytes. SP 800-38D §5.2.1.1 requires len(IV) >= 1 bit; an empty IV makes
 * J0 depend on the key alone and leaks the GHASH key (Wycheproof "ZeroLengthIv"). Whole
 * bytes only, so 1 byte.
 */
export const AES_GCM_MIN_IV_LENGTH = 1;
/**
 * Longest IV in bytes: 1024. SP 800-38D allows up to 2^64 - 1 bits, but any IV other than
 * 96 bits is hashed into the 16-byte J0 anyway, so length buys nothing; the bound keeps a
 * caller-supplied IV from costing GHASH work without limit. Wycheproof's longest is 257
 * bytes.
 */
export const AES_GCM_MAX_IV_LENGTH = 1024;
/**
 * Longest plaintext in bytes: 2^36 - 32 (SP 800-38D §5.2.1.1, len(P) <= 2^39 - 256 bits).
 * Beyond it the 32-bit block counter would wrap onto J0 and reuse key stream.
 */
export const AES_GCM_MAX_PLAINTEXT_LENGTH = 2 ** 36 - 32;

/** One AES-GCM implementation (SP 800-38D §7), 128-bit tags. */
export interface AesGcm {
  /** Which provider family this belongs to, for diagnostics and tests. */
  readonly name: 'node' | 'noble';
  /** Shortest IV this implementation accepts (`AES_GCM_MIN_IV_LENGTH` for both of ours). */
  readonly minIvLength: number;
  /**
   * GCM-AE (SP 800-38D §7.1). Returns ciphertext || 16-byte tag.
   * @throws CryptoError('invalid-length') for a key other than 16/24/32 bytes, an IV of 0 or
   * more than `AES_GCM_MAX_IV_LENGTH` bytes, a plaintext over `AES_GCM_MAX_PLAINTEXT_LENGTH`,
   * or an argument that is not a Uint8Array.
   * @throws CryptoError('unsupported') for an IV shorter than `minIvLength` (neither of ours).
   */
  seal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /**
   * GCM-AD (SP 800-38D §7.2) of ciphertext || 16-byte tag; never returns unauthenticated bytes.
   * @throws CryptoError('aead-auth') when the tag does not verify or `sealed` is shorter than it.
   * @throws CryptoError('invalid-length') / CryptoError('unsupported') as for `seal`.
   */
  open(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

/**
 * The argument checks both implementations share, done before any work: key and IV lengths
 * (SP 800-38D §5.2.1.1), `aad` a Uint8Array, then the implementation's own IV floor.
 * @throws CryptoError('invalid-length') or CryptoError('unsupported'), as `AesGcm.seal` says.
 */
export function assertAesGcmArguments(key: unknown, iv: unknown, aad: unknown, minIvLength: number): asserts key is Uint8Array {
  abytes(key, undefined, 'key');
  if (!AES_GCM_KEY_LENGTHS.includes(key.length)) {
    throw new CryptoError('invalid-length', `key: expected 16, 24 or 32 bytes, got ${key.length}`);
  }
  abytes(iv, undefined, 'iv');
  if (iv.length < AES_GCM_MIN_IV_LENGTH || iv.length > AES_GCM_MAX_IV_LENGTH) {
    throw new CryptoError('invalid-length', `iv: expected ${AES_GCM_MIN_IV_LENGTH} to ${AES_GCM_MAX_IV_LENGTH} bytes, got ${iv.length}`);
  }
  abytes(aad, undefined, 'aad');
  if (iv.length < minIvLength) {
    throw new CryptoError('unsupported', `iv: this implementation needs at least ${minIvLength} bytes, got ${iv.length}`);
  }
}

/**
 * Checks the message argument: a plaintext (`sealed === false`) within the SP 800-38D
 * bound, or a sealed message, which is then at least one tag long.
 * @throws CryptoError('invalid-length') for a non-Uint8Array or an over-long message.
 * @throws CryptoError('aead-auth') for a sealed message shorter than the tag.
 */
export function assertAesGcmMessage(message: unknown, sealed: boolean): asserts message is Uint8Array {
  abytes(message, undefined, sealed ? 'sealed' : 'plaintext');
  const bodyLength = sealed ? message.length - AES_GCM_TAG_LENGTH : message.length;
  if (bodyLength > AES_GCM_MAX_PLAINTEXT_LENGTH) {
    throw new CryptoError('invalid-length', `message longer than ${AES_GCM_MAX_PLAINTEXT_LENGTH} bytes`);
  }
  if (bodyLength < 0) throw new CryptoError('aead-auth', 'ciphertext shorter than the tag');
}
