/**
 * DHKEM (RFC 9180 §4.1) over X25519, X448, P-256, P-384 and P-521, with DeriveKeyPair of
 * §7.1.3. The Diffie-Hellman work is the provider's; this file only frames it:
 *
 *   Encap(pkR):       skE, pkE = DeriveKeyPair(ikmE) or GenerateKeyPair()
 *                     dh = DH(skE, pkR)                [ || DH(skS, pkR) for AuthEncap ]
 *                     kem_context = enc || pkRm        [ || pkSm ]
 *                     shared_secret = ExtractAndExpand(dh, kem_context)
 *   ExtractAndExpand: eae_prk = LabeledExtract("", "eae_prk", dh)
 *                     LabeledExpand(eae_prk, "shared_secret", kem_context, Nsecret)
 *
 * The DH output is the X25519/X448 result or the x-coordinate of the ECDH point (§7.1.1),
 * and the provider rejects off-curve points and all-zero X25519/X448 results (§7.1.4).
 */
import { abytes, concatBytes, isAllZero } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { HKDF_SHA256, HKDF_SHA384, HKDF_SHA512 } from '../hpke/kdf.ts';
import type { Kdf } from '../hpke/kdf.ts';
import { kemSuiteId, label, labeledExpand, labeledExtract } from '../hpke/labeled.ts';
import { MAX_IKM_LENGTH } from '../hpke/limits.ts';
import type { CryptoProvider, DhAlgorithm, KeyPair } from '../provider.ts';
import type { AuthKem, KemEncapsulation } from './kem.ts';

const EMPTY = new Uint8Array(0);
const LABEL_DKP_PRK = label('dkp_prk');
const LABEL_SK = label('sk');
const LABEL_CANDIDATE = label('candidate');
const LABEL_EAE_PRK = label('eae_prk');
const LABEL_SHARED_SECRET = label('shared_secret');

/**
 * RFC 9180 §7.1.3: DeriveKeyPair for the NIST curves retries at most 256 candidates; each is
 * rejected with probability < 2^-32 (P-256), so failing all is impossible in practice.
 */
const MAX_DERIVE_CANDIDATES = 256;

/** How a NIST curve's private key is derived (RFC 9180 §7.1.3). */
interface NistDerivation {
  /** Group order n, big-endian, Nsk bytes. */
  readonly order: Uint8Array;
  /** Mask for the first candidate byte: 0xff, or 0x01 for P-521 (521 bits in 66 bytes). */
  readonly bitmask: number;
}

interface DhKemParameters {
  readonly id: number;
  readonly name: string;
  readonly dh: DhAlgorithm;
  readonly kdf: Kdf;
  readonly Nsk: number;
  readonly Npk: number;
  /** Present for the NIST curves; absent for X25519/X448, whose key is any Nsk bytes. */
  readonly nist?: NistDerivation;
}

/** Big-endian `a < b` for equal-length arrays, without a data-dependent early exit. */
function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  let lt = 0;
  let eq = 1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    lt |= eq & ((x - y) >>> 31);
    eq &= ((x ^ y) - 1) >>> 31;
  }
  return lt === 1;
}

function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

class DhKem implements AuthKem {
  readonly id: number;
  readonly name: string;
  readonly Nsecret: number;
  readonly Nenc: number;
  readonly Npk: number;
  readonly Nsk: number;
  readonly Nrandom = undefined;
  readonly supportsAuth = true;
  readonly #dh: DhAlgorithm;
  readonly #kdf: Kdf;
  readonly #suiteId: Uint8Array;
  readonly #nist: NistDerivation | undefined;

  constructor(p: DhKemParameters) {
    this.id = p.id;
    this.name = p.name;
    this.Nsecret = p.kdf.Nh; // RFC 9180 Table 2: Nsecret = Nh of the KEM's KDF
    this.Nenc = p.Npk;
    this.Npk = p.Npk;
    this.Nsk = p.Nsk;
    this.#dh = p.dh;
    this.#kdf = p.kdf;
    this.#suiteId = kemSuiteId(p.id);
    if (p.nist !== undefined && p.nist.order.length !== p.Nsk) throw new Error(`${p.name}: group order is not Nsk bytes`);
    this.#nist = p.nist;
    Object.freeze(this);
  }

  generateKeyPair(provider: CryptoProvider): KeyPair {
    return provider.dhGenerate(this.#dh);
  }

  /** RFC 9180 §7.1.3. */
  deriveKeyPair(provider: CryptoProvider, ikm: Uint8Array): KeyPair {
    abytes(ikm, undefined, 'ikm');
    if (ikm.length > MAX_IKM_LENGTH) throw new CryptoError('invalid-length', `ikm: longer than ${MAX_IKM_LENGTH} bytes`);
    const dkpPrk = labeledExtract(provider, this.#kdf, this.#suiteId, EMPTY, LABEL_DKP_PRK, ikm);
    let privateKey: Uint8Array | undefined;
    if (this.#nist === undefined) {
      privateKey = labeledExpand(provider, this.#kdf, this.#suiteId, dkpPrk, LABEL_SK, EMPTY, this.Nsk);
    } else {
      const { order, bitmask } = this.#nist;
      for (let counter = 0; counter < MAX_DERIVE_CANDIDATES && privateKey === undefined; counter++) {
        const candidate = labeledExpand(provider, this.#kdf, this.#suiteId, dkpPrk, LABEL_CANDIDATE, Uint8Array.of(counter), this.Nsk);
        candidate[0] = (candidate[0] as number) & bitmask;
        if (!isAllZero(candidate) && lessThan(candidate, order)) privateKey = candidate;
      }
      if (privateKey === undefined) throw new CryptoError('invalid-private-key', `${this.name}: DeriveKeyPair found no valid scalar`);
    }
    return { privateKey, publicKey: provider.dhPublicKey(this.#dh, privateKey) };
  }

  publicKeyFromPrivate(provider: CryptoProvider, privateKey: Uint8Array): Uint8Array {
    abytes(privateKey, this.Nsk, 'privateKey');
    return provider.dhPublicKey(this.#dh, privateKey);
  }

  encapsulate(provider: CryptoProvider, publicKey: Uint8Array, randomness?: Uint8Array): KemEncapsulation {
    abytes(publicKey, this.Npk, 'publicKey');
    const ephemeral = this.#ephemeral(provider, randomness);
    const dh = provider.dh(this.#dh, ephemeral.privateKey, publicKey);
    const enc = ephemeral.publicKey;
    return { enc, sharedSecret: this.#extractAndExpand(provider, dh, concatBytes(enc, publicKey)) };
  }

  decapsulate(provider: CryptoProvider, enc: Uint8Array, privateKey: Uint8Array): Uint8Array {
    abytes(enc, this.Nenc, 'enc');
    abytes(privateKey, this.Nsk, 'privateKey');
    const dh = provider.dh(this.#dh, privateKey, enc);
    const publicKey = provider.dhPublicKey(this.#dh, privateKey);
    return this.#extractAndExpand(provider, dh, concatBytes(enc, publicKey));
  }

  authEncapsulate(
    provider: CryptoProvider,
    publicKey: Uint8Array,
    senderPrivateKey: Uint8Array,
    randomness?: Uint8Array,
  ): KemEncapsulation {
    abytes(publicKey, this.Npk, 'publicKey');
    abytes(senderPrivateKey, this.Nsk, 'senderPrivateKey');
    const ephemeral = this.#ephemeral(provider, randomness);
    const dh = concatBytes(provider.dh(this.#dh, ephemeral.privateKey, publicKey), provider.dh(this.#dh, senderPrivateKey, publicKey));
    const enc = ephemeral.publicKey;
    const senderPublicKey = provider.dhPublicKey(this.#dh, senderPrivateKey);
    return { enc, sharedSecret: this.#extractAndExpand(provider, dh, concatBytes(enc, publicKey, senderPublicKey)) };
  }

  authDecapsulate(provider: CryptoProvider, enc: Uint8Array, privateKey: Uint8Array, senderPublicKey: Uint8Array): Uint8Array {
    abytes(enc, this.Nenc, 'enc');
    abytes(privateKey, this.Nsk, 'privateKey');
    abytes(senderPublicKey, this.Npk, 'senderPublicKey');
    const dh = concatBytes(provider.dh(this.#dh, privateKey, enc), provider.dh(this.#dh, privateKey, senderPublicKey));
    const publicKey = provider.dhPublicKey(this.#dh, privateKey);
    return this.#extractAndExpand(provider, dh, concatBytes(enc, publicKey, senderPublicKey));
  }

  /** The ephemeral key pair of Encap: derived from `randomness` (ikmE) when given. */
  #ephemeral(provider: CryptoProvider, randomness: Uint8Array | undefined): KeyPair {
    return randomness === undefined ? provider.dhGenerate(this.#dh) : this.deriveKeyPair(provider, randomness);
  }

  /** ExtractAndExpand of RFC 9180 §4.1. */
  #extractAndExpand(provider: CryptoProvider, dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
    const eaePrk = labeledExtract(provider, this.#kdf, this.#suiteId, EMPTY, LABEL_EAE_PRK, dh);
    return labeledExpand(provider, this.#kdf, this.#suiteId, eaePrk, LABEL_SHARED_SECRET, kemContext, this.Nsecret);
  }
}

/** Group orders (SEC 2 / FIPS 186-5), big-endian at Nsk bytes. */
const P256_ORDER = fromHex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P384_ORDER = fromHex(
  'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
);
const P521_ORDER = fromHex(
  '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
);

/** DHKEM(P-256, HKDF-SHA256), KEM id 0x0010 (RFC 9180 §7.1). */
export const DHKEM_P256_HKDF_SHA256: AuthKem = new DhKem({
  id: 0x0010,
  name: 'DHKEM(P-256, HKDF-SHA256)',
  dh: 'P-256',
  kdf: HKDF_SHA256,
  Nsk: 32,
  Npk: 65,
  nist: { order: P256_ORDER, bitmask: 0xff },
});

/** DHKEM(P-384, HKDF-SHA384), KEM id 0x0011 (RFC 9180 §7.1). */
export const DHKEM_P384_HKDF_SHA384: AuthKem = new DhKem({
  id: 0x0011,
  name: 'DHKEM(P-384, HKDF-SHA384)',
  dh: 'P-384',
  kdf: HKDF_SHA384,
  Nsk: 48,
  Npk: 97,
  nist: { order: P384_ORDER, bitmask: 0xff },
});

/** DHKEM(P-521, HKDF-SHA512), KEM id 0x0012 (RFC 9180 §7.1); note its KDF is SHA-512. */
export const DHKEM_P521_HKDF_SHA512: AuthKem = new DhKem({
  id: 0x0012,
  name: 'DHKEM(P-521, HKDF-SHA512)',
  dh: 'P-521',
  kdf: HKDF_SHA512,
  Nsk: 66,
  Npk: 133,
  nist: { order: P521_ORDER, bitmask: 0x01 },
});

/** DHKEM(X25519, HKDF-SHA256), KEM id 0x0020 (RFC 9180 §7.1). */
export const DHKEM_X25519_HKDF_SHA256: AuthKem = new DhKem({
  id: 0x0020,
  name: 'DHKEM(X25519, HKDF-SHA256)',
  dh: 'X25519',
  kdf: HKDF_SHA256,
  Nsk: 32,
  Npk: 32,
});

/** DHKEM(X448, HKDF-SHA512), KEM id 0x0021 (RFC 9180 §7.1). */
export const DHKEM_X448_HKDF_SHA512: AuthKem = new DhKem({
  id: 0x0021,
  name: 'DHKEM(X448, HKDF-SHA512)',
  dh: 'X448',
  kdf: HKDF_SHA512,
  Nsk: 56,
  Npk: 56,
});
