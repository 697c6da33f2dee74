/**
 * The primitives of ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381 §5.5, suite_string 0x03):
 * encoding, hashing to the curve by try-and-increment, nonce and challenge generation,
 * proof decoding and key validation. Each function follows the numbered steps of its RFC
 * section; the step numbers are in the comments.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { EdwardsPoint } from '@noble/curves/abstract/edwards.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { VrfError } from './vrf-error.ts';

/** An edwards25519 point (extended coordinates, @noble/curves). */
export type Point = EdwardsPoint;
export const Point = ed25519.Point;

/** RFC 9381 §5.5: suite_string for ECVRF-EDWARDS25519-SHA512-TAI. */
export const SUITE_STRING = 0x03;
/** RFC 9381 §5.5: ptLen, octets of an encoded point (RFC 8032 encoding). */
export const PT_LEN = 32;
/** RFC 9381 §5.5: cLen, octets of the challenge c. */
export const C_LEN = 16;
/** RFC 9381 §5.5: qLen, octets of a scalar mod q. */
export const Q_LEN = 32;
/** RFC 9381 §5.5: a proof pi_string is ptLen + cLen + qLen octets. */
export const PROOF_LEN = PT_LEN + C_LEN + Q_LEN;
/** RFC 9381 §5.5: hLen, octets of the SHA-512 output (and of beta_string). */
export const H_LEN = 64;
/** RFC 9381 §5.5: q, the prime order of the edwards25519 base point B. */
export const Q = Point.Fn.ORDER;
/**
 * RFC 9381 §5.4.1.1 step 5A: ctr_string = int_to_string(ctr, 1), so ctr can take 256
 * values. Reaching the bound has probability about 2^-256; it is an error, never a wrap.
 */
const MAX_ENCODE_TO_CURVE_TRIES = 256;

/** RFC 9381 §5.5: int_to_string is little-endian (RFC 8032), of exactly `len` octets. */
export function intToString(value: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let v = value;
  for (let i = 0; i < len; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** RFC 9381 §5.5: string_to_int is little-endian (RFC 8032). */
export function stringToInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  return v;
}

/** RFC 9381 §5.5: point_to_string is the RFC 8032 §5.1.2 encoding. */
export function pointToString(p: Point): Uint8Array {
  return p.toBytes();
}

/**
 * RFC 9381 §5.5: string_to_point is the RFC 8032 §5.1.3 decoding, which rejects a
 * y >= p and x = 0 with the sign bit set (noble's non-ZIP-215 mode). Those are the only
 * non-canonical encodings, so a string it accepts is point_to_string of the result.
 * Returns undefined where the RFC says "INVALID".
 */
export function stringToPoint(bytes: Uint8Array): Point | undefined {
  if (bytes.length !== PT_LEN) return undefined;
  try {
    return Point.fromBytes(bytes, false);
  } catch {
    return undefined;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * RFC 9381 §5.4.1.1 ECVRF_encode_to_curve_try_and_increment, with
 * encode_to_curve_salt = PK_string (§5.5) and interpret_hash_value_as_a_point(s) =
 * string_to_point(s[0]...s[31]) (§5.5).
 * @throws {VrfError} `encode-to-curve-failed` if no counter value in 0..255 gives a point.
 */
export function encodeToCurveTai(salt: Uint8Array, alpha: Uint8Array): Point {
  // Steps 1-3: ctr = 0, front separator 0x01, back separator 0x00.
  for (let ctr = 0; ctr < MAX_ENCODE_TO_CURVE_TRIES; ctr++) {
    // Step 5A-B: hash_string = Hash(suite_string || 0x01 || salt || alpha || ctr_string || 0x00).
    const hashString = sha512(concat(Uint8Array.of(SUITE_STRING, 0x01), salt, alpha, Uint8Array.of(ctr, 0x00)));
    // Step 5C: H = interpret_hash_value_as_a_point(hash_string).
    const candidate = stringToPoint(hashString.subarray(0, PT_LEN));
    if (candidate === undefined) continue;
    // Step 5D: cofactor > 1, so H = cofactor * H.
    const h = candidate.clearCofactor();
    // Step 5 loop condition: continue while H is INVALID or the identity.
    if (!h.is0()) return h;
  }
  throw new VrfError('encode-to-curve-failed', 'RFC 9381 §5.4.1.1: ctr exhausted one octet');
}

/**
 * RFC 9381 §5.4.2.2 nonce generation from RFC 8032 §5.1.6 (for the EdDSA-style suite).
 * The caller owns `sk` and must keep it secret; the result is secret too.
 */
export function nonceGenerationRfc8032(sk: Uint8Array, hString: Uint8Array): bigint {
  // Step 1: hashed_sk_string = Hash(SK).
  const hashedSk = sha512(sk);
  // Step 2: truncated_hashed_sk_string = hashed_sk_string[32]...hashed_sk_string[63].
  const truncated = hashedSk.subarray(32, 64);
  // Step 3: k_string = Hash(truncated_hashed_sk_string || h_string).
  const kString = sha512(concat(truncated, hString));
  hashedSk.fill(0);
  // Step 4: k = string_to_int(k_string) mod q.
  return stringToInt(kString) % Q;
}

/** RFC 9381 §5.4.3 ECVRF_challenge_generation(P1, P2, P3, P4, P5). */
export function challengeGeneration(p1: Point, p2: Point, p3: Point, p4: Point, p5: Point): bigint {
  return challengeFromStrings(pointToString(p1), pointToString(p2), pointToString(p3), pointToString(p4), pointToString(p5));
}

/**
 * RFC 9381 §5.4.3 ECVRF_challenge_generation given point_to_string(PJ) of P1..P5. For a
 * caller that already holds an encoding: a string that string_to_point accepted is the
 * point's own encoding (RFC 8032 §5.1.3 rejects every non-canonical one, see
 * stringToPoint), so passing it saves the field inversion of re-encoding.
 */
export function challengeFromStrings(s1: Uint8Array, s2: Uint8Array, s3: Uint8Array, s4: Uint8Array, s5: Uint8Array): bigint {
  // Steps 1-2: str = suite_string || 0x02.
  // Step 3: str = str || point_to_string(PJ) for each of P1..P5.
  // Steps 4-5: str = str || 0x00.
  const str = concat(Uint8Array.of(SUITE_STRING, 0x02), s1, s2, s3, s4, s5, Uint8Array.of(0x00));
  // Steps 6-8: c = string_to_int(first cLen octets of Hash(str)).
  return stringToInt(sha512(str).subarray(0, C_LEN));
}

/** A decoded proof (RFC 9381 §5.4.4 step 9). */
export interface DecodedProof {
  readonly gamma: Point;
  readonly c: bigint;
  readonly s: bigint;
}

/**
 * RFC 9381 §5.4.4 ECVRF_decode_proof.
 * @throws {VrfError} `invalid-proof-length`, `invalid-proof-gamma` (steps 4-5) or
 *   `invalid-proof-scalar` (step 8: s >= q).
 */
export function decodeProof(pi: Uint8Array): DecodedProof {
  if (pi.length !== PROOF_LEN) {
    throw new VrfError('invalid-proof-length', `RFC 9381 §5.4.4: pi_string must be ${PROOF_LEN} octets, got ${pi.length}`);
  }
  // Steps 1-3: split pi_string into gamma_string, c_string and s_string.
  const gammaString = pi.subarray(0, PT_LEN);
  const cString = pi.subarray(PT_LEN, PT_LEN + C_LEN);
  const sString = pi.subarray(PT_LEN + C_LEN, PROOF_LEN);
  // Steps 4-5: Gamma = string_to_point(gamma_string); INVALID stops.
  const gamma = stringToPoint(gammaString);
  if (gamma === undefined) throw new VrfError('invalid-proof-gamma', 'RFC 9381 §5.4.4 step 5: Gamma does not decode');
  // Steps 6-7.
  const c = stringToInt(cString);
  const s = stringToInt(sString);
  // Step 8: s >= q is INVALID.
  if (s >= Q) throw new VrfError('invalid-proof-scalar', 'RFC 9381 §5.4.4 step 8: s >= q');
  return { gamma, c, s };
}

/**
 * RFC 9381 §5.4.5 ECVRF_validate_key: decodes PK_string and rejects small-order keys.
 * @throws {VrfError} `invalid-public-key` (steps 1-2) or `weak-public-key` (step 3).
 */
export function validateKey(pkString: Uint8Array): Point {
  // Steps 1-2: Y = string_to_point(PK_string); INVALID stops.
  const y = stringToPoint(pkString);
  if (y === undefined) throw new VrfError('invalid-public-key', 'RFC 9381 §5.4.5 step 2: PK_string does not decode');
  // Step 3: cofactor * Y equal to the identity is INVALID.
  if (y.clearCofactor().is0()) throw new VrfError('weak-public-key', 'RFC 9381 §5.4.5 step 3: small-order public key');
  return y;
}

export { concat as concatBytes };
