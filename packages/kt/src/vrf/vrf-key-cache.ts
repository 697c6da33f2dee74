/**
 * Validated VRF public keys kept between verifications. A client pins one log's VRF key
 * (Configuration.vrf_public_key) and verifies several proofs under it per search, so
 * decoding and validating PK_string (RFC 9381 §5.4.5) once, and keeping a precomputed
 * multiples table of Y for step 8's c*Y, saves work on every later proof. Only keys that
 * passed validation are kept; a rejected key is validated (and rejected) again each time.
 *
 * Everything held here is public (the keys and their multiples).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { type Point, validateKey } from './ecvrf-suite.ts';

/**
 * Keys kept at once: one per pinned log, with room for a key rotation and tests that use a
 * few keys. The least recently used key is dropped beyond this.
 */
export const MAX_CACHED_VRF_KEYS = 4;

/**
 * Window of the precomputed table of Y (@noble/curves fixed-window wNAF): 4 builds
 * 65 x 8 points once (about 5 ms) and makes c*Y 65 point additions instead of about 128
 * doublings and 26 additions. Wider windows save little more per proof and cost 3-9x more
 * to build, which the first verification of a process would pay.
 */
const Y_TABLE_WINDOW = 4;

const keys = new Map<string, Point>();

/**
 * RFC 9381 §5.3 steps 1-3 (string_to_point and ECVRF_validate_key) with the result kept:
 * returns Y for PK_string, with a lazily built precomputed table attached.
 * @throws {VrfError} `invalid-public-key` / `weak-public-key` (never cached).
 */
export function validatedVerificationKey(pkString: Uint8Array): Point {
  const id = bytesToHex(pkString);
  const cached = keys.get(id);
  if (cached !== undefined) {
    // Map iteration order is insertion order: re-inserting marks the key most recently used.
    keys.delete(id);
    keys.set(id, cached);
    return cached;
  }
  const y = validateKey(pkString);
  // Lazy: the table is built by the first multiplication, not here.
  y.precompute(Y_TABLE_WINDOW, true);
  keys.set(id, y);
  while (keys.size > MAX_CACHED_VRF_KEYS) {
    const oldest = keys.keys().next().value;
    if (oldest === undefined) break;
    keys.delete(oldest);
  }
  return y;
}

/** How many keys are kept (for tests of the bound). */
export function cachedVerificationKeyCount(): number {
  return keys.size;
}
