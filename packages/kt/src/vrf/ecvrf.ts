/**
 * ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381 §5, suite 0x03): prove, verify and
 * proof_to_hash. The key transparency cipher suite KT_128_SHA256_Ed25519 of the IETF
 * keytrans protocol draft uses this VRF and truncates beta to its first 32 octets
 * ({@link vrfOutput32}).
 *
 * Keys are RFC 8032 keys: SK is the 32-octet secret (seed), PK_string the 32-octet
 * encoded public key. The caller owns every buffer passed in; none is kept or modified.
 */
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { VrfError } from './vrf-error.ts';
import { validatedVerificationKey } from './vrf-key-cache.ts';
import {
  C_LEN,
  PROOF_LEN,
  Point,
  Q,
  Q_LEN,
  SUITE_STRING,
  PT_LEN,
  challengeFromStrings,
  challengeGeneration,
  concatBytes,
  decodeProof,
  encodeToCurveTai,
  intToString,
  nonceGenerationRfc8032,
  pointToString,
  stringToInt,
} from './ecvrf-suite.ts';

/** RFC 8032 §5.1.5: an Ed25519 secret key is 32 octets. */
export const VRF_SECRET_KEY_LEN = 32;
/** RFC 9381 §5.5: PK_string is ptLen = 32 octets. */
export const VRF_PUBLIC_KEY_LEN = 32;
/** RFC 9381 §5.5: pi_string is 80 octets. */
export const VRF_PROOF_LEN = PROOF_LEN;

/**
 * RFC 9381 §5.5 (via RFC 8032 §5.1.5): the secret scalar x from SK, reduced mod q. The
 * reduction does not change x*P for any P in the prime-order subgroup, which is where B
 * and every H of §5.4.1.1 (cleared cofactor) live.
 */
function secretScalar(sk: Uint8Array): bigint {
  if (sk.length !== VRF_SECRET_KEY_LEN) {
    throw new VrfError('invalid-secret-key', `RFC 8032 §5.1.5: SK must be ${VRF_SECRET_KEY_LEN} octets, got ${sk.length}`);
  }
  // RFC 8032 §5.1.5 steps 1-2: h = SHA-512(SK); prune the lower 32 octets.
  const h = sha512(sk);
  const head = h.slice(0, 32);
  h.fill(0);
  head[0] = (head[0] ?? 0) & 248;
  head[31] = ((head[31] ?? 0) & 127) | 64;
  const x = stringToInt(head) % Q;
  head.fill(0);
  if (x === 0n) throw new VrfError('degenerate-scalar', 'RFC 8032 §5.1.5: secret scalar is 0 mod q');
  return x;
}

/**
 * RFC 9381 §5.5 / RFC 8032 §5.1.5: the VRF public key PK_string = point_to_string(x*B).
 * @throws {VrfError} `invalid-secret-key` if `sk` is not 32 octets.
 */
export function vrfPublicKey(sk: Uint8Array): Uint8Array {
  return pointToString(Point.BASE.multiply(secretScalar(sk)));
}

/**
 * RFC 9381 §5.1 ECVRF_prove: the 80-octet proof pi_string that beta is the VRF output
 * of `alpha` under the key `sk`.
 * @throws {VrfError} `invalid-secret-key`, `encode-to-curve-failed` or
 *   `degenerate-scalar` (k = 0 mod q, probability about 2^-252).
 */
export function vrfProve(sk: Uint8Array, alpha: Uint8Array): Uint8Array {
  // Step 1: x and Y = x*B from SK.
  const x = secretScalar(sk);
  const y = Point.BASE.multiply(x);
  const pkString = pointToString(y);
  // Step 2: H = ECVRF_encode_to_curve(encode_to_curve_salt = PK_string, alpha_string).
  const h = encodeToCurveTai(pkString, alpha);
  // Step 3: h_string = point_to_string(H).
  const hString = pointToString(h);
  // Step 4: Gamma = x*H.
  const gamma = h.multiply(x);
  // Step 5: k = ECVRF_nonce_generation(SK, h_string).
  const k = nonceGenerationRfc8032(sk, hString);
  if (k === 0n) throw new VrfError('degenerate-scalar', 'RFC 9381 §5.4.2.2: nonce k is 0 mod q');
  // Step 6: c = ECVRF_challenge_generation(Y, H, Gamma, k*B, k*H).
  const c = challengeGeneration(y, h, gamma, Point.BASE.multiply(k), h.multiply(k));
  // Step 7: s = (k + c*x) mod q.
  const s = (k + c * x) % Q;
  // Step 8: pi_string = point_to_string(Gamma) || int_to_string(c, cLen) || int_to_string(s, qLen).
  return concatBytes(pointToString(gamma), intToString(c, C_LEN), intToString(s, Q_LEN));
}

/**
 * RFC 9381 §5.2 ECVRF_proof_to_hash: the 64-octet VRF output beta_string of a proof.
 * It does not verify the proof (the RFC says it must only be used on verified proofs or
 * by the prover); {@link vrfVerify} returns the same value after verifying.
 * @throws {VrfError} the `decodeProof` codes (step 1-2: INVALID).
 */
export function vrfProofToHash(pi: Uint8Array): Uint8Array {
  // Steps 1-2: D = ECVRF_decode_proof(pi_string); INVALID stops.
  return gammaToHash(decodeProof(pi).gamma);
}

/** RFC 9381 §5.2 steps 3-5: beta = Hash(suite_string || 0x03 || point_to_string(cofactor * Gamma) || 0x00). */
function gammaToHash(gamma: Point): Uint8Array {
  return sha512(concatBytes(Uint8Array.of(SUITE_STRING, 0x03), pointToString(gamma.clearCofactor()), Uint8Array.of(0x00)));
}


/**
 * RFC 9381 §5.3 ECVRF_verify with validate_key = TRUE: returns beta_string when `pi` is a
 * valid proof for `alpha` under `pk`.
 * @throws {VrfError} `invalid-public-key` / `weak-public-key` (steps 1-3),
 *   `invalid-proof-length` / `invalid-proof-gamma` / `invalid-proof-scalar` (steps 4-5),
 *   `proof-mismatch` (step 11: c != c').
 */
export function vrfVerify(pk: Uint8Array, alpha: Uint8Array, pi: Uint8Array): Uint8Array {
  // Steps 1-3: Y = string_to_point(PK_string) and ECVRF_validate_key(Y), done once per key
  // and kept (vrf-key-cache.ts); an invalid key is never kept and throws here every time.
  if (pk.length !== VRF_PUBLIC_KEY_LEN) {
    throw new VrfError('invalid-public-key', `RFC 9381 §5.3: PK_string must be ${VRF_PUBLIC_KEY_LEN} octets, got ${pk.length}`);
  }
  const y = validatedVerificationKey(pk);
  // Steps 4-6: (Gamma, c, s) = ECVRF_decode_proof(pi_string).
  const { gamma, c, s } = decodeProof(pi);
  // Step 7: H = ECVRF_encode_to_curve(encode_to_curve_salt = PK_string, alpha_string).
  const h = encodeToCurveTai(pk, alpha);
  // Steps 8-9 use variable-time multiplication, which is sound here because every input
  // of verification is public (PK_string, alpha_string, pi_string); no secret is involved.
  // noble requires 0 <= scalar < q: c < 2^128 < q, and s < q was checked by decodeProof.
  // Step 8: U = s*B - c*Y, with B's and Y's precomputed tables (additions only).
  const u = Point.BASE.multiplyUnsafe(s).subtract(y.multiplyUnsafe(c));
  // Step 9: V = s*H - c*Gamma = s*H + c*(-Gamma) in one Straus-Shamir pass (one shared
  // chain of doublings instead of one per product).
  const v = mulAddUnsafe(Point, [h, gamma.negate()], [s, c]);
  // Step 10: c' = ECVRF_challenge_generation(Y, H, Gamma, U, V). Y and Gamma were decoded
  // strictly from PK_string and gamma_string, so those are their encodings.
  const cPrime = challengeFromStrings(pk, pointToString(h), pi.subarray(0, PT_LEN), pointToString(u), pointToString(v));
  // Step 11: c and c' must be equal (both are public values).
  if (c !== cPrime) throw new VrfError('proof-mismatch', "RFC 9381 §5.3 step 11: c != c'");
  // Step 12: ECVRF_proof_to_hash(pi_string), with Gamma already decoded.
  return gammaToHash(gamma);
}

/**
 * The VRF output as the keytrans draft's KT_128_SHA256_Ed25519 cipher suite uses it:
 * the first 32 octets of beta_string.
 */
export function vrfOutput32(beta: Uint8Array): Uint8Array {
  return beta.slice(0, 32);
}
