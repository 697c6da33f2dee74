/**
 * The one interface every primitive of Sealed goes through.
 *
 * Two implementations pass the same vector suites: `node/` (node:crypto, synchronous,
 * fast) for Node and `noble/` (@noble/*, audited pure TypeScript) for the browser.
 * Everything above this layer (HPKE, X-Wing, MLS, key transparency) is written once
 * against this interface and takes the provider as a parameter: no globals.
 *
 * All calls are synchronous so that MLS code stays simple and allocation-light.
 *
 * Byte conventions (who owns a buffer): inputs are never modified or retained; outputs are
 * fresh `Uint8Array`s owned by the caller.
 *
 * Key encodings (as RFC 9180 §7.1 SerializePublicKey/SerializePrivateKey and RFC 9420 use them):
 * - X25519 / X448: raw 32 / 56 bytes, private and public.
 * - P-256 / P-384 / P-521: private key is the big-endian scalar, 32 / 48 / 66 bytes;
 *   public key is the uncompressed SEC1 point (0x04 || X || Y).
 * - Ed25519 / Ed448: private key is the RFC 8032 seed, 32 / 57 bytes; public raw.
 * - ECDSA signatures are DER-encoded (as TLS 1.3 and RFC 9420 test vectors use them).
 * - ML-KEM-768: decapsulation key is the 64-byte seed d || z (FIPS 203 §7.1 KeyGen input);
 *   encapsulation key 1184 bytes; ciphertext 1088 bytes; shared secret 32 bytes.
 */

export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';
export type AeadAlgorithm = 'AES-128-GCM' | 'AES-256-GCM' | 'ChaCha20-Poly1305';
export type DhAlgorithm = 'X25519' | 'X448' | 'P-256' | 'P-384' | 'P-521';
export type SignatureAlgorithm =
  | 'Ed25519'
  | 'Ed448'
  | 'ECDSA-P256-SHA256'
  | 'ECDSA-P384-SHA384'
  | 'ECDSA-P521-SHA512';

export interface KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface MlKemEncapsulation {
  readonly cipherText: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/** ML-KEM-768 (FIPS 203). */
export interface MlKem768 {
  /** KeyGen; `seed` is d || z (64 bytes), random when omitted. Private key = the seed. */
  keygen(seed?: Uint8Array): KeyPair;
  /** Encaps; `m` (32 bytes) is the encapsulation randomness, random when omitted (tests pass it). Throws `CryptoError('invalid-public-key')` when the modulus check fails. */
  encapsulate(publicKey: Uint8Array, m?: Uint8Array): MlKemEncapsulation;
  /** Decaps (implicit rejection: a wrong ciphertext of the right length yields a pseudo-random secret). */
  decapsulate(cipherText: Uint8Array, privateKey: Uint8Array): Uint8Array;
}

export interface CryptoProvider {
  /** Which implementation this is, for diagnostics and benchmarks. */
  readonly name: 'node' | 'noble';

  /** `length` bytes from the platform CSPRNG. */
  randomBytes(length: number): Uint8Array;

  hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  /** SHA3-256 (FIPS 202); X-Wing's combiner needs it. */
  sha3_256(data: Uint8Array): Uint8Array;
  /** SHAKE256 (FIPS 202) with `outputLength` bytes; X-Wing's key expansion needs it. */
  shake256(data: Uint8Array, outputLength: number): Uint8Array;

  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 5869 §2.2; an empty salt means HashLen zero bytes. */
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** RFC 5869 §2.3; throws `CryptoError('invalid-length')` when `length > 255 * HashLen` or `prk` is shorter than HashLen. */
  hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;

  /** Returns ciphertext || 16-byte tag. Nonce is 12 bytes. */
  aeadSeal(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Throws `CryptoError('aead-auth')` when the tag does not verify; never returns unauthenticated bytes. */
  aeadOpen(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array;

  dhGenerate(algorithm: DhAlgorithm): KeyPair;
  dhPublicKey(algorithm: DhAlgorithm, privateKey: Uint8Array): Uint8Array;
  /** Shared secret; throws `CryptoError('invalid-public-key')` for points off the curve and for an all-zero X25519/X448 result (RFC 7748 §6.1). */
  dh(algorithm: DhAlgorithm, privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;

  signatureGenerate(algorithm: SignatureAlgorithm): KeyPair;
  signaturePublicKey(algorithm: SignatureAlgorithm, privateKey: Uint8Array): Uint8Array;
  sign(algorithm: SignatureAlgorithm, privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** False for any invalid signature or key encoding; never throws on attacker input. */
  verify(algorithm: SignatureAlgorithm, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  readonly mlkem768: MlKem768;

  /** Length-hiding only in the sense that unequal lengths return false at once; equal lengths compare in constant time. */
  constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

/** Output length in bytes of each hash. */
export const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };
/** Key length in bytes of each AEAD. Nonce is 12 and tag 16 for all three. */
export const AEAD_KEY_LENGTH: Readonly<Record<AeadAlgorithm, number>> = { 'AES-128-GCM': 16, 'AES-256-GCM': 32, 'ChaCha20-Poly1305': 32 };
export const AEAD_NONCE_LENGTH = 12;
export const AEAD_TAG_LENGTH = 16;

/** Byte lengths of the key encodings above (RFC 9180 §7.1, RFC 8032, SEC1 §2.3.3). */
export const DH_PRIVATE_KEY_LENGTH: Readonly<Record<DhAlgorithm, number>> = {
  X25519: 32, X448: 56, 'P-256': 32, 'P-384': 48, 'P-521': 66,
};
export const DH_PUBLIC_KEY_LENGTH: Readonly<Record<DhAlgorithm, number>> = {
  X25519: 32, X448: 56, 'P-256': 65, 'P-384': 97, 'P-521': 133,
};
export const SIGNATURE_PRIVATE_KEY_LENGTH: Readonly<Record<SignatureAlgorithm, number>> = {
  Ed25519: 32, Ed448: 57, 'ECDSA-P256-SHA256': 32, 'ECDSA-P384-SHA384': 48, 'ECDSA-P521-SHA512': 66,
};
export const SIGNATURE_PUBLIC_KEY_LENGTH: Readonly<Record<SignatureAlgorithm, number>> = {
  Ed25519: 32, Ed448: 57, 'ECDSA-P256-SHA256': 65, 'ECDSA-P384-SHA384': 97, 'ECDSA-P521-SHA512': 133,
};
/**
 * Largest `randomBytes` request: 2^30 bytes. Sealed asks for at most a few hundred; the bound
 * only keeps a wrong length from allocating without limit. Larger requests throw
 * `CryptoError('invalid-length')` in both providers.
 */
export const MAX_RANDOM_BYTES = 1 << 30;
/** Largest `shake256` output: X-Wing needs 96 bytes, so 2^16 is plenty. */
export const MAX_SHAKE_OUTPUT = 65536;
