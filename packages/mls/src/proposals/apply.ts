/**
 * Applying a proposal list (RFC 9420 §12.3) to a copy of the tree and GroupContext, in the
 * order the RFC fixes: GroupContextExtensions, Updates, Removes, Adds (in list order), then
 * PSKs, ExternalInit and ReInit are noted for the key schedule. The §7.3/§10.1 validity of
 * every new leaf is checked against the tree as it is when the leaf is placed, with the new
 * extensions in force, so an Add of a client whose old leaf is removed in the same commit
 * is accepted and one that duplicates a member is not.
 */
import { DecodeError } from '../codec/errors.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import type { Extension } from '../structs/extensions.ts';
import type { GroupContext } from '../structs/group-context.ts';
import type { KeyPackage } from '../structs/key-package.ts';
import type { ExternalInit, ReInit } from '../structs/proposals.ts';
import type { PreSharedKeyID } from '../structs/psk.ts';
import { TreeError } from '../tree/errors.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { ValidationError } from '../validation/errors.ts';
import { validateKeyPackage } from '../validation/key-package.ts';
import { checkGroupCompatibility, type LeafValidationPolicy, validateLeafNode } from '../validation/leaf-node.ts';
import { MemberIndex } from '../validation/member-index.ts';
import { GroupError } from '../group/errors.ts';
import { MAX_MEMBERS } from '../group/limits.ts';
import type { ResolvedProposal } from './resolve.ts';

export interface AppliedProposals {
  /** The tree after the proposals (a clone; the input tree is unchanged). */
  readonly tree: RatchetTree;
  readonly extensions: readonly Extension[];
  /** Leaves added, in proposal order, with their KeyPackages (for the Welcome). */
  readonly added: readonly { readonly leafIndex: number; readonly keyPackage: KeyPackage }[];
  readonly removed: ReadonlySet<number>;
  readonly updated: ReadonlySet<number>;
  readonly pskIds: readonly PreSharedKeyID[];
  readonly externalInit: ExternalInit | undefined;
  readonly reinit: ReInit | undefined;
}

function asGroupError(error: unknown, what: string): never {
  if (error instanceof ValidationError || error instanceof DecodeError) throw new GroupError('invalid-proposal', `${what}: ${error.message}`, error);
  if (error instanceof TreeError) throw new GroupError('too-many-members', `${what}: ${error.message}`, error);
  throw error;
}

/**
 * Applies `proposals` (already list-validated) to a clone of `tree` under `context` (§12.3).
 * @throws GroupError('invalid-proposal' | 'too-many-members')
 */
export function applyProposals(
  suite: CipherSuite,
  context: GroupContext,
  tree: RatchetTree,
  proposals: readonly ResolvedProposal[],
  policy: LeafValidationPolicy,
): AppliedProposals {
  const next = tree.clone();
  const gce = proposals.find((p) => p.proposal.type === 'group_context_extensions')?.proposal;
  const extensions = gce?.type === 'group_context_extensions' ? gce.extensions : context.extensions;
  const group = { suite, version: context.version, groupId: context.groupId, extensions };
  const members = MemberIndex.of(next);

  const updated = new Set<number>();
  for (const [index, { proposal, sender }] of proposals.entries()) {
    if (proposal.type !== 'update' || sender.type !== 'member') continue;
    const leafIndex = sender.leafIndex;
    try {
      validateLeafNode(proposal.leafNode, { kind: 'update', leafIndex }, group, next, members, policy);
    } catch (error) {
      asGroupError(error, `proposal ${index} (update of leaf ${leafIndex})`);
    }
    next.updateLeaf(leafIndex, proposal.leafNode);
    updated.add(leafIndex);
  }

  const removed = new Set<number>();
  for (const { proposal } of proposals) {
    if (proposal.type !== 'remove') continue;
    next.removeLeaf(proposal.removed);
    removed.add(proposal.removed);
  }

  if (gce !== undefined) {
    // §12.1.7: every member that stays must support the new extensions (and required capabilities).
    for (const [leafIndex, leaf] of next.occupiedLeaves()) {
      try {
        checkGroupCompatibility(leaf, group);
      } catch (error) {
        asGroupError(error, `GroupContextExtensions unsupported by leaf ${leafIndex}`);
      }
    }
  }

  const added: { leafIndex: number; keyPackage: KeyPackage }[] = [];
  let memberCount = next.memberCount();
  for (const [index, { proposal }] of proposals.entries()) {
    if (proposal.type !== 'add') continue;
    if (++memberCount > MAX_MEMBERS) throw new GroupError('too-many-members', `proposal ${index}: more than ${MAX_MEMBERS} members`);
    try {
      validateKeyPackage(proposal.keyPackage, group, next, members, policy);
    } catch (error) {
      asGroupError(error, `proposal ${index} (add)`);
    }
    let leafIndex: number;
    try {
      leafIndex = next.addLeaf(proposal.keyPackage.leafNode);
    } catch (error) {
      asGroupError(error, `proposal ${index} (add)`);
    }
    added.push({ leafIndex, keyPackage: proposal.keyPackage });
  }

  const pskIds: PreSharedKeyID[] = [];
  let externalInit: ExternalInit | undefined;
  let reinit: ReInit | undefined;
  for (const { proposal } of proposals) {
    if (proposal.type === 'psk') pskIds.push(proposal.psk);
    else if (proposal.type === 'external_init') externalInit = proposal;
    else if (proposal.type === 'reinit') reinit = proposal;
  }
  return { tree: next, extensions, added, removed, updated, pskIds, externalInit, reinit };
}
