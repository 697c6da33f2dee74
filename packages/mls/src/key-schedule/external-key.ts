/**
 * The group's external key pair and external initialisation (RFC 9420 §8, §8.3).
 *
 *   external_priv, external_pub = KEM.DeriveKeyPair(external_secret)                     §8
 *
 * A joiner that is not yet a member picks the new epoch's init_secret by HPKE-exporting
 * to external_pub; members recover it with external_priv (§8.3):
 *
 *   kem_output, context = SetupBaseS(external_pub, "")
 *   init_secret = context.export("MLS 1.0 external init secret", KDF.Nh)
 */
import { CryptoError } from '@sealed/crypto/errors';
import { receiveExport, sendExport } from '@sealed/crypto/hpke/single-shot';
import { kemFromId } from '@sealed/crypto/kem/registry';
import type { KeyPair } from '@sealed/crypto/provider';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsCryptoError } from '../crypto/errors.ts';
import { hpkeSuiteOf } from '../crypto/hpke.ts';

const EXTERNAL_INIT_LABEL = new TextEncoder().encode('MLS 1.0 external init secret');
const EMPTY = new Uint8Array(0);

/** KEM.DeriveKeyPair(external_secret) with the suite's KEM (§8). */
export function externalKeyPair(suite: CipherSuite, externalSecret: Uint8Array): KeyPair {
  return kemFromId(suite.kem).deriveKeyPair(suite.provider, externalSecret);
}

/**
 * The joiner's side of §8.3: a fresh init_secret and the kem_output of its ExternalInit proposal.
 * @throws MlsCryptoError('invalid-key') when `externalPub` is not a valid KEM public key.
 */
export function externalInitSend(suite: CipherSuite, externalPub: Uint8Array): { kemOutput: Uint8Array; initSecret: Uint8Array } {
  try {
    const { enc, exportedValue } = sendExport(suite.provider, hpkeSuiteOf(suite), externalPub, EMPTY, EXTERNAL_INIT_LABEL, suite.Nh);
    return { kemOutput: enc, initSecret: exportedValue };
  } catch (error) {
    if (error instanceof CryptoError) throw new MlsCryptoError('invalid-key', `external init: ${error.code}`);
    throw error;
  }
}

/**
 * The members' side of §8.3: init_secret from an ExternalInit's kem_output.
 * @throws MlsCryptoError('decrypt-failed') when `kemOutput` is malformed.
 */
export function externalInitReceive(suite: CipherSuite, externalPriv: Uint8Array, kemOutput: Uint8Array): Uint8Array {
  try {
    return receiveExport(suite.provider, hpkeSuiteOf(suite), kemOutput, externalPriv, EMPTY, EXTERNAL_INIT_LABEL, suite.Nh);
  } catch (error) {
    if (error instanceof CryptoError) throw new MlsCryptoError('decrypt-failed', `external init: ${error.code}`);
    throw error;
  }
}
