/**
 * An HPKE cipher suite: a KEM, a KDF and an AEAD (RFC 9180 §5.1), with its `suite_id`
 * computed once.
 */
import type { Kem } from '../kem/kem.ts';
import { kemFromId } from '../kem/registry.ts';
import type { Aead } from './aead.ts';
import { aeadFromId } from './aead.ts';
import type { Kdf } from './kdf.ts';
import { kdfFromId } from './kdf.ts';
import { hpkeSuiteId } from './labeled.ts';

export interface HpkeSuite {
  readonly kem: Kem;
  readonly kdf: Kdf;
  readonly aead: Aead;
  /** `"HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)` (RFC 9180 §5.1). */
  readonly suiteId: Uint8Array;
}

/** A suite from its three parts. */
export function hpkeSuite(kem: Kem, kdf: Kdf, aead: Aead): HpkeSuite {
  return Object.freeze({ kem, kdf, aead, suiteId: hpkeSuiteId(kem.id, kdf.id, aead.id) });
}

/**
 * A suite from its three IANA identifiers.
 * @throws CryptoError('unsupported') when any identifier is unknown.
 */
export function hpkeSuiteFromIds(kemId: number, kdfId: number, aeadId: number): HpkeSuite {
  return hpkeSuite(kemFromId(kemId), kdfFromId(kdfId), aeadFromId(aeadId));
}
