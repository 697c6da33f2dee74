/**
 * Commitments to a label's versions (draft-ietf-keytrans-protocol, "Commitment",
 * "Update Format", "Verifiable Random Function"), for the cipher suites that use SHA-256:
 *
 *   commitment = HMAC-SHA256(Kc, CommitmentValue)
 *
 *   CommitmentValue:  opening[Nc=16] | label_len(1) | label | version(u32 BE) | UpdateValue
 *   UpdateValue:      value_len(u32 BE) | value     (UpdateSuffix is empty outside
 *                                                    third-party management)
 *   VrfInput:         label_len(1) | label | version(u32 BE)
 *
 * Lengths follow the draft's TLS presentation language: a vector's length prefix is as
 * wide as its maximum length needs.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { PrefixError } from './prefix-error.ts';

/** Nc: octets of a commitment opening (draft, "KT Cipher Suites"). */
export const NC = 16;
/** Kc: the fixed HMAC key of commitments (draft, "KT Cipher Suites"). */
export const KC = Uint8Array.of(0xd8, 0x21, 0xf8, 0x79, 0x0d, 0x97, 0x70, 0x97, 0x96, 0xb4, 0xd7, 0x90, 0x33, 0x57, 0xc3, 0xf5);
/** label<0..2^8-1>: a label is at most 255 octets. */
export const MAX_LABEL_LEN = 255;
/**
 * The largest update value we commit to. The wire format allows 2^32-1 octets; Sealed's
 * values are an identity key plus a signed device list (a few KiB), so 64 KiB bounds
 * the hashing an attacker can ask of a verifier while leaving ample room.
 */
export const MAX_UPDATE_VALUE_LEN = 64 * 1024;
/** Octets of a commitment (Hash.Nh for SHA-256). */
export const COMMITMENT_LEN = 32;

function checkLabelVersion(label: Uint8Array, version: number): void {
  if (label.length > MAX_LABEL_LEN) throw new PrefixError('label-too-long', `label is ${label.length} > ${MAX_LABEL_LEN} octets`);
  if (!Number.isInteger(version) || version < 0 || version > 0xffffffff) throw new PrefixError('invalid-version', 'version must be a uint32');
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/**
 * The VrfInput structure (label<0..2^8-1>, uint32 version) whose VRF output is the
 * label-version pair's search key.
 * @throws {PrefixError} `label-too-long` or `invalid-version`.
 */
export function encodeVrfInput(label: Uint8Array, version: number): Uint8Array {
  checkLabelVersion(label, version);
  const out = new Uint8Array(1 + label.length + 4);
  out[0] = label.length;
  out.set(label, 1);
  out.set(u32(version), 1 + label.length);
  return out;
}

/**
 * The CommitmentValue structure with an empty UpdateSuffix.
 * @throws {PrefixError} `invalid-opening-length`, `label-too-long`, `invalid-version` or
 *   `value-too-long`.
 */
export function encodeCommitmentValue(opening: Uint8Array, label: Uint8Array, version: number, value: Uint8Array): Uint8Array {
  if (opening.length !== NC) throw new PrefixError('invalid-opening-length', `opening must be ${NC} octets, got ${opening.length}`);
  if (value.length > MAX_UPDATE_VALUE_LEN) throw new PrefixError('value-too-long', `value is ${value.length} > ${MAX_UPDATE_VALUE_LEN} octets`);
  const vrfInput = encodeVrfInput(label, version);
  const out = new Uint8Array(NC + vrfInput.length + 4 + value.length);
  out.set(opening, 0);
  out.set(vrfInput, NC);
  out.set(u32(value.length), NC + vrfInput.length);
  out.set(value, NC + vrfInput.length + 4);
  return out;
}

/**
 * commitment = HMAC(Kc, CommitmentValue). The opening must be random (or indistinguishable
 * from random) and secret until the value is revealed; the caller owns it.
 * @throws {PrefixError} as {@link encodeCommitmentValue}.
 */
export function commit(opening: Uint8Array, label: Uint8Array, version: number, value: Uint8Array): Uint8Array {
  return hmac(sha256, KC, encodeCommitmentValue(opening, label, version, value));
}

/**
 * Whether `commitment` opens to (label, version, value) with `opening`; compares in
 * constant time.
 * @throws {PrefixError} as {@link encodeCommitmentValue}.
 */
export function verifyCommitment(commitment: Uint8Array, opening: Uint8Array, label: Uint8Array, version: number, value: Uint8Array): boolean {
  const expected = commit(opening, label, version, value);
  if (commitment.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= (expected[i] ?? 0) ^ (commitment[i] ?? 0);
  return diff === 0;
}
