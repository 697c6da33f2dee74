/**
 * An independent prefix-tree root for tests: partitions the whole key set by bits at
 * every level, the way the draft describes the shape, hashing with node:crypto.
 */
import { createHash } from 'node:crypto';

export interface Entry { key: Uint8Array; commitment: Uint8Array }

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

const ZERO = new Uint8Array(32);
const bit = (k: Uint8Array, i: number): number => ((k[i >> 3] ?? 0) >> (7 - (i % 8))) & 1;

function node(entries: readonly Entry[], depth: number): Uint8Array {
  if (entries.length === 0) return ZERO;
  if (entries.length === 1) {
    const [e] = entries as [Entry];
    return sha256(Uint8Array.of(2), e.key, e.commitment);
  }
  return sha256(Uint8Array.of(3), node(entries.filter((e) => bit(e.key, depth) === 0), depth + 1), node(entries.filter((e) => bit(e.key, depth) === 1), depth + 1));
}

/** The root is always a parent (it stands for the empty prefix). */
export function naivePrefixRoot(entries: readonly Entry[]): Uint8Array {
  return sha256(Uint8Array.of(3), node(entries.filter((e) => bit(e.key, 0) === 0), 1), node(entries.filter((e) => bit(e.key, 0) === 1), 1));
}

/** A 32-octet key whose first bits are `bits` (a string of 0/1), then `fill`. */
export function keyWithPrefix(bits: string, fill = 0): Uint8Array {
  const k = new Uint8Array(32).fill(fill);
  for (let i = 0; i < bits.length; i++) {
    const mask = 1 << (7 - (i % 8));
    if (bits[i] === '1') k[i >> 3] = (k[i >> 3] ?? 0) | mask;
    else k[i >> 3] = (k[i >> 3] ?? 0) & ~mask;
  }
  return k;
}
