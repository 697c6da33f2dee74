/**
 * Parent hashes (RFC 9420 §7.9): computing them along an UpdatePath and verifying that
 * every non-blank parent of a received tree is "parent-hash valid" (§7.9.2).
 *
 *   struct {
 *       HPKEPublicKey encryption_key;
 *       opaque parent_hash<V>;
 *       opaque original_sibling_tree_hash<V>;
 *   } ParentHashInput;
 */
import { Writer } from '../codec/writer.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { hash } from '../crypto/kdf.ts';
import type { ParentNode } from '../structs/ratchet-tree.ts';
import { level } from '../tree-math.ts';
import { TreeError } from './errors.ts';
import type { RatchetTree } from './ratchet-tree.ts';
import { nodeTreeHash, treeHashWithoutLeaves } from './tree-hash.ts';

const EMPTY: Uint8Array = new Uint8Array(0);

/** Hash of ParentHashInput (§7.9). */
export function parentHashOf(suite: CipherSuite, encryptionKey: Uint8Array, parentHash: Uint8Array, originalSiblingTreeHash: Uint8Array): Uint8Array {
  const writer = new Writer(16 + encryptionKey.length + parentHash.length + originalSiblingTreeHash.length);
  writer.opaque(encryptionKey).opaque(parentHash).opaque(originalSiblingTreeHash);
  return hash(suite, writer.finish());
}

/**
 * Sets the parent_hash of each node of a filtered direct path, root first, and returns the
 * parent hash the sender's leaf must carry (§7.9, §7.5 step 3). `path` lists the filtered
 * direct path bottom-up with each node's copath child; its nodes must already hold their
 * new keys with empty unmerged_leaves, so the original sibling tree hash is the current one.
 * @throws TreeError('malformed-tree') when a node of `path` is blank (a caller bug)
 */
export function setParentHashes(suite: CipherSuite, tree: RatchetTree, path: readonly { node: number; copathChild: number }[]): Uint8Array {
  let parentHash = EMPTY;
  for (let i = path.length - 1; i >= 0; i--) {
    const { node: x, copathChild } = path[i]!;
    const node = tree.parent(x);
    if (node === undefined) throw new TreeError('malformed-tree', `filtered direct path node ${x} is blank`);
    tree.setParent(x, { ...node, parentHash });
    parentHash = parentHashOf(suite, node.encryptionKey, parentHash, nodeTreeHash(suite, tree, copathChild));
  }
  return parentHash;
}

/** The parent_hash a node carries: a parent's field, a commit leaf's field, nothing otherwise. */
function carriedParentHash(tree: RatchetTree, x: number): Uint8Array | undefined {
  if (x % 2 === 1) return tree.parent(x)?.parentHash;
  const source = tree.leaf(x / 2)?.source;
  return source?.type === 'commit' ? source.parentHash : undefined;
}

/**
 * Finds the descendant D of parent P (through child C, with sibling S) whose parent hash
 * links it to P (§7.9.2): D is in the resolution of C, the resolution of C without D is
 * exactly P's unmerged leaves under C, and D.parent_hash is the parent hash of P with
 * copath child S. Returns D's node index, or undefined.
 */
function linkedChild(suite: CipherSuite, tree: RatchetTree, p: number, node: ParentNode, c: number, s: number): number | undefined {
  const unmergedUnderC = new Set<number>();
  for (const leafIndex of node.unmergedLeaves) if (tree.inSubtree(2 * leafIndex, c)) unmergedUnderC.add(2 * leafIndex);
  let candidate: number | undefined;
  let matched = 0;
  for (const r of tree.resolution(c)) {
    if (unmergedUnderC.has(r)) {
      matched++;
      continue;
    }
    if (candidate !== undefined) return undefined; // two nodes outside the unmerged set
    candidate = r;
  }
  if (candidate === undefined || matched !== unmergedUnderC.size) return undefined;
  const carried = carriedParentHash(tree, candidate);
  if (carried === undefined || carried.length === 0) return undefined;
  const expected = parentHashOf(suite, node.encryptionKey, node.parentHash, treeHashWithoutLeaves(suite, tree, s, node.unmergedLeaves));
  return suite.provider.constantTimeEqual(carried, expected) ? candidate : undefined;
}

/**
 * Verifies that every non-blank parent node is parent-hash valid (§7.9.2, checked "top
 * down"): each has a descendant linked to it by its parent hash, and no node links to two
 * parents, so the links form chains that each end in a leaf and cover every parent once.
 * Work: one parent-hash computation per child of each non-blank parent, with the tree
 * hashes cached, so O(n) hashes for n nodes.
 * @throws TreeError('parent-hash-invalid') naming the first parent node that fails
 */
export function verifyParentHashes(suite: CipherSuite, tree: RatchetTree): void {
  const linked = new Set<number>();
  for (let p = 1; p < tree.nodeCount; p += 2) {
    const node = tree.parent(p);
    if (node === undefined) continue;
    const k = level(p);
    const l = p ^ (1 << (k - 1));
    const r = p ^ (3 << (k - 1));
    const d = linkedChild(suite, tree, p, node, l, r) ?? linkedChild(suite, tree, p, node, r, l);
    if (d === undefined) throw new TreeError('parent-hash-invalid', `parent node ${p} has no descendant linked by its parent hash`);
    if (linked.has(d)) throw new TreeError('parent-hash-invalid', `node ${d} is linked to two parents`);
    linked.add(d);
  }
}
