/**
 * Diffie-Hellman and signatures on @noble/curves, with the key encodings of ../provider.ts.
 * Every function asserts exact lengths first, then calls noble; noble's own errors are
 * replaced by a `CryptoError` whose message never repeats its input (noble messages may).
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { ed448, x448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
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

/** SEC1 §2.3.3 prefix of an uncompressed point. */
const SEC1_UNCOMPRESSED = 0x04;

const montgomery = { X25519: x25519, X448: x448 } as const;
const weierstrassDh = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
const edwards = { Ed25519: ed25519, Ed448: ed448 } as const;
// Each ECDSA curve object of noble hashes with the curve's own hash (SHA-256/384/512).
const ecdsa = { 'ECDSA-P256-SHA256': p256, 'ECDSA-P384-SHA384': p384, 'ECDSA-P521-SHA512': p521 } as const;

function isMontgomery(algorithm: DhAlgorithm): algorithm is 'X25519' | 'X448' {
  return algorithm === 'X25519' || algorithm === 'X448';
}

function isEdwards(algorithm: SignatureAlgorithm): algorithm is 'Ed25519' | 'Ed448' {
  return algorithm === 'Ed25519' || algorithm === 'Ed448';
}

function assertUncompressed(publicKey: Uint8Array, length: number, name: string): void {
  abytes(publicKey, length, name);
  if (publicKey[0] !== SEC1_UNCOMPRESSED) {
    throw new CryptoError('invalid-public-key', `${name}: expected an uncompressed SEC1 point`);
  }
}

/** Runs `fn`, replacing any non-`CryptoError` with `CryptoError(code, detail)`. */
function guard<T>(code: 'invalid-public-key' | 'invalid-private-key', detail: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw new CryptoError(code, detail);
  }
}

/** @throws CryptoError('invalid-length' | 'invalid-private-key') */
export function dhPublicKey(algorithm: DhAlgorithm, privateKey: Uint8Array): Uint8Array {
  abytes(privateKey, DH_PRIVATE_KEY_LENGTH[algorithm], 'privateKey');
  if (isMontgomery(algorithm)) return montgomery[algorithm].getPublicKey(privateKey);
  const curve = weierstrassDh[algorithm];
  return guard('invalid-private-key', `${algorithm} private key is not a scalar in [1, n-1]`, () =>
    curve.getPublicKey(privateKey, false),
  );
}

export function dhGenerate(algorithm: DhAlgorithm): KeyPair {
  const curve = isMontgomery(algorithm) ? montgomery[algorithm] : weierstrassDh[algorithm];
  const privateKey = curve.utils.randomSecretKey();
  return { privateKey, publicKey: dhPublicKey(algorithm, privateKey) };
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
  if (isMontgomery(algorithm)) {
    abytes(publicKey, DH_PUBLIC_KEY_LENGTH[algorithm], 'publicKey');
    const shared = guard('invalid-public-key', `${algorithm} shared secret is all zero`, () =>
      montgomery[algorithm].getSharedSecret(privateKey, publicKey),
    );
    // noble already rejects low-order points; the check stays as the RFC 7748 §6.1 rule itself.
    if (isAllZero(shared)) throw new CryptoError('invalid-public-key', `${algorithm} shared secret is all zero`);
    return shared;
  }
  assertUncompressed(publicKey, DH_PUBLIC_KEY_LENGTH[algorithm], 'publicKey');
  const curve = weierstrassDh[algorithm];
  if (!curve.utils.isValidSecretKey(privateKey)) {
    throw new CryptoError('invalid-private-key', `${algorithm} private key is not a scalar in [1, n-1]`);
  }
  const point = guard('invalid-public-key', `${algorithm} public key is not a point on the curve`, () =>
    curve.getSharedSecret(privateKey, publicKey, true),
  );
  return point.slice(1); // drop the compressed-point prefix: x-coordinate only
}

export function signaturePublicKey(algorithm: SignatureAlgorithm, privateKey: Uint8Array): Uint8Array {
  abytes(privateKey, SIGNATURE_PRIVATE_KEY_LENGTH[algorithm], 'privateKey');
  if (isEdwards(algorithm)) return edwards[algorithm].getPublicKey(privateKey);
  const curve = ecdsa[algorithm];
  return guard('invalid-private-key', `${algorithm} private key is not a scalar in [1, n-1]`, () =>
    curve.getPublicKey(privateKey, false),
  );
}

export function signatureGenerate(algorithm: SignatureAlgorithm): KeyPair {
  const scheme = isEdwards(algorithm) ? edwards[algorithm] : ecdsa[algorithm];
  const privateKey = scheme.utils.randomSecretKey();
  return { privateKey, publicKey: signaturePublicKey(algorithm, privateKey) };
}

/**
 * EdDSA (RFC 8032 §5.1.6, §5.2.6) or ECDSA with the curve's hash, DER-encoded (RFC 9420 §5.1.2
 * defers to TLS 1.3, which uses DER). ECDSA nonces are deterministic (RFC 6979) and S is low.
 */
export function sign(algorithm: SignatureAlgorithm, privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(privateKey, SIGNATURE_PRIVATE_KEY_LENGTH[algorithm], 'privateKey');
  abytes(message, undefined, 'message');
  if (isEdwards(algorithm)) return edwards[algorithm].sign(message, privateKey);
  const curve = ecdsa[algorithm];
  return guard('invalid-private-key', `${algorithm} private key is not a scalar in [1, n-1]`, () =>
    curve.sign(message, privateKey, { format: 'der', prehash: true, lowS: true }),
  );
}

/**
 * False for an invalid signature, a malformed signature or key, or a wrong length; never throws.
 * EdDSA uses RFC 8032 rules (not ZIP-215), as OpenSSL does, so both providers agree. ECDSA
 * accepts high S (FIPS 186-5 has no low-S rule) and only strict DER.
 */
export function verify(algorithm: SignatureAlgorithm, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || !(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    return false;
  }
  if (publicKey.length !== SIGNATURE_PUBLIC_KEY_LENGTH[algorithm]) return false;
  try {
    if (isEdwards(algorithm)) {
      return edwards[algorithm].verify(signature, message, publicKey, { zip215: false });
    }
    if (publicKey[0] !== SEC1_UNCOMPRESSED) return false;
    return ecdsa[algorithm].verify(signature, message, publicKey, { format: 'der', prehash: true, lowS: false });
  } catch {
    return false;
  }
}
