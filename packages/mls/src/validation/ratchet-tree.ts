/**
 * Validating a ratchet tree received when joining a group (RFC 9420 §12.4.3.1 "Verify the
 * integrity of the ratchet tree", §12.4.3.3): the whole tree, before any of it is used.
 */
import { TreeError } from '../tree/errors.ts';
import { verifyParentHashes } from '../tree/parent-hash.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { verifyTreeIntegrity } from '../tree/validate-tree.ts';
import { type GroupParameters, type LeafValidationPolicy, validateLeafNode } from './leaf-node.ts';
import { MemberIndex } from './member-index.ts';

/**
 * Checks, in order of cost: the root tree hash equals `expectedTreeHash` (the GroupInfo's
 * GroupContext.tree_hash); unmerged leaves and key uniqueness; every non-blank parent is
 * parent-hash valid (§7.9.2); every leaf is valid where it sits (§7.3, validateLeafNode
 * with use 'tree': signature, capabilities, credential types, credential callback).
 * Returns the MemberIndex built on the way, for the caller to keep using.
 * @throws TreeError('tree-hash-mismatch' | 'invalid-unmerged-leaves' | 'duplicate-encryption-key'
 *   | 'duplicate-signature-key' | 'parent-hash-invalid')
 * @throws ValidationError from the first invalid leaf
 */
export function validateRatchetTree(tree: RatchetTree, group: GroupParameters, policy: LeafValidationPolicy, expectedTreeHash: Uint8Array): MemberIndex {
  const suite = group.suite;
  if (!suite.provider.constantTimeEqual(treeHash(suite, tree), expectedTreeHash)) throw new TreeError('tree-hash-mismatch', `root ${tree.root}`);
  verifyTreeIntegrity(tree);
  verifyParentHashes(suite, tree);
  const members = MemberIndex.of(tree);
  for (const [leafIndex, leaf] of tree.occupiedLeaves()) validateLeafNode(leaf, { kind: 'tree', leafIndex }, group, tree, members, policy);
  return members;
}
