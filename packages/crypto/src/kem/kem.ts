/**
 * The KEM interface of HPKE (RFC 9180 §4), written once against `CryptoProvider`: every
 * operation takes the provider as its first argument, so the same KEM object serves the
 * node:crypto and the @noble provider.
 *
 * Keys are their serialized forms (SerializePublicKey/SerializePrivateKey of RFC 9180 §7.1,
 * draft-ietf-hpke-pq-05 §3, §4), exact-length `Uint8Array`s. Every length is checked before
 * work starts; a wrong one throws `CryptoError('invalid-length')`.
 */
import type { CryptoProvider, KeyPair } from '../provider.ts';

/** Result of Encap: the encapsulated key to send and the shared secret to keep. */
export interface KemEncapsulation {
  /** `enc`, Nenc bytes; public. */
  readonly enc: Uint8Array;
  /** `shared_secret`, Nsecret bytes; secret. */
  readonly sharedSecret: Uint8Array;
}

/** An HPKE KEM (RFC 9180 §4). */
export interface Kem {
  /** KEM identifier of the IANA HPKE registry (uint16). */
  readonly id: number;
  readonly name: string;
  /** Length of the shared secret. */
  readonly Nsecret: number;
  /** Length of the encapsulated key `enc`. */
  readonly Nenc: number;
  /** Length of a serialized public key. */
  readonly Npk: number;
  /** Length of a serialized private key. */
  readonly Nsk: number;
  /**
   * Length of the `randomness` that makes `encapsulate` deterministic, or `undefined` when
   * any length up to `MAX_IKM_LENGTH` is accepted (DHKEM: it is the ikm of the ephemeral
   * DeriveKeyPair, as `ikmE` in RFC 9180 Appendix A).
   */
  readonly Nrandom: number | undefined;
  /** Whether AuthEncap/AuthDecap exist (only the DHKEMs, RFC 9180 §4.1). */
  readonly supportsAuth: boolean;

  /**
   * GenerateKeyPair (RFC 9180 §4) with the provider's CSPRNG.
   */
  generateKeyPair(provider: CryptoProvider): KeyPair;

  /**
   * DeriveKeyPair(ikm): a deterministic key pair (RFC 9180 §7.1.3 for DHKEMs,
   * draft-ietf-hpke-pq-05 §3 and §4 for ML-KEM and X-Wing).
   * @throws CryptoError('invalid-length') when `ikm` exceeds `MAX_IKM_LENGTH`.
   */
  deriveKeyPair(provider: CryptoProvider, ikm: Uint8Array): KeyPair;

  /**
   * The public key belonging to a serialized private key.
   * @throws CryptoError('invalid-length') for a private key of the wrong length.
   * @throws CryptoError('invalid-private-key') for a private key out of range.
   */
  publicKeyFromPrivate(provider: CryptoProvider, privateKey: Uint8Array): Uint8Array;

  /**
   * Encap(pkR). `randomness` (tests only) fixes the sender's randomness; see `Nrandom`.
   * @throws CryptoError('invalid-length') for a key or randomness of the wrong length.
   * @throws CryptoError('invalid-public-key') when `publicKey` is not a valid key (EncapError).
   */
  encapsulate(provider: CryptoProvider, publicKey: Uint8Array, randomness?: Uint8Array): KemEncapsulation;

  /**
   * Decap(enc, skR).
   * @throws CryptoError('invalid-length') for `enc` or the key of the wrong length.
   * @throws CryptoError('invalid-public-key') when `enc` is not a valid point (DecapError; ML-KEM
   *   instead rejects implicitly: a wrong `enc` yields an unrelated secret).
   * @throws CryptoError('invalid-private-key') for a private key out of range.
   */
  decapsulate(provider: CryptoProvider, enc: Uint8Array, privateKey: Uint8Array): Uint8Array;
}

/** A KEM with the authenticated operations of RFC 9180 §4.1 (the DHKEMs). */
export interface AuthKem extends Kem {
  readonly supportsAuth: true;
  /**
   * AuthEncap(pkR, skS): the shared secret also depends on the sender's static key.
   * @throws CryptoError as `encapsulate`, and for a bad sender private key.
   */
  authEncapsulate(
    provider: CryptoProvider,
    publicKey: Uint8Array,
    senderPrivateKey: Uint8Array,
    randomness?: Uint8Array,
  ): KemEncapsulation;
  /**
   * AuthDecap(enc, skR, pkS).
   * @throws CryptoError as `decapsulate`, and for a bad sender public key.
   */
  authDecapsulate(provider: CryptoProvider, enc: Uint8Array, privateKey: Uint8Array, senderPublicKey: Uint8Array): Uint8Array;
}

/** Narrows a KEM to one with AuthEncap/AuthDecap. */
export function isAuthKem(kem: Kem): kem is AuthKem {
  return kem.supportsAuth;
}
