/**
 * X-Wing (draft-connolly-cfrg-xwing-kem, as of the vectors in ../shared/testvectors/xwing;
 * the same KEM as MLKEM768-X25519 of draft-irtf-cfrg-concrete-hybrid-kems) as an HPKE KEM, id 0x647A (draft-ietf-hpke-pq-05 §4):
 * Nsecret 32, Nenc 1120, Npk 1216, Nsk 32.
 *
 * It combines the provider's ML-KEM-768 with the provider's X25519 (node:crypto in the Node
 * provider, which is what makes it fast), never a private pure-JS X25519.
 *
 *   expandDecapsulationKey(sk):  expanded = SHAKE256(sk, 96)
 *                                (pk_M, _) = ML-KEM-768.KeyGen_internal(expanded[0:32], expanded[32:64])
 *                                sk_X = expanded[64:96];  pk_X = X25519(sk_X, 9)
 *   pk = pk_M (1184) || pk_X (32)       ct = ct_M (1088) || ct_X (32)
 *   Encaps(pk, eseed):           ek_X = eseed[32:64];  ct_X = X25519(ek_X, 9);  ss_X = X25519(ek_X, pk_X)
 *                                (ss_M, ct_M) = ML-KEM-768.Encaps(pk_M, eseed[0:32])
 *   Combiner:                    ss = SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel)
 *   Decaps(ct, sk):              ss_M = ML-KEM-768.Decaps(ct_M);  ss_X = X25519(sk_X, ct_X);  Combiner
 *   HPKE DeriveKeyPair(ikm):     sk = SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 32)
 *                                (draft-ietf-hpke-pq-05 §4), pk from expandDecapsulationKey(sk)
 *
 * The provider's X25519 rejects an all-zero result (RFC 7748 §6.1), so a low-order `ct_X` or
 * `pk_X` makes Decaps/Encaps throw `CryptoError('invalid-public-key')` instead of producing a
 * secret that no honest peer could share. Both values are public, so the error reveals
 * nothing secret. X-Wing has no AuthEncap/AuthDecap (draft-ietf-hpke-pq-05 §7.2).
 */
import { abytes, concatBytes } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { kemSuiteId, label, shake256LabeledDerive } from '../hpke/labeled.ts';
import { MAX_IKM_LENGTH } from '../hpke/limits.ts';
import type { CryptoProvider, KeyPair } from '../provider.ts';
import type { Kem, KemEncapsulation } from './kem.ts';

const ID = 0x647a;
const SUITE_ID = kemSuiteId(ID);
const LABEL_DERIVE_KEY_PAIR = label('DeriveKeyPair');
const EMPTY = new Uint8Array(0);

/** Sizes of draft-connolly-cfrg-xwing-kem and their ML-KEM-768 / X25519 parts. */
export const XWING_SEED_LENGTH = 32;
export const XWING_PUBLIC_KEY_LENGTH = 1216;
export const XWING_CIPHERTEXT_LENGTH = 1120;
export const XWING_SHARED_SECRET_LENGTH = 32;
/** eseed: 32 bytes of ML-KEM encapsulation randomness, then the 32-byte X25519 ephemeral key. */
export const XWING_ENCAPSULATION_SEED_LENGTH = 64;
const MLKEM_PUBLIC_KEY_LENGTH = 1184;
const MLKEM_CIPHERTEXT_LENGTH = 1088;
const MLKEM_SEED_LENGTH = 64;
const X25519_LENGTH = 32;
const EXPANDED_KEY_LENGTH = MLKEM_SEED_LENGTH + X25519_LENGTH;

/** XWingLabel, the 6 ASCII bytes `\./` `/^\` (hex 5c2e2f2f5e5c). */
const XWING_LABEL = Uint8Array.of(0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c);

interface ExpandedKey {
  /** d || z for ML-KEM-768 KeyGen_internal (the provider's ML-KEM private key). */
  readonly mlkemSeed: Uint8Array;
  readonly x25519PrivateKey: Uint8Array;
}

/** The ML-KEM seed and X25519 key inside a 32-byte X-Wing decapsulation key. */
function expandDecapsulationKey(provider: CryptoProvider, privateKey: Uint8Array): ExpandedKey {
  const expanded = provider.shake256(privateKey, EXPANDED_KEY_LENGTH);
  return { mlkemSeed: expanded.subarray(0, MLKEM_SEED_LENGTH), x25519PrivateKey: expanded.subarray(MLKEM_SEED_LENGTH) };
}

function combiner(provider: CryptoProvider, ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pkX: Uint8Array): Uint8Array {
  return provider.sha3_256(concatBytes(ssM, ssX, ctX, pkX, XWING_LABEL));
}

function publicKeyFromPrivate(provider: CryptoProvider, privateKey: Uint8Array): Uint8Array {
  abytes(privateKey, XWING_SEED_LENGTH, 'privateKey');
  const { mlkemSeed, x25519PrivateKey } = expandDecapsulationKey(provider, privateKey);
  const pkM = provider.mlkem768.keygen(mlkemSeed).publicKey;
  return concatBytes(pkM, provider.dhPublicKey('X25519', x25519PrivateKey));
}

/** X-Wing for HPKE (draft-ietf-hpke-pq-05 §4, draft-connolly-cfrg-xwing-kem). */
export const XWING: Kem = Object.freeze({
  id: ID,
  name: 'MLKEM768-X25519 (X-Wing)',
  Nsecret: XWING_SHARED_SECRET_LENGTH,
  Nenc: XWING_CIPHERTEXT_LENGTH,
  Npk: XWING_PUBLIC_KEY_LENGTH,
  Nsk: XWING_SEED_LENGTH,
  Nrandom: XWING_ENCAPSULATION_SEED_LENGTH,
  supportsAuth: false,

  generateKeyPair(provider: CryptoProvider): KeyPair {
    const privateKey = provider.randomBytes(XWING_SEED_LENGTH);
    return { privateKey, publicKey: publicKeyFromPrivate(provider, privateKey) };
  },

  deriveKeyPair(provider: CryptoProvider, ikm: Uint8Array): KeyPair {
    abytes(ikm, undefined, 'ikm');
    if (ikm.length > MAX_IKM_LENGTH) throw new CryptoError('invalid-length', `ikm: longer than ${MAX_IKM_LENGTH} bytes`);
    const privateKey = shake256LabeledDerive(provider, SUITE_ID, ikm, LABEL_DERIVE_KEY_PAIR, EMPTY, XWING_SEED_LENGTH);
    return { privateKey, publicKey: publicKeyFromPrivate(provider, privateKey) };
  },

  publicKeyFromPrivate,

  encapsulate(provider: CryptoProvider, publicKey: Uint8Array, randomness?: Uint8Array): KemEncapsulation {
    abytes(publicKey, XWING_PUBLIC_KEY_LENGTH, 'publicKey');
    if (randomness !== undefined) abytes(randomness, XWING_ENCAPSULATION_SEED_LENGTH, 'randomness');
    const pkM = publicKey.subarray(0, MLKEM_PUBLIC_KEY_LENGTH);
    const pkX = publicKey.subarray(MLKEM_PUBLIC_KEY_LENGTH);
    const ekX = randomness === undefined ? provider.randomBytes(X25519_LENGTH) : randomness.subarray(MLKEM_SEED_LENGTH / 2);
    const ctX = provider.dhPublicKey('X25519', ekX);
    const ssX = provider.dh('X25519', ekX, pkX);
    const m = randomness === undefined ? undefined : randomness.subarray(0, MLKEM_SEED_LENGTH / 2);
    const { cipherText: ctM, sharedSecret: ssM } = provider.mlkem768.encapsulate(pkM, m);
    return { enc: concatBytes(ctM, ctX), sharedSecret: combiner(provider, ssM, ssX, ctX, pkX) };
  },

  decapsulate(provider: CryptoProvider, enc: Uint8Array, privateKey: Uint8Array): Uint8Array {
    abytes(enc, XWING_CIPHERTEXT_LENGTH, 'enc');
    abytes(privateKey, XWING_SEED_LENGTH, 'privateKey');
    const ctM = enc.subarray(0, MLKEM_CIPHERTEXT_LENGTH);
    const ctX = enc.subarray(MLKEM_CIPHERTEXT_LENGTH);
    const { mlkemSeed, x25519PrivateKey } = expandDecapsulationKey(provider, privateKey);
    // Decaps needs only pk_X, not pk_M, so no extra ML-KEM KeyGen beyond the one inside Decaps.
    const ssM = provider.mlkem768.decapsulate(ctM, mlkemSeed);
    const ssX = provider.dh('X25519', x25519PrivateKey, ctX);
    const pkX = provider.dhPublicKey('X25519', x25519PrivateKey);
    return combiner(provider, ssM, ssX, ctX, pkX);
  },
});
