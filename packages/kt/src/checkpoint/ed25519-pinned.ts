/**
 * Ed25519 verification (RFC 8032 §5.1.7) for the few keys a client checks again and
 * again: the log's signature key and its auditors' keys, pinned in the Configuration. It
 * makes exactly the checks of @noble/curves' ed25519.verify(sig, msg, pk, { zip215: false }):
 * strict (canonical) decoding of A and R, S < L, a small-order A rejected, and the
 * cofactored equation [8][S]B = [8]R + [8][k]A with k = SHA-512(R || A || M) mod L. The
 * difference is only in cost: A is decoded and checked once per key and kept with a
 * precomputed multiples table, so [k]A is additions only instead of ~253 doublings. The
 * tests compare it with noble's verify on the Wycheproof vectors and on tampered signatures.
 *
 * Verification handles public data only (key, message, signature), so the variable-time
 * multiplications (multiplyUnsafe) are sound here.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { EdwardsPoint } from '@noble/curves/abstract/edwards.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const Point = ed25519.Point;
/** L, the prime order of the base point. */
const L = Point.Fn.ORDER;
const PUBLIC_KEY_LEN = 32;
const SIGNATURE_LEN = 64;
/** One log key and up to 16 auditor keys (the wire contract's bound), with room to spare. */
export const MAX_PINNED_SIGNATURE_KEYS = 20;
/** Window of A's precomputed table: see vrf-key-cache.ts for the trade-off (same numbers). */
const KEY_TABLE_WINDOW = 4;

const keys = new Map<string, EdwardsPoint>();

function littleEndianToBigint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** A, strictly decoded and not of small order, kept; undefined (and not kept) otherwise. */
function pinnedKey(publicKey: Uint8Array): EdwardsPoint | undefined {
  const id = bytesToHex(publicKey);
  const cached = keys.get(id);
  if (cached !== undefined) {
    keys.delete(id); // re-inserted below: most recently used last
    keys.set(id, cached);
    return cached;
  }
  let a: EdwardsPoint;
  try {
    a = Point.fromBytes(publicKey, false);
  } catch {
    return undefined;
  }
  if (a.isSmallOrder()) return undefined;
  a.precompute(KEY_TABLE_WINDOW, true);
  keys.set(id, a);
  while (keys.size > MAX_PINNED_SIGNATURE_KEYS) {
    const oldest = keys.keys().next().value;
    if (oldest === undefined) break;
    keys.delete(oldest);
  }
  return a;
}

/** True when `signature` is a valid strict Ed25519 signature of `message` under `publicKey`. */
export function verifyEd25519Pinned(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LEN || publicKey.length !== PUBLIC_KEY_LEN) return false;
  const a = pinnedKey(publicKey);
  if (a === undefined) return false;
  const rBytes = signature.subarray(0, 32);
  let r: EdwardsPoint;
  try {
    r = Point.fromBytes(rBytes, false);
  } catch {
    return false;
  }
  const s = littleEndianToBigint(signature.subarray(32, 64));
  if (s >= L) return false;
  // k = SHA-512(dom2 (empty for Ed25519) || R || A || M) mod L, over the bytes as given
  // (both decoded strictly, so they are the canonical encodings).
  const input = new Uint8Array(64 + message.length);
  input.set(rBytes, 0);
  input.set(publicKey, 32);
  input.set(message, 64);
  const digest = sha512(input);
  const k = littleEndianToBigint(digest) % L;
  const sB = Point.BASE.multiplyUnsafe(s);
  const kA = a.multiplyUnsafe(k);
  return r.add(kA).subtract(sB).clearCofactor().is0();
}

/** How many keys are kept (for tests of the bound). */
export function pinnedSignatureKeyCount(): number {
  return keys.size;
}
