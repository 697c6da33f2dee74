/**
 * ML-KEM-768 (FIPS 203) on @noble/post-quantum, shared by both providers: Node 20's
 * node:crypto has no ML-KEM, so the Node provider uses this module too.
 *
 * Key encodings (see ../provider.ts):
 * - private key = the 64-byte seed d || z (FIPS 203 §7.1 ML-KEM.KeyGen_internal input). It is
 *   what we store and what X-Wing (draft-connolly-cfrg-xwing-kem) derives its keys from.
 * - `decapsulate` also accepts the 2400-byte expanded decapsulation key
 *   dk = dk_PKE || ek || H(ek) || z (FIPS 203 §7.3), so Wycheproof's "semi-expanded" decaps
 *   vectors can run. For that form, FIPS 203 §7.3's input check is applied: the embedded
 *   H(ek) must match, else `CryptoError('invalid-private-key')`.
 *
 * With the seed form, each `decapsulate` re-runs KeyGen from the seed (one ML-KEM KeyGen,
 * about as costly as one Encaps). We do not cache expanded keys: a cache keyed by the
 * caller's array would go stale if the caller overwrote (wiped) it.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { abytes } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import type { KeyPair, MlKem768, MlKemEncapsulation } from '../provider.ts';

/** FIPS 203 Table 3, ML-KEM-768 sizes in bytes. */
export const MLKEM768_SEED_LENGTH = 64;
export const MLKEM768_PUBLIC_KEY_LENGTH = 1184;
export const MLKEM768_EXPANDED_PRIVATE_KEY_LENGTH = 2400;
export const MLKEM768_CIPHERTEXT_LENGTH = 1088;
export const MLKEM768_SHARED_SECRET_LENGTH = 32;
/** Length of the encapsulation randomness m (FIPS 203 Algorithm 17). */
export const MLKEM768_MESSAGE_LENGTH = 32;

/**
 * FIPS 203 §7.1 KeyGen. `seed` (d || z, 64 bytes) is random when omitted.
 * Returns the seed itself (a copy) as the private key and the 1184-byte encapsulation key.
 * @throws CryptoError('invalid-length') when `seed` is not 64 bytes.
 */
function keygen(seed?: Uint8Array): KeyPair {
  const d = seed === undefined ? randomBytes(MLKEM768_SEED_LENGTH) : seed;
  abytes(d, MLKEM768_SEED_LENGTH, 'seed');
  const { publicKey, secretKey } = ml_kem768.keygen(d);
  secretKey.fill(0); // the expanded key is re-derived when needed; do not leave it in memory
  return { privateKey: seed === undefined ? d : d.slice(), publicKey };
}

/**
 * FIPS 203 §7.2 Encaps, with the encapsulation key check (modulus check) of §7.2.
 * `m` (32 bytes) is the randomness of Algorithm 17, random when omitted; pass it only in tests.
 * @throws CryptoError('invalid-length') for a wrong length of `publicKey` or `m`.
 * @throws CryptoError('invalid-public-key') when the modulus check fails.
 */
function encapsulate(publicKey: Uint8Array, m?: Uint8Array): MlKemEncapsulation {
  abytes(publicKey, MLKEM768_PUBLIC_KEY_LENGTH, 'publicKey');
  if (m !== undefined) abytes(m, MLKEM768_MESSAGE_LENGTH, 'm');
  let result: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    result = ml_kem768.encapsulate(publicKey, m);
  } catch {
    // Lengths were checked above, so the only failure left is the §7.2 modulus check.
    throw new CryptoError('invalid-public-key', 'ML-KEM-768 encapsulation key fails the modulus check');
  }
  // noble returns the secret as a view into a 64-byte buffer whose tail it wiped; hand out
  // an exact-size array the caller owns alone.
  return { cipherText: result.cipherText, sharedSecret: result.sharedSecret.slice() };
}

/**
 * FIPS 203 §7.3 Decaps with implicit rejection: a well-sized but wrong ciphertext yields a
 * pseudo-random secret, not an error. `privateKey` is the 64-byte seed or the 2400-byte
 * expanded decapsulation key.
 * @throws CryptoError('invalid-length') for a wrong ciphertext or key length.
 * @throws CryptoError('invalid-private-key') when an expanded key fails the H(ek) check.
 */
function decapsulate(cipherText: Uint8Array, privateKey: Uint8Array): Uint8Array {
  abytes(cipherText, MLKEM768_CIPHERTEXT_LENGTH, 'cipherText');
  abytes(privateKey, undefined, 'privateKey');
  if (privateKey.length === MLKEM768_SEED_LENGTH) {
    const { secretKey } = ml_kem768.keygen(privateKey);
    try {
      return ml_kem768.decapsulate(cipherText, secretKey);
    } finally {
      secretKey.fill(0);
    }
  }
  if (privateKey.length !== MLKEM768_EXPANDED_PRIVATE_KEY_LENGTH) {
    throw new CryptoError(
      'invalid-length',
      `privateKey: expected ${MLKEM768_SEED_LENGTH} or ${MLKEM768_EXPANDED_PRIVATE_KEY_LENGTH} bytes, got ${privateKey.length}`,
    );
  }
  try {
    return ml_kem768.decapsulate(cipherText, privateKey);
  } catch {
    // Lengths were checked above, so the only failure left is the §7.3 hash check.
    throw new CryptoError('invalid-private-key', 'ML-KEM-768 decapsulation key fails the H(ek) check');
  }
}

/**
 * The 2400-byte expanded decapsulation key dk = dk_PKE || ek || H(ek) || z of a seed (FIPS 203
 * Algorithm 16). Not part of the provider interface (we store seeds); tests use it to check
 * KeyGen against Wycheproof's expected dk and to feed `decapsulate` the expanded form.
 * @throws CryptoError('invalid-length') when `seed` is not 64 bytes.
 */
export function mlkem768ExpandedPrivateKey(seed: Uint8Array): Uint8Array {
  abytes(seed, MLKEM768_SEED_LENGTH, 'seed');
  return ml_kem768.keygen(seed).secretKey;
}

/** ML-KEM-768 for both providers. */
export const mlkem768: MlKem768 = Object.freeze({ keygen, encapsulate, decapsulate });
