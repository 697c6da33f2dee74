/**
 * ML-KEM-768 (FIPS 203) as an HPKE KEM, id 0x0041 (draft-ietf-hpke-pq-05 §3, Table 2):
 * Nsecret 32, Nenc 1088, Npk 1184, Nsk 64. The private key is the 64-byte seed d || z
 * (the "seed format"), which is also the provider's ML-KEM private key.
 *
 *   DeriveKeyPair(ikm): dk = SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 64)
 *                       (ek, _) = ML-KEM.KeyGen_internal(dk[0:32], dk[32:64])
 *   Encap(pkR):         ML-KEM.Encaps(pkR); a failed encapsulation key check is EncapError
 *   Decap(enc, skR):    ML-KEM.Decaps, with implicit rejection (a wrong `enc` of the right
 *                       length yields an unrelated secret, never an error)
 *
 * ML-KEM has no AuthEncap/AuthDecap (draft-ietf-hpke-pq-05 §7.2).
 */
import { abytes } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { kemSuiteId, label, shake256LabeledDerive } from '../hpke/labeled.ts';
import { MAX_IKM_LENGTH } from '../hpke/limits.ts';
import type { CryptoProvider, KeyPair } from '../provider.ts';
import type { Kem, KemEncapsulation } from './kem.ts';

const ID = 0x0041;
const SUITE_ID = kemSuiteId(ID);
const LABEL_DERIVE_KEY_PAIR = label('DeriveKeyPair');
const EMPTY = new Uint8Array(0);

/** ML-KEM-768 for HPKE (draft-ietf-hpke-pq-05 §3). */
export const MLKEM768: Kem = Object.freeze({
  id: ID,
  name: 'ML-KEM-768',
  Nsecret: 32,
  Nenc: 1088,
  Npk: 1184,
  Nsk: 64,
  /** The 32-byte message m of ML-KEM.Encaps_internal (FIPS 203 Algorithm 17). */
  Nrandom: 32,
  supportsAuth: false,

  generateKeyPair(provider: CryptoProvider): KeyPair {
    return provider.mlkem768.keygen();
  },

  deriveKeyPair(provider: CryptoProvider, ikm: Uint8Array): KeyPair {
    abytes(ikm, undefined, 'ikm');
    if (ikm.length > MAX_IKM_LENGTH) throw new CryptoError('invalid-length', `ikm: longer than ${MAX_IKM_LENGTH} bytes`);
    const seed = shake256LabeledDerive(provider, SUITE_ID, ikm, LABEL_DERIVE_KEY_PAIR, EMPTY, 64);
    return { privateKey: seed, publicKey: provider.mlkem768.keygen(seed).publicKey };
  },

  publicKeyFromPrivate(provider: CryptoProvider, privateKey: Uint8Array): Uint8Array {
    abytes(privateKey, 64, 'privateKey');
    return provider.mlkem768.keygen(privateKey).publicKey;
  },

  encapsulate(provider: CryptoProvider, publicKey: Uint8Array, randomness?: Uint8Array): KemEncapsulation {
    abytes(publicKey, 1184, 'publicKey');
    if (randomness !== undefined) abytes(randomness, 32, 'randomness');
    const { cipherText, sharedSecret } = provider.mlkem768.encapsulate(publicKey, randomness);
    return { enc: cipherText, sharedSecret };
  },

  decapsulate(provider: CryptoProvider, enc: Uint8Array, privateKey: Uint8Array): Uint8Array {
    abytes(enc, 1088, 'enc');
    // Only the seed format is an HPKE private key (draft-ietf-hpke-pq-05 §3), although the
    // provider would also take the 2400-byte expanded form.
    abytes(privateKey, 64, 'privateKey');
    return provider.mlkem768.decapsulate(enc, privateKey);
  },
});
