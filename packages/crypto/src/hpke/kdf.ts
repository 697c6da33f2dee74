/**
 * The HPKE key derivation functions (RFC 9180 §7.2): HKDF (RFC 5869) over SHA-256/384/512.
 * They are plain descriptions; the work is done by the provider's `hkdfExtract`/`hkdfExpand`
 * through `labeled.ts`.
 */
import { CryptoError } from '../errors.ts';
import type { HashAlgorithm } from '../provider.ts';

/** An HPKE KDF (RFC 9180 §4, §7.2): `Nh` is the output length of Extract. */
export interface Kdf {
  /** KDF identifier of the IANA HPKE registry (uint16). */
  readonly id: number;
  readonly name: string;
  readonly hash: HashAlgorithm;
  readonly Nh: number;
}

export const HKDF_SHA256: Kdf = Object.freeze({ id: 0x0001, name: 'HKDF-SHA256', hash: 'SHA-256', Nh: 32 });
export const HKDF_SHA384: Kdf = Object.freeze({ id: 0x0002, name: 'HKDF-SHA384', hash: 'SHA-384', Nh: 48 });
export const HKDF_SHA512: Kdf = Object.freeze({ id: 0x0003, name: 'HKDF-SHA512', hash: 'SHA-512', Nh: 64 });

const KDFS: readonly Kdf[] = [HKDF_SHA256, HKDF_SHA384, HKDF_SHA512];

/**
 * The KDF with identifier `id` (RFC 9180 §7.2, Table 3).
 * @throws CryptoError('unsupported') for any other identifier.
 */
export function kdfFromId(id: number): Kdf {
  const kdf = KDFS.find((k) => k.id === id);
  if (kdf === undefined) throw new CryptoError('unsupported', `unknown HPKE KDF id ${String(id)}`);
  return kdf;
}
