/**
 * Tree hashes (RFC 9420 §7.8).
 *
 *   struct { NodeType node_type; select (node_type) {
 *       case leaf:   LeafNodeHashInput leaf_node;
 *       case parent: ParentNodeHashInput parent_node; }; } TreeHashInput;
 *   struct { uint32 leaf_index; optional<LeafNode> leaf_node; } LeafNodeHashInput;
 *   struct { optional<ParentNode> parent_node; opaque left_hash<V>; opaque right_hash<V>; } ParentNodeHashInput;
 *
 * Hashes are cached in the tree per node (see RatchetTree); a hash is computed once until
 * the node or something below it changes.
 */
import { Writer } from '../codec/writer.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { hash } from '../crypto/kdf.ts';
import { NodeType } from '../structs/enums.ts';
import { encodeLeafNode, type LeafNode } from '../structs/leaf-node.ts';
import { encodeParentNode, type ParentNode } from '../structs/ratchet-tree.ts';
import { level } from '../tree-math.ts';
import type { RatchetTree } from './ratchet-tree.ts';

/** Hash of a LeafNodeHashInput (§7.8). */
export function leafTreeHash(suite: CipherSuite, leafIndex: number, leaf: LeafNode | undefined): Uint8Array {
  const writer = new Writer(leaf === undefined ? 8 : 512);
  writer.uint8(NodeType.leaf).uint32(leafIndex).optional(leaf, encodeLeafNode);
  return hash(suite, writer.finish());
}

/** Hash of a ParentNodeHashInput (§7.8). */
export function parentTreeHash(suite: CipherSuite, node: ParentNode | undefined, leftHash: Uint8Array, rightHash: Uint8Array): Uint8Array {
  const writer = new Writer(256);
  writer.uint8(NodeType.parent).optional(node, encodeParentNode).opaque(leftHash).opaque(rightHash);
  return hash(suite, writer.finish());
}

/** Tree hash of node `nodeIndex` (§7.8), from the cache where possible. */
export function nodeTreeHash(suite: CipherSuite, tree: RatchetTree, nodeIndex: number): Uint8Array {
  const cached = tree.cachedHash(suite.id, nodeIndex);
  if (cached !== undefined) return cached;
  let value: Uint8Array;
  if (nodeIndex % 2 === 0) {
    value = leafTreeHash(suite, nodeIndex / 2, tree.leaf(nodeIndex / 2));
  } else {
    const k = level(nodeIndex);
    const leftHash = nodeTreeHash(suite, tree, nodeIndex ^ (1 << (k - 1)));
    const rightHash = nodeTreeHash(suite, tree, nodeIndex ^ (3 << (k - 1)));
    value = parentTreeHash(suite, tree.parent(nodeIndex), leftHash, rightHash);
  }
  tree.storeHash(suite.id, nodeIndex, value);
  return value;
}

/** Tree hash of the whole tree: the root's (§7.8); what GroupContext.tree_hash holds. */
export function treeHash(suite: CipherSuite, tree: RatchetTree): Uint8Array {
  return nodeTreeHash(suite, tree, tree.root);
}

/**
 * Tree hash of node `nodeIndex` in the tree where every leaf of `removedLeaves` is blank
 * and missing from every unmerged_leaves list: the "original sibling tree hash" of §7.9.
 * Subtrees that contain none of those leaves use the (cached) current hash, as §7.9
 * allows; only the nodes above a removed leaf are rehashed.
 */
export function treeHashWithoutLeaves(suite: CipherSuite, tree: RatchetTree, nodeIndex: number, removedLeaves: readonly number[]): Uint8Array {
  const inside = removedLeaves.filter((leafIndex) => tree.inSubtree(2 * leafIndex, nodeIndex));
  if (inside.length === 0) return nodeTreeHash(suite, tree, nodeIndex);
  if (nodeIndex % 2 === 0) return leafTreeHash(suite, nodeIndex / 2, undefined);
  const k = level(nodeIndex);
  const leftHash = treeHashWithoutLeaves(suite, tree, nodeIndex ^ (1 << (k - 1)), inside);
  const rightHash = treeHashWithoutLeaves(suite, tree, nodeIndex ^ (3 << (k - 1)), inside);
  let node = tree.parent(nodeIndex);
  if (node !== undefined) {
    const removed = new Set(inside);
    const kept = node.unmergedLeaves.filter((leafIndex) => !removed.has(leafIndex));
    if (kept.length !== node.unmergedLeaves.length) node = { ...node, unmergedLeaves: kept };
  }
  return parentTreeHash(suite, node, leftHash, rightHash);
}
