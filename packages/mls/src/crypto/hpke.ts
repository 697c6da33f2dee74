/**
 * EncryptWithLabel and DecryptWithLabel (RFC 9420 §5.1.3): HPKE base-mode single-shot
 * encryption whose `info` is EncryptContext { "MLS 1.0 " + Label, Context } and whose
 * aad is empty.
 *
 *   EncryptWithLabel(PublicKey, Label, Context, Plaintext) = SealBase(PublicKey, EncryptContext, "", Plaintext)
 *   DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext) = OpenBase(KEMOutput, PrivateKey, EncryptContext, "", Ciphertext)
 */
import { CryptoError } from '@sealed/crypto/errors';
import { PreparedInfo } from '@sealed/crypto/hpke/key-schedule';
import { open, seal } from '@sealed/crypto/hpke/single-shot';
import type { HpkeSuite } from '@sealed/crypto/hpke/suite';
import { hpkeSuiteFromIds } from '@sealed/crypto/hpke/suite';
import type { AeadAlgorithm, HashAlgorithm } from '@sealed/crypto/provider';
import type { CipherSuite } from './cipher-suite.ts';
import { MlsCryptoError } from './errors.ts';
import { encodeEncryptContext } from './labels.ts';

/** HPKE KDF ids (RFC 9180 §7.2) of the suites' hashes. */
const HPKE_KDF_ID: Readonly<Record<HashAlgorithm, number>> = { 'SHA-256': 0x0001, 'SHA-384': 0x0002, 'SHA-512': 0x0003 };
/** HPKE AEAD ids (RFC 9180 §7.3). */
const HPKE_AEAD_ID: Readonly<Record<AeadAlgorithm, number>> = { 'AES-128-GCM': 0x0001, 'AES-256-GCM': 0x0002, 'ChaCha20-Poly1305': 0x0003 };

const hpkeSuites = new Map<number, HpkeSuite>();

/** The HPKE suite (KEM, KDF, AEAD) of an MLS cipher suite (§5.1). */
export function hpkeSuiteOf(suite: CipherSuite): HpkeSuite {
  let hpke = hpkeSuites.get(suite.id);
  if (hpke === undefined) {
    hpke = hpkeSuiteFromIds(suite.kem, HPKE_KDF_ID[suite.hash], HPKE_AEAD_ID[suite.aead]);
    hpkeSuites.set(suite.id, hpke);
  }
  return hpke;
}

/** An HPKE ciphertext as MLS carries it (HPKECiphertext, §5.1.3). */
export interface HpkeCiphertext {
  readonly kemOutput: Uint8Array;
  readonly ciphertext: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * EncryptWithLabel (§5.1.3).
 * @throws MlsCryptoError('invalid-key') when `publicKey` is not a valid key of the suite's KEM.
 */
export function encryptWithLabel(suite: CipherSuite, publicKey: Uint8Array, label: string, context: Uint8Array, plaintext: Uint8Array): HpkeCiphertext {
  try {
    const { enc, ciphertext } = seal(suite.provider, hpkeSuiteOf(suite), publicKey, encodeEncryptContext(label, context), EMPTY, plaintext);
    return { kemOutput: enc, ciphertext };
  } catch (error) {
    if (error instanceof CryptoError) throw new MlsCryptoError('invalid-key', `EncryptWithLabel: ${error.code}`);
    throw error;
  }
}

/** One recipient of `encryptWithLabelToMany`. */
export interface LabelRecipient {
  readonly publicKey: Uint8Array;
  readonly plaintext: Uint8Array;
}

/**
 * EncryptWithLabel (§5.1.3) of one label and context to many recipients, each with its own
 * plaintext: the same ciphertexts as calling `encryptWithLabel` per recipient, but the
 * EncryptContext is encoded and its HPKE info_hash computed once (a Welcome's context is the
 * encrypted GroupInfo, which carries the whole ratchet tree).
 * @throws MlsCryptoError('invalid-key') when a public key is not a valid key of the suite's KEM.
 */
export function encryptWithLabelToMany(suite: CipherSuite, label: string, context: Uint8Array, recipients: readonly LabelRecipient[]): HpkeCiphertext[] {
  try {
    const hpke = hpkeSuiteOf(suite);
    const info = new PreparedInfo(suite.provider, hpke, encodeEncryptContext(label, context));
    return recipients.map(({ publicKey, plaintext }) => {
      const { enc, ciphertext } = seal(suite.provider, hpke, publicKey, info, EMPTY, plaintext);
      return { kemOutput: enc, ciphertext };
    });
  } catch (error) {
    if (error instanceof CryptoError) throw new MlsCryptoError('invalid-key', `EncryptWithLabel: ${error.code}`);
    throw error;
  }
}

/**
 * DecryptWithLabel (§5.1.3). Any failure (wrong key, altered kem_output or ciphertext,
 * wrong label or context) is the same error, so callers learn nothing about which.
 * @throws MlsCryptoError('decrypt-failed')
 */
export function decryptWithLabel(suite: CipherSuite, privateKey: Uint8Array, label: string, context: Uint8Array, kemOutput: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  try {
    return open(suite.provider, hpkeSuiteOf(suite), kemOutput, privateKey, encodeEncryptContext(label, context), EMPTY, ciphertext);
  } catch (error) {
    if (error instanceof CryptoError) throw new MlsCryptoError('decrypt-failed', `DecryptWithLabel: ${error.code}`);
    throw error;
  }
}
