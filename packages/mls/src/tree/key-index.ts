/**
 * What a RatchetTree keeps indexed about its members so that validating a leaf (RFC 9420
 * §7.3) and checking new UpdatePath keys (§7.5, §12.4.3.1) cost O(1) per key instead of a
 * scan of the tree: which node holds each encryption key, which leaf each signature key,
 * and how many members use and support each credential type.
 *
 * The tree builds it once (O(n), on first use) and then keeps it current on every
 * mutation, so processing a commit touches only the nodes the commit changes; a clone of
 * the tree copies the maps (a native copy of the entries, no key is re-encoded).
 */
import { credentialTypeOf } from '../structs/credential.ts';
import type { LeafNode } from '../structs/leaf-node.ts';

/**
 * A Map key holding every byte of `bytes` (one UTF-16 unit per byte): exact, so
 * attacker-chosen keys cannot collide, and cheaper to build than hex.
 */
export function bytesKey(bytes: Uint8Array): string {
  const CHUNK = 8192; // well below every engine's argument-count limit
  if (bytes.length <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  return out;
}

function increment(map: Map<number, number>, key: number, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

export class TreeKeyIndex {
  /** encryption key -> node index holding it (leaves and parents). */
  readonly encryptionKeys: Map<string, number>;
  /** signature key -> leaf index holding it. */
  readonly signatureKeys: Map<string, number>;
  /** credential type -> members whose credential has it. */
  readonly typesInUse: Map<number, number>;
  /** credential type -> members whose capabilities list it. */
  readonly typesSupported: Map<number, number>;
  /** Occupied leaves. */
  members: number;

  constructor(from?: TreeKeyIndex) {
    this.encryptionKeys = new Map(from?.encryptionKeys);
    this.signatureKeys = new Map(from?.signatureKeys);
    this.typesInUse = new Map(from?.typesInUse);
    this.typesSupported = new Map(from?.typesSupported);
    this.members = from?.members ?? 0;
  }

  /** Records `leaf` placed at `leafIndex`. */
  addLeaf(leafIndex: number, leaf: LeafNode): void {
    this.count(leaf, 1);
    this.encryptionKeys.set(bytesKey(leaf.encryptionKey), 2 * leafIndex);
    this.signatureKeys.set(bytesKey(leaf.signatureKey), leafIndex);
  }

  /** Forgets `leaf`, which was at `leafIndex` (blanked or replaced). */
  removeLeaf(leafIndex: number, leaf: LeafNode): void {
    this.count(leaf, -1);
    this.removeEncryptionKey(2 * leafIndex, leaf.encryptionKey);
    const s = bytesKey(leaf.signatureKey);
    if (this.signatureKeys.get(s) === leafIndex) this.signatureKeys.delete(s);
  }

  /** Records parent node `x`'s encryption key. */
  addParentKey(x: number, key: Uint8Array): void {
    this.encryptionKeys.set(bytesKey(key), x);
  }

  /** Forgets `key` if node `x` is the one recorded for it (a tree not yet validated may repeat keys). */
  removeEncryptionKey(x: number, key: Uint8Array): void {
    const e = bytesKey(key);
    if (this.encryptionKeys.get(e) === x) this.encryptionKeys.delete(e);
  }

  private count(leaf: LeafNode, by: 1 | -1): void {
    this.members += by;
    increment(this.typesInUse, credentialTypeOf(leaf.credential), by);
    for (const type of new Set(leaf.capabilities.credentials)) increment(this.typesSupported, type, by);
  }
}
