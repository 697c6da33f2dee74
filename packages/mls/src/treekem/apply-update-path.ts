/**
 * Merging a received UpdatePath into the public tree (RFC 9420 §7.5 "merges UpdatePath
 * into the tree", §7.9.2): shape checks, new public keys with empty unmerged leaves,
 * parent hashes recomputed root-down and checked against the committer's signed leaf.
 * Needs no private key, so it serves members and anyone following the public tree.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import type { UpdatePath } from '../structs/ratchet-tree.ts';
import { setParentHashes } from '../tree/parent-hash.ts';
import { bytesKey } from '../tree/key-index.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { TreeKemError } from './errors.ts';

/** The filtered direct path the UpdatePath covered, bottom-up, each node with its copath child. */
export type FilteredPath = readonly { readonly node: number; readonly copathChild: number }[];

/**
 * Checks `updatePath` against the committer's filtered direct path and merges it into
 * `tree` (changed in place: pass a clone and keep it only if the commit is accepted).
 * The caller validates the leaf itself (validateLeafNode with use 'commit') before.
 * Returns the filtered direct path, which processUpdatePath decrypts along.
 * @throws TreeKemError('blank-sender' | 'path-length-mismatch' | 'ciphertext-count-mismatch'
 *   | 'wrong-leaf-node-source' | 'duplicate-encryption-key' | 'parent-hash-mismatch')
 */
export function applyUpdatePath(suite: CipherSuite, tree: RatchetTree, sender: number, updatePath: UpdatePath, addedLeaves?: ReadonlySet<number>): FilteredPath {
  if (tree.leaf(sender) === undefined) throw new TreeKemError('blank-sender', `leaf ${sender}`);
  // §4.1.2: the filtered direct path counts new members; §7.6: the ciphertexts leave them out.
  const path = tree.filteredDirectPath(sender);
  if (updatePath.nodes.length !== path.length) throw new TreeKemError('path-length-mismatch', `${updatePath.nodes.length} nodes for a filtered direct path of ${path.length}`);
  for (const [i, { node, copathChild }] of path.entries()) {
    const expected = tree.resolution(copathChild, addedLeaves).length;
    const actual = updatePath.nodes[i]!.encryptedPathSecret.length;
    if (actual !== expected) throw new TreeKemError('ciphertext-count-mismatch', `node ${node}: ${actual} ciphertexts for a resolution of ${expected}`);
  }
  const leafNode = updatePath.leafNode;
  if (leafNode.source.type !== 'commit') throw new TreeKemError('wrong-leaf-node-source', `${leafNode.source.type} leaf in an UpdatePath`);

  tree.blankDirectPath(sender);
  checkFreshKeys(tree, sender, [leafNode.encryptionKey, ...updatePath.nodes.map((n) => n.encryptionKey)]);

  for (const [i, { node }] of path.entries()) {
    tree.setParent(node, { encryptionKey: updatePath.nodes[i]!.encryptionKey, parentHash: new Uint8Array(0), unmergedLeaves: [] });
  }
  const expectedParentHash = setParentHashes(suite, tree, path);
  if (!suite.provider.constantTimeEqual(expectedParentHash, leafNode.source.parentHash)) {
    throw new TreeKemError('parent-hash-mismatch', `leaf ${sender}`);
  }
  tree.setLeaf(sender, leafNode);
  return path;
}

/**
 * New keys must be fresh (§7.3, §12.4.3.1): none twice in the path, none already in the
 * tree outside the sender's leaf and its (already blanked) direct path. One lookup per key
 * in the tree's key index, which the blanking above already updated: O(path), not O(n).
 * @throws TreeKemError('duplicate-encryption-key')
 */
function checkFreshKeys(tree: RatchetTree, sender: number, keys: readonly Uint8Array[]): void {
  const inPath = new Set<string>();
  const taken = tree.keyIndex().encryptionKeys;
  for (const key of keys) {
    const k = bytesKey(key);
    if (inPath.has(k)) throw new TreeKemError('duplicate-encryption-key', 'an UpdatePath key appears twice');
    inPath.add(k);
    const holder = taken.get(k);
    if (holder !== undefined && holder !== 2 * sender) throw new TreeKemError('duplicate-encryption-key', `an UpdatePath key is already at node ${holder}`);
  }
}
