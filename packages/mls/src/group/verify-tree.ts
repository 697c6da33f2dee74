/**
 * Checking a ratchet tree received from outside the group (RFC 9420 §12.4.3.1 "Verify the
 * integrity of the ratchet tree"), as a joiner does with a Welcome or an external commit.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { DecodeError } from '../codec/errors.ts';
import type { GroupContext } from '../structs/group-context.ts';
import { TreeError } from '../tree/errors.ts';
import { verifyParentHashes } from '../tree/parent-hash.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { verifyTreeIntegrity } from '../tree/validate-tree.ts';
import { ValidationError } from '../validation/errors.ts';
import { type LeafValidationPolicy, validateLeafNode } from '../validation/leaf-node.ts';
import { MemberIndex } from '../validation/member-index.ts';
import { GroupError } from './errors.ts';
import { MAX_MEMBERS } from './limits.ts';

/**
 * Verifies `tree` for the group of `context` (§12.4.3.1): member count within MAX_MEMBERS,
 * the tree hash equals the GroupContext's, every non-blank parent is parent-hash valid,
 * unmerged leaves are consistent, keys are unique, and every leaf is valid (§7.3) with
 * the application's credential policy.
 * @throws GroupError('too-many-members' | 'invalid-tree' | 'invalid-leaf')
 */
export function verifyJoinedTree(suite: CipherSuite, tree: RatchetTree, context: GroupContext, policy: LeafValidationPolicy): void {
  const members = tree.memberCount();
  if (members > MAX_MEMBERS) throw new GroupError('too-many-members', `${members} members > ${MAX_MEMBERS}`);
  if (!suite.provider.constantTimeEqual(treeHash(suite, tree), context.treeHash)) throw new GroupError('invalid-tree', 'tree hash differs from the GroupContext');
  try {
    verifyTreeIntegrity(tree);
    verifyParentHashes(suite, tree);
  } catch (error) {
    if (error instanceof TreeError) throw new GroupError('invalid-tree', error.message, error);
    throw error;
  }
  const group = { suite, version: context.version, groupId: context.groupId, extensions: context.extensions };
  const index = MemberIndex.of(tree);
  for (const [leafIndex, leaf] of tree.occupiedLeaves()) {
    try {
      validateLeafNode(leaf, { kind: 'tree', leafIndex }, group, tree, index, policy);
    } catch (error) {
      if (error instanceof ValidationError || error instanceof DecodeError) throw new GroupError('invalid-leaf', `leaf ${leafIndex}: ${error.message}`, error);
      throw error;
    }
  }
}
