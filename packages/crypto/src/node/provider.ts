/**
 * The fast provider: node:crypto (OpenSSL), synchronous APIs only. ML-KEM comes from
 * @noble/post-quantum (Node 20 has none), shared with the noble provider.
 *
 * Buffer ownership: inputs are never modified or retained (except the KeyObject cache of
 * ./keys.ts, which keeps what it needs per key array; see there). Outputs are plain
 * `Uint8Array`s, never `Buffer`s: either a view over the memory of a Buffer that node:crypto
 * just allocated for this call alone (no copy; nothing else shares it) or a fresh copy.
 * Either way the caller owns the result.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomFillSync,
  timingSafeEqual,
  type CipherGCMTypes,
} from 'node:crypto';
import { abytes, anumber } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { mlkem768 } from '../noble/mlkem768.ts';
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
import { plain } from './keys.ts';


const HASH_NAME: Readonly<Record<HashAlgorithm, string>> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const AEAD_NAME: Readonly<Record<AeadAlgorithm, CipherGCMTypes | 'chacha20-poly1305'>> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'ChaCha20-Poly1305': 'chacha20-poly1305',
};

function hashName(algorithm: HashAlgorithm): string {
  const name = HASH_NAME[algorithm];
  if (name === undefined) throw new CryptoError('unsupported', `hash ${String(algorithm)}`);
  return name;
}

function hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  const name = hashName(algorithm);
  abytes(key, undefined, 'key');
  abytes(data, undefined, 'data');
  return plain(createHmac(name, key).update(data).digest());
}

/**
 * RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) || info || i), OKM = first L bytes of T(1) || T(2)...
 * node:crypto only offers extract-and-expand together (hkdfSync), so expand is the RFC's loop.
 * For L = HashLen (most MLS derivations) the one HMAC output is returned without a copy.
 */
function hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const name = hashName(algorithm);
  const hashLength = HASH_LENGTH[algorithm];
  abytes(prk, undefined, 'prk');
  if (prk.length < HASH_LENGTH[algorithm]) {
    // RFC 5869 §2.3: PRK is "a pseudorandom key of at least HashLen octets".
    throw new CryptoError('invalid-length', `prk: expected at least ${HASH_LENGTH[algorithm]} bytes, got ${prk.length}`);
  }
  abytes(info, undefined, 'info');
  anumber(length, 0, 255 * hashLength, 'length'); // RFC 5869 §2.3: L <= 255*HashLen
  const counter = new Uint8Array(1);
  if (length === hashLength) {
    counter[0] = 1;
    return plain(createHmac(name, prk).update(info).update(counter).digest());
  }
  const okm = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let offset = 0, i = 1; offset < length; offset += hashLength, i++) {
    counter[0] = i;
    previous = createHmac(name, prk).update(previous).update(info).update(counter).digest();
    okm.set(previous.subarray(0, Math.min(hashLength, length - offset)), offset);
  }
  previous.fill(0); // the unused tail of the last block is key stream nobody asked for
  return okm;
}

function aeadName(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  const name = AEAD_NAME[algorithm];
  if (name === undefined) throw new CryptoError('unsupported', `AEAD ${String(algorithm)}`);
  abytes(key, AEAD_KEY_LENGTH[algorithm], 'key');
  abytes(nonce, AEAD_NONCE_LENGTH, 'nonce');
  abytes(aad, undefined, 'aad');
  return name as CipherGCMTypes; // chacha20-poly1305 takes the same options and calls
}

function aeadSeal(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const name = aeadName(algorithm, key, nonce, aad);
  abytes(plaintext, undefined, 'plaintext');
  const cipher = createCipheriv(name, key, nonce, { authTagLength: AEAD_TAG_LENGTH });
  cipher.setAAD(aad);
  const out = new Uint8Array(plaintext.length + AEAD_TAG_LENGTH);
  const body = cipher.update(plaintext);
  out.set(body, 0);
  out.set(cipher.final(), body.length); // empty for GCM and ChaCha20-Poly1305 (stream modes)
  out.set(cipher.getAuthTag(), plaintext.length);
  return out;
}

function aeadOpen(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array {
  const name = aeadName(algorithm, key, nonce, aad);
  abytes(ciphertext, undefined, 'ciphertext');
  if (ciphertext.length < AEAD_TAG_LENGTH) throw new CryptoError('aead-auth', 'ciphertext shorter than the tag');
  const bodyLength = ciphertext.length - AEAD_TAG_LENGTH;
  const decipher = createDecipheriv(name, key, nonce, { authTagLength: AEAD_TAG_LENGTH });
  decipher.setAuthTag(ciphertext.subarray(bodyLength));
  decipher.setAAD(aad);
  const body = decipher.update(ciphertext.subarray(0, bodyLength));
  try {
    decipher.final(); // verifies the tag
  } catch {
    body.fill(0); // unauthenticated plaintext never leaves
    throw new CryptoError('aead-auth', `${algorithm} tag does not verify`);
  }
  return plain(body);
}

/** The node:crypto provider. */
export const nodeProvider: CryptoProvider = Object.freeze({
  name: 'node' as const,

  randomBytes(length: number): Uint8Array {
    anumber(length, 0, MAX_RANDOM_BYTES, 'length');
    return randomFillSync(new Uint8Array(length));
  },

  hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
    const name = hashName(algorithm);
    abytes(data, undefined, 'data');
    return plain(createHash(name).update(data).digest());
  },
  sha3_256(data: Uint8Array): Uint8Array {
    abytes(data, undefined, 'data');
    return plain(createHash('sha3-256').update(data).digest());
  },
  shake256(data: Uint8Array, outputLength: number): Uint8Array {
    abytes(data, undefined, 'data');
    anumber(outputLength, 0, MAX_SHAKE_OUTPUT, 'outputLength');
    return plain(createHash('shake256', { outputLength }).update(data).digest());
  },

  hmac,
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
    // RFC 5869 §2.2: PRK = HMAC(salt, IKM). An empty HMAC key is padded to the block size with
    // zeros, exactly like HashLen zeros, so the empty salt needs no special case.
    return hmac(algorithm, salt, ikm);
  },
  hkdfExpand,

  aeadSeal,
  aeadOpen,

  dhGenerate,
  dhPublicKey,
  dh,
  signatureGenerate,
  signaturePublicKey,
  sign,
  verify,

  mlkem768,

  constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
    abytes(a, undefined, 'a');
    abytes(b, undefined, 'b');
    return a.length === b.length && timingSafeEqual(a, b);
  },
});
