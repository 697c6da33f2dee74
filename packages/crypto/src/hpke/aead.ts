/**
 * The HPKE AEADs (RFC 9180 §7.3): AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 and the
 * export-only pseudo-AEAD 0xFFFF, whose contexts can only export (§5.3).
 */
import { CryptoError } from '../errors.ts';
import type { AeadAlgorithm } from '../provider.ts';

/** An HPKE AEAD (RFC 9180 §4): key, nonce and tag lengths in bytes. */
export interface Aead {
  /** AEAD identifier of the IANA HPKE registry (uint16). */
  readonly id: number;
  readonly name: string;
  /** The provider algorithm, or null for export-only (no Seal/Open). */
  readonly algorithm: AeadAlgorithm | null;
  readonly Nk: number;
  readonly Nn: number;
  readonly Nt: number;
}

export const AES_128_GCM: Aead = Object.freeze({ id: 0x0001, name: 'AES-128-GCM', algorithm: 'AES-128-GCM', Nk: 16, Nn: 12, Nt: 16 });
export const AES_256_GCM: Aead = Object.freeze({ id: 0x0002, name: 'AES-256-GCM', algorithm: 'AES-256-GCM', Nk: 32, Nn: 12, Nt: 16 });
export const CHACHA20_POLY1305: Aead = Object.freeze({
  id: 0x0003,
  name: 'ChaCha20-Poly1305',
  algorithm: 'ChaCha20-Poly1305',
  Nk: 32,
  Nn: 12,
  Nt: 16,
});
/** RFC 9180 §7.3: "Export-only", Nk = Nn = Nt = 0 (§5.1 then derives an empty key and nonce). */
export const EXPORT_ONLY: Aead = Object.freeze({ id: 0xffff, name: 'Export-only', algorithm: null, Nk: 0, Nn: 0, Nt: 0 });

const AEADS: readonly Aead[] = [AES_128_GCM, AES_256_GCM, CHACHA20_POLY1305, EXPORT_ONLY];

/**
 * The AEAD with identifier `id` (RFC 9180 §7.3, Table 5).
 * @throws CryptoError('unsupported') for any other identifier.
 */
export function aeadFromId(id: number): Aead {
  const aead = AEADS.find((a) => a.id === id);
  if (aead === undefined) throw new CryptoError('unsupported', `unknown HPKE AEAD id ${String(id)}`);
  return aead;
}
