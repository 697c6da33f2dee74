/**
 * Diffie-Hellman and signatures on node:crypto (synchronous), with the key encodings of
 * ../provider.ts and the same lengths, checks and error codes as ../noble/curves.ts.
 *
 * - X25519/X448/EdDSA: KeyObjects from raw keys (./keys.ts, cached per key array).
 * - P-256/384/521 ECDH: the `ECDH` class, which takes raw scalars and SEC1 points directly,
 *   validates both (scalar in [1, n-1], point on the curve) and returns the x-coordinate.
 * - ECDSA: KeyObjects from JWK, DER signatures, the curve's hash.
 */
import { createECDH, diffieHellman, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { abytes, isAllZero } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import {
  DH_PRIVATE_KEY_LENGTH,
  DH_PUBLIC_KEY_LENGTH,
  SIGNATURE_PRIVATE_KEY_LENGTH,
  SIGNATURE_PUBLIC_KEY_LENGTH,
  type DhAlgorithm,
  type KeyPair,
  type SignatureAlgorithm,
} from '../provider.ts';
import {
  KeyObjectCache,
  asBuffer,
  ecPrivateKey,
  ecPublicKey,
  ecRawPublicKey,
  okpPrivateKey,
  okpPublicKey,
  okpRawPublicKey,
  plain,
  PublicKeyObjectCache,
  rawPrivateKey,
  type EcCurve,
  type OkpCurve,
} from './keys.ts';

/** SEC1 §2.3.3 prefix of an uncompressed point. */
const SEC1_UNCOMPRESSED = 0x04;

interface EcParams {
  readonly jwk: EcCurve;
  readonly openssl: string;
  readonly hash: string;
  readonly size: number;
}
const EC: Readonly<Record<EcCurve, EcParams>> = {
  'P-256': { jwk: 'P-256', openssl: 'prime256v1', hash: 'sha256', size: 32 },
  'P-384': { jwk: 'P-384', openssl: 'secp384r1', hash: 'sha384', size: 48 },
  'P-521': { jwk: 'P-521', openssl: 'secp521r1', hash: 'sha512', size: 66 },
};
const ECDSA_CURVE: Readonly<Record<string, EcCurve>> = {
  'ECDSA-P256-SHA256': 'P-256',
  'ECDSA-P384-SHA384': 'P-384',
  'ECDSA-P521-SHA512': 'P-521',
};

/** Private KeyObjects, built once per key array (see ./keys.ts for ownership). */
const privateKeys = new KeyObjectCache();
/** Public KeyObjects, built once per key content (bounded LRU, see ./keys.ts). */
const publicKeys = new PublicKeyObjectCache();

function isOkpDh(algorithm: DhAlgorithm): algorithm is 'X25519' | 'X448' {
  return algorithm === 'X25519' || algorithm === 'X448';
}

function isEdwards(algorithm: SignatureAlgorithm): algorithm is 'Ed25519' | 'Ed448' {
  return algorithm === 'Ed25519' || algorithm === 'Ed448';
}

function ecParams(algorithm: EcCurve): EcParams {
  return EC[algorithm];
}

/** Uncompressed point of `scalar`; @throws CryptoError('invalid-private-key') outside [1, n-1]. */
function ecPublicPoint(curve: EcCurve, scalar: Uint8Array): Uint8Array {
  const ecdh = createECDH(ecParams(curve).openssl);
  try {
    ecdh.setPrivateKey(asBuffer(scalar));
  } catch {
    throw new CryptoError('invalid-private-key', `${curve} private key is not a scalar in [1, n-1]`);
  }
  return plain(ecdh.getPublicKey());
}

function generateOkp(curve: OkpCurve, privateLength: number, publicLength: number): KeyPair {
  const type = curve.toLowerCase() as 'x25519' | 'x448' | 'ed25519' | 'ed448';
  const { privateKey: key } = generateKeyPairSync(type as 'x25519');
  const privateKey = rawPrivateKey(key, privateLength);
  privateKeys.set(curve, privateKey, key);
  return { privateKey, publicKey: okpRawPublicKey(key, publicLength) };
}

function generateEc(curve: EcCurve, tag: string): KeyPair {
  const { size, jwk } = ecParams(curve);
  const { privateKey: key } = generateKeyPairSync('ec', { namedCurve: jwk });
  const privateKey = rawPrivateKey(key, size);
  privateKeys.set(tag, privateKey, key);
  return { privateKey, publicKey: ecRawPublicKey(key, size) };
}

/** @throws CryptoError('invalid-length' | 'invalid-private-key') */
export function dhPublicKey(algorithm: DhAlgorithm, privateKey: Uint8Array): Uint8Array {
  abytes(privateKey, DH_PRIVATE_KEY_LENGTH[algorithm], 'privateKey');
  if (isOkpDh(algorithm)) {
    const key = privateKeys.get(algorithm, privateKey, (raw) => okpPrivateKey(algorithm, raw));
    return okpRawPublicKey(key, DH_PUBLIC_KEY_LENGTH[algorithm]);
  }
  return ecPublicPoint(algorithm, privateKey);
}

export function dhGenerate(algorithm: DhAlgorithm): KeyPair {
  if (isOkpDh(algorithm)) {
    return generateOkp(algorithm, DH_PRIVATE_KEY_LENGTH[algorithm], DH_PUBLIC_KEY_LENGTH[algorithm]);
  }
  return generateEc(algorithm, algorithm);
}

/**
 * X25519/X448 (RFC 7748 §5, §6) or ECDH on a NIST curve (the x-coordinate, RFC 9180 §7.1.1).
 * @throws CryptoError('invalid-length') for wrong key lengths.
 * @throws CryptoError('invalid-public-key') for a point off the curve, a compressed point, or
 *   an all-zero X25519/X448 result (RFC 7748 §6.1).
 * @throws CryptoError('invalid-private-key') for a NIST scalar outside [1, n-1].
 */
export function dh(algorithm: DhAlgorithm, privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  abytes(privateKey, DH_PRIVATE_KEY_LENGTH[algorithm], 'privateKey');
  abytes(publicKey, DH_PUBLIC_KEY_LENGTH[algorithm], 'publicKey');
  if (isOkpDh(algorithm)) {
    const ours = privateKeys.get(algorithm, privateKey, (raw) => okpPrivateKey(algorithm, raw));
    const theirs = publicKeys.get(algorithm, publicKey, (raw) => okpPublicKey(algorithm, raw));
    let shared: Uint8Array;
    try {
      shared = plain(diffieHellman({ privateKey: ours, publicKey: theirs }));
    } catch {
      // OpenSSL refuses to return the all-zero result of a low-order point.
      throw new CryptoError('invalid-public-key', `${algorithm} shared secret is all zero`);
    }
    if (isAllZero(shared)) throw new CryptoError('invalid-public-key', `${algorithm} shared secret is all zero`);
    return shared;
  }
  if (publicKey[0] !== SEC1_UNCOMPRESSED) {
    throw new CryptoError('invalid-public-key', 'publicKey: expected an uncompressed SEC1 point');
  }
  const ecdh = createECDH(ecParams(algorithm).openssl);
  try {
    ecdh.setPrivateKey(asBuffer(privateKey));
  } catch {
    throw new CryptoError('invalid-private-key', `${algorithm} private key is not a scalar in [1, n-1]`);
  }
  try {
    return plain(ecdh.computeSecret(asBuffer(publicKey)));
  } catch {
    throw new CryptoError('invalid-public-key', `${algorithm} public key is not a point on the curve`);
  }
}

export function signaturePublicKey(algorithm: SignatureAlgorithm, privateKey: Uint8Array): Uint8Array {
  abytes(privateKey, SIGNATURE_PRIVATE_KEY_LENGTH[algorithm], 'privateKey');
  if (isEdwards(algorithm)) {
    const key = privateKeys.get(algorithm, privateKey, (raw) => okpPrivateKey(algorithm, raw));
    return okpRawPublicKey(key, SIGNATURE_PUBLIC_KEY_LENGTH[algorithm]);
  }
  return ecPublicPoint(ECDSA_CURVE[algorithm] as EcCurve, privateKey);
}

export function signatureGenerate(algorithm: SignatureAlgorithm): KeyPair {
  if (isEdwards(algorithm)) {
    return generateOkp(algorithm, SIGNATURE_PRIVATE_KEY_LENGTH[algorithm], SIGNATURE_PUBLIC_KEY_LENGTH[algorithm]);
  }
  return generateEc(ECDSA_CURVE[algorithm] as EcCurve, algorithm);
}

function signingKey(algorithm: SignatureAlgorithm, privateKey: Uint8Array): KeyObject {
  if (isEdwards(algorithm)) return privateKeys.get(algorithm, privateKey, (raw) => okpPrivateKey(algorithm, raw));
  const curve = ECDSA_CURVE[algorithm] as EcCurve;
  return privateKeys.get(algorithm, privateKey, (raw) => ecPrivateKey(curve, raw, ecPublicPoint(curve, raw)));
}

/**
 * EdDSA (RFC 8032 §5.1.6, §5.2.6) or ECDSA with the curve's hash, DER-encoded (RFC 9420 §5.1.2
 * defers to TLS 1.3, which uses DER). OpenSSL's ECDSA nonces are random, S is not normalized.
 * @throws CryptoError('invalid-length' | 'invalid-private-key')
 */
export function sign(algorithm: SignatureAlgorithm, privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(privateKey, SIGNATURE_PRIVATE_KEY_LENGTH[algorithm], 'privateKey');
  abytes(message, undefined, 'message');
  const key = signingKey(algorithm, privateKey);
  if (isEdwards(algorithm)) return plain(nodeSign(null, message, key));
  const { hash } = ecParams(ECDSA_CURVE[algorithm] as EcCurve);
  return plain(nodeSign(hash, message, { key, dsaEncoding: 'der' }));
}

/**
 * False for an invalid signature, a malformed signature or key, or a wrong length; never throws.
 * OpenSSL verifies EdDSA by RFC 8032 (S < L, canonical encodings) and accepts only strict DER
 * for ECDSA (it re-encodes and compares), with high S allowed as FIPS 186-5 does.
 */
export function verify(algorithm: SignatureAlgorithm, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || !(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    return false;
  }
  if (publicKey.length !== SIGNATURE_PUBLIC_KEY_LENGTH[algorithm]) return false;
  try {
    if (isEdwards(algorithm)) {
      const key = publicKeys.get(algorithm, publicKey, (raw) => okpPublicKey(algorithm, raw));
      return nodeVerify(null, message, key, signature);
    }
    if (publicKey[0] !== SEC1_UNCOMPRESSED) return false;
    const curve = ECDSA_CURVE[algorithm] as EcCurve;
    const { hash, size } = ecParams(curve);
    const key = publicKeys.get(algorithm, publicKey, (raw) => ecPublicKey(curve, raw, size));
    return nodeVerify(hash, message, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
