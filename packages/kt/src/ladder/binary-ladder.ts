/**
 * Binary ladders (draft-ietf-keytrans-protocol, "Binary Ladder" and its appendix): the
 * versions of a label looked up in one prefix tree to pin down the label's greatest
 * version. First 0, 1, 3, 7, ... (2^i - 1) until a non-inclusion, then a binary search
 * between the last included and the first absent version. Versions above 2^32 - 1 are
 * skipped and count as absent.
 */

/** The greatest possible version (uint32). */
export const MAX_VERSION = 2 ** 32 - 1;

export class LadderError extends Error {
  override readonly name = 'LadderError';
  constructor(
    readonly code: 'invalid-version' | 'unexpected-lookup' | 'ladder-incomplete' | 'no-lower-bound',
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

function checkVersion(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > MAX_VERSION) throw new LadderError('invalid-version', `${what} must be in 0..2^32-1`);
}

/**
 * base_binary_ladder(n): the versions looked up to establish that `n` is the greatest
 * version (appendix "Binary Ladder"), in lookup order.
 * @throws {LadderError} `invalid-version` unless 0 <= n <= 2^32 - 1.
 */
export function baseBinaryLadder(n: number): number[] {
  checkVersion(n, 'n');
  const out: number[] = [];
  // Powers of two minus one until a value greater than n (at most 34 values).
  for (;;) {
    const value = 2 ** out.length - 1;
    out.push(value);
    if (value > n) break;
  }
  // Binary search between the established bounds.
  let lower = out[out.length - 2] as number;
  let upper = out[out.length - 1] as number;
  while (lower + 1 < upper) {
    const value = Math.floor((lower + upper) / 2);
    out.push(value);
    if (value <= n && value <= MAX_VERSION) lower = value;
    else upper = value;
  }
  return out.filter((v) => v <= MAX_VERSION);
}

/**
 * search_binary_ladder(t, n, left_inclusion, right_non_inclusion): the versions looked up
 * when searching for target version `t` in a tree whose greatest version is `n`; the
 * ladder stops at the first lookup that settles the search, and versions already proved
 * (included on the left, absent on the right) are left out.
 * @throws {LadderError} `invalid-version`.
 */
export function searchBinaryLadder(t: number, n: number, leftInclusion: readonly number[] = [], rightNonInclusion: readonly number[] = []): number[] {
  checkVersion(t, 't');
  const out = baseBinaryLadder(n);
  // would_end: inclusion of a version above t, or non-inclusion of a version <= t.
  const wouldEnd = (v: number): boolean => (v <= n && v > t) || (v > n && v <= t);
  const endIndex = out.findIndex(wouldEnd);
  const end = endIndex === -1 ? out.length : endIndex + 1;
  return out.slice(0, end).filter((v) => !leftInclusion.includes(v) && !rightNonInclusion.includes(v));
}

/**
 * monitoring_binary_ladder(t): the versions looked up when monitoring version `t`.
 * @throws {LadderError} `invalid-version`.
 */
export function monitoringBinaryLadder(t: number): number[] {
  return baseBinaryLadder(t).filter((v) => v <= t);
}

/** One lookup of a ladder and its (verified) outcome. */
export interface LadderLookup {
  readonly version: number;
  readonly included: boolean;
}

/**
 * Replays a full (base) binary ladder from its verified lookups and returns the greatest
 * version it establishes. Each lookup must be exactly the one the algorithm asks for next,
 * given the outcomes before it, and the ladder must end where the search ends: a missing,
 * extra, reordered or contradicting lookup is rejected.
 * @throws {LadderError} `unexpected-lookup`, `ladder-incomplete`, `invalid-version`, or
 *   `no-lower-bound` when version 0 is absent (the label has no version; the base ladder
 *   is defined for n >= 0 only).
 */
export function greatestVersionFromLadder(lookups: readonly LadderLookup[]): number {
  // Bounded: a full ladder has at most 33 + 32 lookups.
  if (lookups.length > 2 * 33) throw new LadderError('unexpected-lookup', `${lookups.length} lookups is more than any ladder has`);
  let i = 0;
  const next = (expected: number): boolean => {
    const l = lookups[i];
    if (l === undefined) throw new LadderError('ladder-incomplete', `missing lookup of version ${expected}`);
    if (l.version !== expected) throw new LadderError('unexpected-lookup', `lookup ${i} is version ${l.version}, expected ${expected}`);
    i++;
    return l.included;
  };
  // Phase 1: 0, 1, 3, 7, ... until the first absent version (or past 2^32 - 1).
  let lower = -1;
  let upper = -1;
  for (let k = 0; ; k++) {
    const value = 2 ** k - 1;
    if (value > MAX_VERSION) {
      upper = value; // skipped lookups count as absent
      break;
    }
    if (next(value)) lower = value;
    else {
      upper = value;
      break;
    }
  }
  if (lower < 0) throw new LadderError('no-lower-bound', 'version 0 is absent');
  // Phase 2: binary search.
  while (lower + 1 < upper) {
    const value = Math.floor((lower + upper) / 2);
    if (value > MAX_VERSION) upper = value;
    else if (next(value)) lower = value;
    else upper = value;
  }
  if (i !== lookups.length) throw new LadderError('unexpected-lookup', `${lookups.length - i} lookups after the ladder ended`);
  return lower;
}
