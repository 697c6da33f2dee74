/**
 * MLS cipher suites (RFC 9420 §5.1, §17.1) and the post-quantum suites Sealed adds.
 *
 * A suite names one KEM (for HPKE), one KDF hash, one AEAD and one signature scheme.
 * `cipherSuite(id, provider)` binds those names to a CryptoProvider; everything above
 * (labelled functions, key schedule, secret tree, framing) takes the bound suite.
 *
 * Lengths (RFC 9420 §5.1): Nh = KDF.Nh = hash output length, Nk = AEAD.Nk (key),
 * Nn = AEAD.Nn (nonce, always 12 here).
 */
import type { AeadAlgorithm, CryptoProvider, HashAlgorithm, SignatureAlgorithm } from '@sealed/crypto/provider';
import { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, HASH_LENGTH } from '@sealed/crypto/provider';
import { MlsCryptoError } from './errors.ts';

/** HPKE KEM identifiers (RFC 9180 §7.1; X-Wing: draft-connolly-cfrg-xwing-kem). */
export const KemId = {
  DHKEM_P256_HKDF_SHA256: 0x0010,
  DHKEM_P384_HKDF_SHA384: 0x0011,
  DHKEM_P521_HKDF_SHA512: 0x0012,
  DHKEM_X25519_HKDF_SHA256: 0x0020,
  DHKEM_X448_HKDF_SHA512: 0x0021,
  ML_KEM_768: 0x0041,
  X_WING: 0x647a,
} as const;
export type KemId = (typeof KemId)[keyof typeof KemId];

/**
 * Code point of MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519
 * (draft-ietf-mls-pq-ciphersuites-06 §4, listed there as "TBD1").
 *
 * IANA has not assigned it yet, so Sealed uses a value from the private-use range
 * 0xF000-0xFFFF (RFC 9420 §17.1). When IANA assigns the real value, change this one
 * constant; nothing else in the code names the number.
 */
export const MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 = 0xf0a1;

/**
 * OpenMLS's code point for its X-Wing suite (X-Wing KEM, ChaCha20-Poly1305, SHA-256,
 * Ed25519), kept for interoperability with OpenMLS deployments. Beware: ts-mls 1.6.4
 * uses 0x004D for a different suite (ML-KEM-512); Sealed follows OpenMLS.
 */
export const MLS_128_XWING_CHACHA20POLY1305_SHA256_Ed25519_OPENMLS = 0x004d;

/** The default suite of new Sealed groups (DESIGN.md G3: harvest-now-decrypt-later). */
export const DEFAULT_CIPHER_SUITE = MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519;

/** What a suite is made of, independent of any provider. */
export interface CipherSuiteDefinition {
  /** uint16 code point as it appears on the wire. */
  readonly id: number;
  readonly name: string;
  readonly kem: KemId;
  /** Hash used by the KDF (HKDF), MAC (HMAC) and Hash (RefHash, transcript). */
  readonly hash: HashAlgorithm;
  readonly aead: AeadAlgorithm;
  readonly signature: SignatureAlgorithm;
}

/** A suite bound to a provider: what every MLS function takes. */
export interface CipherSuite extends CipherSuiteDefinition {
  /** KDF.Nh: hash output length in bytes. */
  readonly Nh: number;
  /** AEAD.Nk: AEAD key length in bytes. */
  readonly Nk: number;
  /** AEAD.Nn: AEAD nonce length in bytes. */
  readonly Nn: number;
  readonly provider: CryptoProvider;
}

function define(id: number, name: string, kem: KemId, hash: HashAlgorithm, aead: AeadAlgorithm, signature: SignatureAlgorithm): CipherSuiteDefinition {
  return Object.freeze({ id, name, kem, hash, aead, signature });
}

/** Every suite Sealed implements, by code point: RFC 9420 §17.1 suites 1-7, then the PQ suites. */
export const CIPHER_SUITES: ReadonlyMap<number, CipherSuiteDefinition> = new Map(
  [
    define(0x0001, 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519', KemId.DHKEM_X25519_HKDF_SHA256, 'SHA-256', 'AES-128-GCM', 'Ed25519'),
    define(0x0002, 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256', KemId.DHKEM_P256_HKDF_SHA256, 'SHA-256', 'AES-128-GCM', 'ECDSA-P256-SHA256'),
    define(0x0003, 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519', KemId.DHKEM_X25519_HKDF_SHA256, 'SHA-256', 'ChaCha20-Poly1305', 'Ed25519'),
    define(0x0004, 'MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448', KemId.DHKEM_X448_HKDF_SHA512, 'SHA-512', 'AES-256-GCM', 'Ed448'),
    define(0x0005, 'MLS_256_DHKEMP521_AES256GCM_SHA512_P521', KemId.DHKEM_P521_HKDF_SHA512, 'SHA-512', 'AES-256-GCM', 'ECDSA-P521-SHA512'),
    define(0x0006, 'MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448', KemId.DHKEM_X448_HKDF_SHA512, 'SHA-512', 'ChaCha20-Poly1305', 'Ed448'),
    define(0x0007, 'MLS_256_DHKEMP384_AES256GCM_SHA384_P384', KemId.DHKEM_P384_HKDF_SHA384, 'SHA-384', 'AES-256-GCM', 'ECDSA-P384-SHA384'),
    define(MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519, 'MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519', KemId.X_WING, 'SHA-256', 'AES-128-GCM', 'Ed25519'),
    define(MLS_128_XWING_CHACHA20POLY1305_SHA256_Ed25519_OPENMLS, 'MLS_128_XWING_CHACHA20POLY1305_SHA256_Ed25519', KemId.X_WING, 'SHA-256', 'ChaCha20-Poly1305', 'Ed25519'),
  ].map((s) => [s.id, s]),
);

/** True when Sealed implements suite `id`. */
export function isKnownCipherSuite(id: number): boolean {
  return CIPHER_SUITES.has(id);
}

/**
 * The suite with code point `id`, bound to `provider`.
 * @throws MlsCryptoError('unknown-cipher-suite') when `id` is not one Sealed implements (RFC 9420 §17.1).
 */
export function cipherSuite(id: number, provider: CryptoProvider): CipherSuite {
  const definition = CIPHER_SUITES.get(id);
  if (definition === undefined) throw new MlsCryptoError('unknown-cipher-suite', `cipher suite 0x${id.toString(16).padStart(4, '0')}`);
  return Object.freeze({
    ...definition,
    Nh: HASH_LENGTH[definition.hash],
    Nk: AEAD_KEY_LENGTH[definition.aead],
    Nn: AEAD_NONCE_LENGTH,
    provider,
  });
}
