/**
 * Verification of RFC 9162 inclusion proofs (§2.1.3.2) and consistency proofs (§2.1.4.2),
 * step by step as the RFC writes them. Every rejection is a LogError; a proof with an
 * extra or a missing hash fails on the `sn` checks of the RFC.
 *
 * Sizes are JavaScript numbers (safe integers, so below 2^53); the RFC's right shifts are
 * done with division, because `>>` works on 32 bits only.
 */
import { LogError } from './log-error.ts';
import { HASH_LEN, hashEquals, nodeHash } from './merkle-hash.ts';

/**
 * The most hashes a proof may hold, checked before any hashing. A tree of fewer than 2^53
 * leaves has depth at most 53: an inclusion path has at most 53 hashes and a consistency
 * path at most 54 (RFC 9162 §2.1.4.1); 64 leaves room and still bounds the work.
 */
export const MAX_PROOF_HASHES = 64;

const isOdd = (x: number): boolean => x % 2 === 1;
const shiftRight = (x: number): number => Math.floor(x / 2);

function isPowerOfTwo(x: number): boolean {
  let v = x;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new LogError('invalid-size', `${name} must be a safe non-negative integer`);
}

function checkHashes(hashes: readonly Uint8Array[], what: string): void {
  if (hashes.length > MAX_PROOF_HASHES) throw new LogError('too-many-hashes', `${what} has ${hashes.length} > ${MAX_PROOF_HASHES} hashes`);
  for (const h of hashes) {
    if (h.length !== HASH_LEN) throw new LogError('invalid-hash-length', `${what}: a hash is ${h.length} octets, not ${HASH_LEN}`);
  }
}

/**
 * RFC 9162 §2.1.3.2 steps 1-5 without the final comparison: the root that `inclusionPath`
 * yields for `leafHash` as leaf `leafIndex` of a tree of size `treeSize`. A client that is
 * given a log entry and its path (but not the root) computes the root this way and then
 * checks a signature over it.
 * @throws {LogError} `invalid-size`, `index-out-of-range` (step 1), `too-many-hashes`,
 *   `invalid-hash-length`, `proof-too-long` (step 4a) or `proof-too-short` (step 5).
 */
export function rootFromInclusion(leafHash: Uint8Array, leafIndex: number, treeSize: number, inclusionPath: readonly Uint8Array[]): Uint8Array {
  checkSize('leafIndex', leafIndex);
  checkSize('treeSize', treeSize);
  checkHashes([leafHash], 'inclusion inputs');
  checkHashes(inclusionPath, 'inclusion_path');
  // Step 1: leaf_index >= tree_size fails.
  if (leafIndex >= treeSize) throw new LogError('index-out-of-range', `RFC 9162 §2.1.3.2 step 1: index ${leafIndex} >= size ${treeSize}`);
  // Step 2: fn = leaf_index, sn = tree_size - 1.
  let fn = leafIndex;
  let sn = treeSize - 1;
  // Step 3: r = hash.
  let r = leafHash;
  // Step 4: for each p in inclusion_path.
  for (const p of inclusionPath) {
    // 4a: sn = 0 with a hash left: the proof is too long.
    if (sn === 0) throw new LogError('proof-too-long', `RFC 9162 §2.1.3.2 step 4a: extra hashes for size ${treeSize}`);
    // 4b.
    if (isOdd(fn) || fn === sn) {
      // 4b.i: r = HASH(0x01 || p || r).
      r = nodeHash(p, r);
      // 4b.ii: if LSB(fn) is not set, shift fn and sn until LSB(fn) is set or fn is 0.
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = shiftRight(fn);
          sn = shiftRight(sn);
        }
      }
    } else {
      // Otherwise: r = HASH(0x01 || r || p).
      r = nodeHash(r, p);
    }
    // 4c: shift fn and sn once.
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  // Step 5: sn must be 0 (the root comparison is the caller's).
  if (sn !== 0) throw new LogError('proof-too-short', `RFC 9162 §2.1.3.2 step 5: missing hashes for size ${treeSize}`);
  return r;
}

/**
 * RFC 9162 §2.1.3.2: checks that `leafHash` (HASH(0x00 || entry)) is leaf `leafIndex` of
 * the tree of size `treeSize` whose root is `rootHash`.
 * @throws {LogError} `invalid-size`, `index-out-of-range` (step 1), `too-many-hashes`,
 *   `invalid-hash-length`, `proof-too-long` (step 4a), `proof-too-short` or
 *   `root-mismatch` (step 5).
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  inclusionPath: readonly Uint8Array[],
  rootHash: Uint8Array,
): void {
  checkHashes([rootHash], 'inclusion inputs');
  const r = rootFromInclusion(leafHash, leafIndex, treeSize, inclusionPath);
  if (!hashEquals(r, rootHash)) throw new LogError('root-mismatch', `RFC 9162 §2.1.3.2 step 5: root differs for index ${leafIndex} size ${treeSize}`);
}

/**
 * RFC 9162 §2.1.4.2: checks that the tree of size `firstSize` with root `firstHash` is a
 * prefix of the tree of size `secondSize` with root `secondHash`. The RFC defines
 * consistency proofs for 0 < first_size < second_size only (§2.1.4.1); equal sizes are
 * checked by comparing the roots, and every tree extends the empty one.
 * @throws {LogError} `invalid-size`, `invalid-sizes`, `empty-proof` (step 1),
 *   `too-many-hashes`, `invalid-hash-length`, `proof-too-long` (step 6a),
 *   `proof-too-short` or `root-mismatch` (step 7).
 */
export function verifyConsistency(
  firstSize: number,
  secondSize: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  consistencyPath: readonly Uint8Array[],
): void {
  checkSize('firstSize', firstSize);
  checkSize('secondSize', secondSize);
  checkHashes([firstHash, secondHash], 'consistency inputs');
  checkHashes(consistencyPath, 'consistency_path');
  if (firstSize === 0 || firstSize >= secondSize) {
    throw new LogError('invalid-sizes', `RFC 9162 §2.1.4.1 needs 0 < m < n, got m=${firstSize} n=${secondSize}`);
  }
  // Step 1: an empty consistency_path fails.
  if (consistencyPath.length === 0) throw new LogError('empty-proof', 'RFC 9162 §2.1.4.2 step 1: empty consistency_path');
  // Step 2: if first_size is an exact power of 2, prepend first_hash.
  const path = isPowerOfTwo(firstSize) ? [firstHash, ...consistencyPath] : consistencyPath;
  // Step 3: fn = first_size - 1, sn = second_size - 1.
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  // Step 4: if LSB(fn) is set, shift fn and sn until LSB(fn) is not set.
  while (isOdd(fn)) {
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  // Step 5: fr = sr = the first value of consistency_path.
  const [head, ...rest] = path;
  if (head === undefined) throw new LogError('empty-proof', 'RFC 9162 §2.1.4.2 step 5: no first value');
  let fr = head;
  let sr = head;
  // Step 6: for each subsequent value c.
  for (const c of rest) {
    // 6a: sn = 0 with a hash left: the proof is too long.
    if (sn === 0) throw new LogError('proof-too-long', `RFC 9162 §2.1.4.2 step 6a: extra hashes for ${firstSize} -> ${secondSize}`);
    // 6b.
    if (isOdd(fn) || fn === sn) {
      // 6b.i-ii: fr = HASH(0x01 || c || fr), sr = HASH(0x01 || c || sr).
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // 6b.iii: if LSB(fn) is not set, shift fn and sn until LSB(fn) is set or fn is 0.
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = shiftRight(fn);
          sn = shiftRight(sn);
        }
      }
    } else {
      // Otherwise: sr = HASH(0x01 || sr || c).
      sr = nodeHash(sr, c);
    }
    // 6c: shift fn and sn once.
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  // Step 7: fr = first_hash, sr = second_hash and sn = 0.
  if (sn !== 0) throw new LogError('proof-too-short', `RFC 9162 §2.1.4.2 step 7: missing hashes for ${firstSize} -> ${secondSize}`);
  if (!hashEquals(fr, firstHash)) throw new LogError('root-mismatch', `RFC 9162 §2.1.4.2 step 7: first root differs (${firstSize})`);
  if (!hashEquals(sr, secondHash)) throw new LogError('root-mismatch', `RFC 9162 §2.1.4.2 step 7: second root differs (${secondSize})`);
}
