/**
 * What leaf validation needs to know about the other members of a group (RFC 9420 §7.3):
 * which credential types are in use and supported, and which encryption and signature keys
 * are taken. Built once per tree in O(n), then each leaf is checked in O(its capabilities)
 * instead of O(n), so adding 1023 members in one commit stays linear. It is updated as
 * leaves are admitted or removed, so leaves added in the same commit are checked against
 * each other too.
 */
import { credentialTypeOf } from '../structs/credential.ts';
import type { LeafNode } from '../structs/leaf-node.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { bytesKey } from '../tree/validate-tree.ts';

function increment(map: Map<number, number>, key: number, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

export class MemberIndex {
  /** credential type -> members whose credential has it. */
  private readonly typesInUse = new Map<number, number>();
  /** credential type -> members whose capabilities list it. */
  private readonly typesSupported = new Map<number, number>();
  /** encryption key -> node index holding it (leaves and parents). */
  private readonly encryptionKeys = new Map<string, number>();
  /** signature key -> leaf index holding it. */
  private readonly signatureKeys = new Map<string, number>();
  private members = 0;

  private constructor(private readonly tree: RatchetTree) {}

  /** Indexes every non-blank node of `tree`. The index keeps reading `tree` for error reports. */
  static build(tree: RatchetTree): MemberIndex {
    const index = new MemberIndex(tree);
    for (const [leafIndex, leaf] of tree.occupiedLeaves()) index.addLeaf(leafIndex, leaf);
    for (let x = 1; x < tree.nodeCount; x += 2) {
      const key = tree.encryptionKey(x);
      if (key !== undefined) index.encryptionKeys.set(bytesKey(key), x);
    }
    return index;
  }

  /** Records `leaf` at `leafIndex` (after it was validated and placed in the tree). */
  addLeaf(leafIndex: number, leaf: LeafNode): void {
    this.count(leaf, 1);
    this.encryptionKeys.set(bytesKey(leaf.encryptionKey), 2 * leafIndex);
    this.signatureKeys.set(bytesKey(leaf.signatureKey), leafIndex);
  }

  /** Forgets `leaf` at `leafIndex` (removed or replaced). */
  removeLeaf(leafIndex: number, leaf: LeafNode): void {
    this.count(leaf, -1);
    const e = bytesKey(leaf.encryptionKey);
    if (this.encryptionKeys.get(e) === 2 * leafIndex) this.encryptionKeys.delete(e);
    const s = bytesKey(leaf.signatureKey);
    if (this.signatureKeys.get(s) === leafIndex) this.signatureKeys.delete(s);
  }

  private count(leaf: LeafNode, by: 1 | -1): void {
    this.members += by;
    increment(this.typesInUse, credentialTypeOf(leaf.credential), by);
    for (const type of new Set(leaf.capabilities.credentials)) increment(this.typesSupported, type, by);
  }

  /** Node index already holding encryption key `key`, ignoring node `except`. */
  encryptionKeyHolder(key: Uint8Array, except?: number): number | undefined {
    const holder = this.encryptionKeys.get(bytesKey(key));
    return holder === except ? undefined : holder;
  }

  /** Leaf index already holding signature key `key`, ignoring leaf `except`. */
  signatureKeyHolder(key: Uint8Array, except?: number): number | undefined {
    const holder = this.signatureKeys.get(bytesKey(key));
    return holder === except ? undefined : holder;
  }

  /**
   * A member (other than `except`, whose current leaf is `exceptLeaf`) that does not list
   * credential type `type` in its capabilities (-1 when it is a leaf admitted but not yet
   * placed in the tree), or undefined when all do.
   */
  memberNotSupporting(type: number, except: number | undefined, exceptLeaf: LeafNode | undefined): number | undefined {
    let members = this.members;
    let supported = this.typesSupported.get(type) ?? 0;
    if (exceptLeaf !== undefined) {
      members--;
      if (exceptLeaf.capabilities.credentials.includes(type)) supported--;
    }
    if (supported >= members) return undefined;
    // Rare failure path: find who, for the error report.
    for (const [leafIndex, leaf] of this.tree.occupiedLeaves()) {
      if (leafIndex !== except && !leaf.capabilities.credentials.includes(type)) return leafIndex;
    }
    return -1; // an admitted leaf not (yet) in the tree
  }

  /** Credential types used by members other than `exceptLeaf`'s holder. */
  credentialTypesInUse(exceptLeaf: LeafNode | undefined): number[] {
    const excluded = exceptLeaf === undefined ? undefined : credentialTypeOf(exceptLeaf.credential);
    const out: number[] = [];
    for (const [type, count] of this.typesInUse) if (count - (type === excluded ? 1 : 0) > 0) out.push(type);
    return out;
  }
}
