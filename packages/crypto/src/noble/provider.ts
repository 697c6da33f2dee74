/**
 * The portable provider: @noble/hashes, @noble/ciphers, @noble/curves and
 * @noble/post-quantum (audited pure TypeScript). It runs unchanged in browsers and Node and
 * imports nothing from node:*.
 *
 * Buffer ownership: inputs are never modified or retained; every output is a fresh
 * `Uint8Array` owned by the caller.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';
import { abytes, anumber, constantTimeEqual } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import {
  AEAD_KEY_LENGTH,
  AEAD_NONCE_LENGTH,
  AEAD_TAG_LENGTH,
  HASH_LENGTH,
  MAX_RANDOM_BYTES,
  MAX_SHAKE_OUTPUT,
  type AeadAlgorithm,
  type CryptoProvider,
  type HashAlgorithm,
} from '../provider.ts';
import { dh, dhGenerate, dhPublicKey, sign, signatureGenerate, signaturePublicKey, verify } from './curves.ts';
import { mlkem768 } from './mlkem768.ts';

/** Web Crypto's `getRandomValues` fills at most 65536 bytes per call (W3C Web Crypto §10.1.1). */
const RANDOM_CHUNK = 65536;

const hashes = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

function hashOf(algorithm: HashAlgorithm): (typeof hashes)[HashAlgorithm] {
  const h = hashes[algorithm];
  if (h === undefined) throw new CryptoError('unsupported', `hash ${String(algorithm)}`);
  return h;
}

function randomBytes(length: number): Uint8Array {
  anumber(length, 0, MAX_RANDOM_BYTES, 'length');
  if (length <= RANDOM_CHUNK) return nobleRandomBytes(length);
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += RANDOM_CHUNK) {
    out.set(nobleRandomBytes(Math.min(RANDOM_CHUNK, length - offset)), offset);
  }
  return out;
}

function hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hash = hashOf(algorithm);
  abytes(prk, undefined, 'prk');
  if (prk.length < HASH_LENGTH[algorithm]) {
    // RFC 5869 §2.3: PRK is "a pseudorandom key of at least HashLen octets".
    throw new CryptoError('invalid-length', `prk: expected at least ${HASH_LENGTH[algorithm]} bytes, got ${prk.length}`);
  }
  abytes(info, undefined, 'info');
  anumber(length, 0, 255 * HASH_LENGTH[algorithm], 'length'); // RFC 5869 §2.3: L <= 255*HashLen
  if (length === 0) return new Uint8Array(0);
  return expand(hash, prk, info, length);
}

/** The AEAD instance for one message, after the length asserts of ../provider.ts. */
function aead(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  const keyLength = AEAD_KEY_LENGTH[algorithm];
  if (keyLength === undefined) throw new CryptoError('unsupported', `AEAD ${String(algorithm)}`);
  abytes(key, keyLength, 'key');
  abytes(nonce, AEAD_NONCE_LENGTH, 'nonce');
  abytes(aad, undefined, 'aad');
  return algorithm === 'ChaCha20-Poly1305' ? chacha20poly1305(key, nonce, aad) : gcm(key, nonce, aad);
}

/** The @noble/* provider. */
export const nobleProvider: CryptoProvider = Object.freeze({
  name: 'noble' as const,
  randomBytes,

  hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
    const hash = hashOf(algorithm);
    abytes(data, undefined, 'data');
    return hash(data);
  },
  sha3_256(data: Uint8Array): Uint8Array {
    abytes(data, undefined, 'data');
    return sha3_256(data);
  },
  shake256(data: Uint8Array, outputLength: number): Uint8Array {
    abytes(data, undefined, 'data');
    anumber(outputLength, 0, MAX_SHAKE_OUTPUT, 'outputLength');
    return shake256(data, { dkLen: outputLength });
  },

  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
    const hash = hashOf(algorithm);
    abytes(key, undefined, 'key');
    abytes(data, undefined, 'data');
    return hmac(hash, key, data);
  },
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
    const hash = hashOf(algorithm);
    abytes(salt, undefined, 'salt');
    abytes(ikm, undefined, 'ikm');
    // An empty HMAC key is padded to the block size with zeros, exactly like HashLen zeros
    // (RFC 5869 §2.2), so the empty salt needs no special case.
    return extract(hash, ikm, salt);
  },
  hkdfExpand,

  aeadSeal(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    const cipher = aead(algorithm, key, nonce, aad);
    abytes(plaintext, undefined, 'plaintext');
    return cipher.encrypt(plaintext);
  },
  aeadOpen(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array {
    const cipher = aead(algorithm, key, nonce, aad);
    abytes(ciphertext, undefined, 'ciphertext');
    if (ciphertext.length < AEAD_TAG_LENGTH) throw new CryptoError('aead-auth', 'ciphertext shorter than the tag');
    try {
      return cipher.decrypt(ciphertext);
    } catch {
      throw new CryptoError('aead-auth', `${algorithm} tag does not verify`);
    }
  },

  dhGenerate,
  dhPublicKey,
  dh,
  signatureGenerate,
  signaturePublicKey,
  sign,
  verify,

  mlkem768,
  constantTimeEqual,
});
