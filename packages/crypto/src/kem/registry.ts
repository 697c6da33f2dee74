/**
 * The HPKE KEMs Sealed implements, by IANA identifier (RFC 9180 §7.1 Table 2,
 * draft-ietf-hpke-pq-05 Tables 2 and 3).
 */
import { CryptoError } from '../errors.ts';
import {
  DHKEM_P256_HKDF_SHA256,
  DHKEM_P384_HKDF_SHA384,
  DHKEM_P521_HKDF_SHA512,
  DHKEM_X25519_HKDF_SHA256,
  DHKEM_X448_HKDF_SHA512,
} from './dhkem.ts';
import type { Kem } from './kem.ts';
import { MLKEM768 } from './mlkem768.ts';
import { XWING } from './xwing.ts';

/** Every KEM above, in identifier order. */
export const KEMS: readonly Kem[] = Object.freeze([
  DHKEM_P256_HKDF_SHA256,
  DHKEM_P384_HKDF_SHA384,
  DHKEM_P521_HKDF_SHA512,
  DHKEM_X25519_HKDF_SHA256,
  DHKEM_X448_HKDF_SHA512,
  MLKEM768,
  XWING,
]);

/**
 * The KEM with identifier `id`.
 * @throws CryptoError('unsupported') for any other identifier.
 */
export function kemFromId(id: number): Kem {
  const kem = KEMS.find((k) => k.id === id);
  if (kem === undefined) throw new CryptoError('unsupported', `unknown HPKE KEM id ${String(id)}`);
  return kem;
}
