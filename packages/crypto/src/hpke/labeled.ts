/**
 * RFC 9180 §4: LabeledExtract and LabeledExpand, which bind every derivation to the protocol
 * version ("HPKE-v1"), the suite (`suite_id`) and a label, and the suite identifiers of §4.1
 * ("KEM" || kem_id) and §5.1 ("HPKE" || kem_id || kdf_id || aead_id).
 *
 * Buffers: inputs are read, never kept; outputs are fresh arrays owned by the caller.
 */
import { anumber, concatBytes } from '../bytes.ts';
import type { CryptoProvider } from '../provider.ts';
import type { Kdf } from './kdf.ts';

const encoder = new TextEncoder();

/** ASCII bytes of a fixed label (labels are constants, encoded once at module load). */
export function label(text: string): Uint8Array {
  return encoder.encode(text);
}

const HPKE_VERSION = label('HPKE-v1');

/**
 * I2OSP(value, 2) of RFC 8017 §4.1 (big-endian uint16).
 * @throws CryptoError('invalid-length') when `value` is not an integer in [0, 65535].
 */
export function i2osp2(value: number): Uint8Array {
  anumber(value, 0, 0xffff, 'value');
  return Uint8Array.of(value >>> 8, value & 0xff);
}

/** `"KEM" || I2OSP(kem_id, 2)`, the suite_id a KEM derives under (RFC 9180 §4.1). */
export function kemSuiteId(kemId: number): Uint8Array {
  return concatBytes(label('KEM'), i2osp2(kemId));
}

/** `"HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)` (RFC 9180 §5.1). */
export function hpkeSuiteId(kemId: number, kdfId: number, aeadId: number): Uint8Array {
  return concatBytes(label('HPKE'), i2osp2(kemId), i2osp2(kdfId), i2osp2(aeadId));
}

/**
 * `LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm)`
 * (RFC 9180 §4). An empty salt means Nh zero bytes (RFC 5869 §2.2), as the provider does.
 */
export function labeledExtract(
  provider: CryptoProvider,
  kdf: Kdf,
  suiteId: Uint8Array,
  salt: Uint8Array,
  labelBytes: Uint8Array,
  ikm: Uint8Array,
): Uint8Array {
  return provider.hkdfExtract(kdf.hash, salt, concatBytes(HPKE_VERSION, suiteId, labelBytes, ikm));
}

/**
 * `LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id ||
 * label || info, L)` (RFC 9180 §4). `L` must fit the two-byte prefix and HKDF's 255 * Nh.
 * @throws CryptoError('invalid-length') when `L` is outside [0, min(65535, 255 * Nh)].
 */
export function labeledExpand(
  provider: CryptoProvider,
  kdf: Kdf,
  suiteId: Uint8Array,
  prk: Uint8Array,
  labelBytes: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  anumber(length, 0, Math.min(0xffff, 255 * kdf.Nh), 'length');
  if (length === 0) return new Uint8Array(0); // export-only AEAD: Nk = Nn = 0 (RFC 9180 §7.3)
  return provider.hkdfExpand(kdf.hash, prk, concatBytes(i2osp2(length), HPKE_VERSION, suiteId, labelBytes, info), length);
}

/**
 * `SHAKE256.LabeledDerive(ikm, label, context, L) = SHAKE256(ikm || "HPKE-v1" || suite_id ||
 * I2OSP(len(label), 2) || label || I2OSP(L, 2) || context, L)`: the single-stage labeled KDF
 * of draft-ietf-hpke-hpke §4 with SHAKE256.Derive of draft-ietf-hpke-pq-05 §5, which the
 * post-quantum KEMs use in DeriveKeyPair (draft-ietf-hpke-pq-05 §3, §4).
 * @throws CryptoError('invalid-length') when `L` or the label length exceeds 65535.
 */
export function shake256LabeledDerive(
  provider: CryptoProvider,
  suiteId: Uint8Array,
  ikm: Uint8Array,
  labelBytes: Uint8Array,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const labeledIkm = concatBytes(ikm, HPKE_VERSION, suiteId, i2osp2(labelBytes.length), labelBytes, i2osp2(length), context);
  return provider.shake256(labeledIkm, length);
}
