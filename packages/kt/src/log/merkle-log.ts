/**
 * An append-only RFC 9162 log that keeps the hash of every complete, aligned subtree
 * (levels[k][i] = MTH of leaves i*2^k .. (i+1)*2^k - 1). Those never change once complete,
 * so roots, inclusion proofs and consistency proofs of any size cost O(log^2 n) hashes
 * instead of merkle-tree.ts's O(n) recomputation; the results are the same (tests compare).
 */
import { LogError } from './log-error.ts';
import { emptyRoot, HASH_LEN, nodeHash } from './merkle-hash.ts';
import { largestPowerOfTwoBelow } from './merkle-tree.ts';

export class MerkleLog {
  /** levels[0] are the leaf hashes; levels[k] the complete subtrees of 2^k leaves. */
  private readonly levels: Uint8Array[][] = [[]];

  get size(): number {
    return this.levels[0]!.length;
  }

  /** Appends a leaf hash (HASH(0x00 || entry)). @throws {LogError} `invalid-hash-length`. */
  append(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_LEN) throw new LogError('invalid-hash-length', 'leaf hash must be 32 octets');
    this.levels[0]!.push(leafHash.slice());
    // Complete the subtrees the new leaf finishes.
    let k = 0;
    let index = this.levels[0]!.length - 1;
    while (index % 2 === 1) {
      const below = this.levels[k]!;
      const up = (this.levels[k + 1] ??= []);
      up.push(nodeHash(below[index - 1]!, below[index]!));
      k++;
      index = (index - 1) / 2;
    }
  }

  /** The leaf hash at `index`. */
  leaf(index: number): Uint8Array {
    const l = this.levels[0]![index];
    if (l === undefined) throw new LogError('index-out-of-range', `leaf ${index} of ${this.size}`);
    return l;
  }

  /** MTH(D[lo:hi]) for hi > lo. */
  private subtree(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    // An aligned power-of-two range is a stored complete subtree.
    if ((n & (n - 1)) === 0 && n <= 2 ** 30 && lo % n === 0) {
      const k = Math.log2(n);
      const stored = this.levels[k]?.[lo / n];
      if (stored !== undefined) return stored;
    }
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(this.subtree(lo, lo + k), this.subtree(lo + k, hi));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new LogError('invalid-size', `size ${size} outside 0..${this.size}`);
  }

  /** The root the log would have after appending `leaf`, without appending it (O(log n)). */
  rootAppending(leaf: Uint8Array): Uint8Array {
    if (leaf.length !== HASH_LEN) throw new LogError('invalid-hash-length', 'leaf hash must be 32 octets');
    const size = this.size;
    const sub = (lo: number, hi: number): Uint8Array => {
      if (hi <= size) return this.subtree(lo, hi);
      if (hi - lo === 1) return leaf;
      const k = largestPowerOfTwoBelow(hi - lo);
      return nodeHash(sub(lo, lo + k), sub(lo + k, hi));
    };
    return sub(0, size + 1);
  }

  /** RFC 9162 §2.1.1 root of the first `size` leaves. @throws {LogError} `invalid-size`. */
  root(size: number = this.size): Uint8Array {
    this.checkSize(size);
    return size === 0 ? emptyRoot() : this.subtree(0, size);
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[size]). @throws {LogError} `invalid-size`, `index-out-of-range`. */
  inclusion(index: number, size: number = this.size): Uint8Array[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new LogError('index-out-of-range', `index ${index} >= size ${size}`);
    const out: Uint8Array[] = [];
    const path = (m: number, lo: number, hi: number): void => {
      const n = hi - lo;
      if (n === 1) return;
      const k = largestPowerOfTwoBelow(n);
      if (m < k) {
        path(m, lo, lo + k);
        out.push(this.subtree(lo + k, hi));
      } else {
        path(m - k, lo + k, hi);
        out.push(this.subtree(lo, lo + k));
      }
    };
    path(index, 0, size);
    return out;
  }

  /** RFC 9162 §2.1.4.1 PROOF(m, D[n]) for 0 < m < n. @throws {LogError} `invalid-size`, `invalid-sizes`. */
  consistency(first: number, second: number = this.size): Uint8Array[] {
    this.checkSize(second);
    if (!Number.isSafeInteger(first) || first <= 0 || first >= second) throw new LogError('invalid-sizes', `RFC 9162 §2.1.4.1 needs 0 < m < n, got m=${first} n=${second}`);
    const out: Uint8Array[] = [];
    const sub = (m: number, lo: number, hi: number, b: boolean): void => {
      const n = hi - lo;
      if (m === n) {
        if (!b) out.push(this.subtree(lo, hi));
        return;
      }
      const k = largestPowerOfTwoBelow(n);
      if (m <= k) {
        sub(m, lo, lo + k, b);
        out.push(this.subtree(lo + k, hi));
      } else {
        sub(m - k, lo + k, hi, false);
        out.push(this.subtree(lo, lo + k));
      }
    };
    sub(first, 0, second, true);
    return out;
  }
}
