/**
 * What leaf validation needs to know about the other members of a group (RFC 9420 §7.3):
 * which credential types are in use and supported, and which encryption and signature keys
 * are taken. A view over the tree's own key index (tree/key-index.ts), which the tree
 * builds once and keeps current as leaves are added, updated or removed, so each leaf is
 * checked in O(its capabilities) instead of O(n), adding 1023 members in one commit stays
 * linear, leaves added in the same commit are checked against each other, and a commit
 * of one member costs no O(n) rebuild.
 */
import { credentialTypeOf } from '../structs/credential.ts';
import type { LeafNode } from '../structs/leaf-node.ts';
import { bytesKey, type TreeKeyIndex } from '../tree/key-index.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';

export class MemberIndex {
  private constructor(
    private readonly tree: RatchetTree,
    private readonly index: TreeKeyIndex,
  ) {}

  /** The index of `tree` as it is now and as it changes (built on first use, then maintained by the tree). */
  static of(tree: RatchetTree): MemberIndex {
    return new MemberIndex(tree, tree.keyIndex());
  }

  /** Node index already holding encryption key `key`, ignoring node `except`. */
  encryptionKeyHolder(key: Uint8Array, except?: number): number | undefined {
    const holder = this.index.encryptionKeys.get(bytesKey(key));
    return holder === except ? undefined : holder;
  }

  /** Leaf index already holding signature key `key`, ignoring leaf `except`. */
  signatureKeyHolder(key: Uint8Array, except?: number): number | undefined {
    const holder = this.index.signatureKeys.get(bytesKey(key));
    return holder === except ? undefined : holder;
  }

  /**
   * A member (other than `except`, whose current leaf is `exceptLeaf`) that does not list
   * credential type `type` in its capabilities, or undefined when all do.
   */
  memberNotSupporting(type: number, except: number | undefined, exceptLeaf: LeafNode | undefined): number | undefined {
    let members = this.index.members;
    let supported = this.index.typesSupported.get(type) ?? 0;
    if (exceptLeaf !== undefined) {
      members--;
      if (exceptLeaf.capabilities.credentials.includes(type)) supported--;
    }
    if (supported >= members) return undefined;
    // Rare failure path: find who, for the error report.
    for (const [leafIndex, leaf] of this.tree.occupiedLeaves()) {
      if (leafIndex !== except && !leaf.capabilities.credentials.includes(type)) return leafIndex;
    }
    return -1; // unreachable while the index follows the tree
  }

  /** Credential types used by members other than `exceptLeaf`'s holder. */
  credentialTypesInUse(exceptLeaf: LeafNode | undefined): number[] {
    const excluded = exceptLeaf === undefined ? undefined : credentialTypeOf(exceptLeaf.credential);
    const out: number[] = [];
    for (const [type, count] of this.index.typesInUse) if (count - (type === excluded ? 1 : 0) > 0) out.push(type);
    return out;
  }
}
