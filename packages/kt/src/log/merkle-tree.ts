/**
 * Roots, inclusion proofs and consistency proofs of an RFC 9162 Merkle Tree, computed
 * from the list of its leaf hashes (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1). These are the
 * server's side; the client's side is merkle-verify.ts. The functions recompute subtree
 * hashes from the leaves (O(n) per call); a storage layer can cache subtree roots later
 * without changing the results.
 */
import { LogError } from './log-error.ts';
import { emptyRoot, nodeHash } from './merkle-hash.ts';

/** RFC 9162 §2.1.1: k, the largest power of two smaller than n (n > 1). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new LogError('invalid-size', `${name} must be a safe non-negative integer`);
}

/** MTH(D[lo:hi]) over leaf hashes, hi > lo. */
function subtreeRoot(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 1) {
    const leaf = leaves[lo];
    if (leaf === undefined) throw new LogError('invalid-size', 'leaf missing');
    return leaf;
  }
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
}

/**
 * RFC 9162 §2.1.1: the Merkle Tree Hash of the first `size` leaves (all of them by
 * default), given their leaf hashes HASH(0x00 || d).
 * @throws {LogError} `invalid-size` if `size` exceeds the number of leaves.
 */
export function treeRoot(leafHashes: readonly Uint8Array[], size: number = leafHashes.length): Uint8Array {
  checkSize('size', size);
  if (size > leafHashes.length) throw new LogError('invalid-size', `size ${size} > ${leafHashes.length} leaves`);
  return size === 0 ? emptyRoot() : subtreeRoot(leafHashes, 0, size);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]), leaf m relative to lo. */
function path(leaves: readonly Uint8Array[], m: number, lo: number, hi: number, out: Uint8Array[]): void {
  const n = hi - lo;
  if (n === 1) return; // PATH(0, {d(0)}) = {}
  const k = largestPowerOfTwoBelow(n);
  if (m < k) {
    // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])
    path(leaves, m, lo, lo + k, out);
    out.push(subtreeRoot(leaves, lo + k, hi));
  } else {
    // PATH(m, D[n]) = PATH(m - k, D[k:n]) : MTH(D[0:k])
    path(leaves, m - k, lo + k, hi, out);
    out.push(subtreeRoot(leaves, lo, lo + k));
  }
}

/**
 * RFC 9162 §2.1.3.1: the inclusion proof (audit path) of leaf `index` in the tree of the
 * first `size` leaves.
 * @throws {LogError} `invalid-size` or `index-out-of-range` (index >= size).
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, size: number = leafHashes.length): Uint8Array[] {
  checkSize('index', index);
  checkSize('size', size);
  if (size > leafHashes.length) throw new LogError('invalid-size', `size ${size} > ${leafHashes.length} leaves`);
  if (index >= size) throw new LogError('index-out-of-range', `index ${index} >= size ${size}`);
  const out: Uint8Array[] = [];
  path(leafHashes, index, 0, size, out);
  return out;
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b). */
function subproof(leaves: readonly Uint8Array[], m: number, lo: number, hi: number, b: boolean, out: Uint8Array[]): void {
  const n = hi - lo;
  if (m === n) {
    // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}
    if (!b) out.push(subtreeRoot(leaves, lo, hi));
    return;
  }
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    // SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
    subproof(leaves, m, lo, lo + k, b, out);
    out.push(subtreeRoot(leaves, lo + k, hi));
  } else {
    // SUBPROOF(m, D[n], b) = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
    subproof(leaves, m - k, lo + k, hi, false, out);
    out.push(subtreeRoot(leaves, lo, lo + k));
  }
}

/**
 * RFC 9162 §2.1.4.1: PROOF(m, D[n]) = SUBPROOF(m, D[n], true), the consistency proof from
 * the tree of the first `firstSize` leaves to the tree of the first `secondSize` leaves.
 * @throws {LogError} `invalid-size`, or `invalid-sizes` unless 0 < firstSize < secondSize
 *   (the only sizes for which the RFC defines a proof).
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], firstSize: number, secondSize: number = leafHashes.length): Uint8Array[] {
  checkSize('firstSize', firstSize);
  checkSize('secondSize', secondSize);
  if (secondSize > leafHashes.length) throw new LogError('invalid-size', `size ${secondSize} > ${leafHashes.length} leaves`);
  if (firstSize === 0 || firstSize >= secondSize) {
    throw new LogError('invalid-sizes', `RFC 9162 §2.1.4.1 needs 0 < m < n, got m=${firstSize} n=${secondSize}`);
  }
  const out: Uint8Array[] = [];
  subproof(leafHashes, firstSize, 0, secondSize, true, out);
  return out;
}
