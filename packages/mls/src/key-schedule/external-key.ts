/**
 * The group's external key pair (RFC 9420 §8): an HPKE key pair held by every member,
 * whose public half is published in GroupInfo so that non-members can join with an
 * external commit.
 *
 *   external_priv, external_pub = KEM.DeriveKeyPair(external_secret)
 */
import { kemFromId } from '@sealed/crypto/kem/registry';
import type { KeyPair } from '@sealed/crypto/provider';
import type { CipherSuite } from '../crypto/cipher-suite.ts';

/** KEM.DeriveKeyPair(external_secret) with the suite's KEM (§8). */
export function externalKeyPair(suite: CipherSuite, externalSecret: Uint8Array): KeyPair {
  return kemFromId(suite.kem).deriveKeyPair(suite.provider, externalSecret);
}
