/**
 * Proposal-list validation (RFC 9420 §12.2) and the per-proposal rules of §12.1 that need
 * no tree changes. Rules that depend on the tree as proposals are applied (KeyPackage
 * validity after removals, GroupContextExtensions support) are checked in apply.ts.
 */
import { type CipherSuite, isKnownCipherSuite } from '../crypto/cipher-suite.ts';
import { ProtocolVersion } from '../structs/enums.ts';
import type { Extension } from '../structs/extensions.ts';
import type { GroupContext } from '../structs/group-context.ts';
import { encodePreSharedKeyID } from '../structs/psk.ts';
import { encode } from '../codec/writer.ts';
import type { Sender } from '../structs/framing.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { GroupError } from '../group/errors.ts';
import { ValidationError } from '../validation/errors.ts';
import { checkGroupContextExtensions } from '../validation/extension-list.ts';
import type { ResolvedProposal } from './resolve.ts';

/** Proposal types a commit without an UpdatePath may not cover (§12.4 pathRequiredTypes). */
const PATH_REQUIRED: ReadonlySet<string> = new Set(['update', 'remove', 'external_init', 'group_context_extensions']);

/** Proposal types an external sender may send (§12.1.8). */
const EXTERNAL_SENDER_TYPES: ReadonlySet<string> = new Set(['add', 'remove', 'psk', 'reinit', 'group_context_extensions']);

/** True when a commit covering `proposals` must carry an UpdatePath (§12.4). */
export function pathRequired(proposals: readonly ResolvedProposal[]): boolean {
  return proposals.length === 0 || proposals.some((p) => PATH_REQUIRED.has(p.proposal.type));
}

function hexKey(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Protocol versions this code can run a group with (a ReInit to another one could never complete). */
const SUPPORTED_VERSIONS: ReadonlySet<number> = new Set([ProtocolVersion.mls10]);

/** §13.4/§17.3 rules of a GroupContext-to-be. @throws GroupError('invalid-proposal') */
function checkContextExtensions(extensions: readonly Extension[], what: string): void {
  try {
    checkGroupContextExtensions(extensions);
  } catch (error) {
    if (error instanceof ValidationError) throw new GroupError('invalid-proposal', `${what}: ${error.message}`, error);
    throw error;
  }
}

/**
 * Checks what §12.1 requires of one proposal regardless of the list: PSK nonce length and
 * usage (§12.1.4); a ReInit's version (not below the group's, §12.1.5, and one this code
 * supports), cipher suite (one this code implements: the new group could not be created
 * or joined otherwise, §11.2) and extensions (valid GroupContext extensions); a
 * GroupContextExtensions list valid as a GroupContext's (§12.1.7, §13.4, §17.3); the
 * sender types allowed to send it (§12.1.8); and that its type is one this code can apply.
 * @throws GroupError('invalid-proposal' | 'unsupported-sender')
 */
export function validateProposal(suite: CipherSuite, context: GroupContext, proposal: ResolvedProposal['proposal'], sender: Sender): void {
  if (proposal.type === 'unknown') throw new GroupError('invalid-proposal', `proposal type ${proposal.proposalType} is not supported`);
  if (sender.type === 'external' && !EXTERNAL_SENDER_TYPES.has(proposal.type)) throw new GroupError('unsupported-sender', `external sender may not send ${proposal.type}`);
  if (sender.type === 'new_member_proposal' && proposal.type !== 'add') throw new GroupError('unsupported-sender', `new_member_proposal may only send add, not ${proposal.type}`);
  if (proposal.type === 'update' && sender.type !== 'member') throw new GroupError('unsupported-sender', `update from ${sender.type}`);
  switch (proposal.type) {
    case 'psk': {
      const psk = proposal.psk;
      if (psk.pskNonce.length !== suite.Nh) throw new GroupError('invalid-proposal', `psk_nonce of ${psk.pskNonce.length} bytes, suite needs ${suite.Nh}`);
      if (psk.type === 'resumption' && psk.usage !== 'application') throw new GroupError('invalid-proposal', `resumption PSK with usage ${psk.usage} outside reinit/branch`);
      return;
    }
    case 'reinit':
      if (proposal.version < context.version) throw new GroupError('invalid-proposal', `ReInit to version ${proposal.version} < ${context.version}`);
      if (!SUPPORTED_VERSIONS.has(proposal.version)) throw new GroupError('invalid-proposal', `ReInit to unsupported version ${proposal.version}`);
      if (!isKnownCipherSuite(proposal.cipherSuite)) throw new GroupError('invalid-proposal', `ReInit to unsupported cipher suite ${proposal.cipherSuite}`);
      checkContextExtensions(proposal.extensions, 'ReInit extensions');
      return;
    case 'group_context_extensions':
      checkContextExtensions(proposal.extensions, 'GroupContextExtensions');
      return;
    default:
      return;
  }
}

/**
 * §12.2 for a regular commit by member `committer`.
 * @throws GroupError('invalid-proposal' | 'invalid-proposal-list' | 'committer-removed' | 'unsupported-sender')
 */
export function validateMemberCommitList(suite: CipherSuite, context: GroupContext, tree: RatchetTree, committer: number, proposals: readonly ResolvedProposal[]): void {
  const touched = new Set<number>();
  const pskIds = new Set<string>();
  const addKeys = new Set<string>();
  let gce = 0;
  for (const [index, { proposal, sender }] of proposals.entries()) {
    validateProposal(suite, context, proposal, sender);
    switch (proposal.type) {
      case 'external_init':
        throw new GroupError('invalid-proposal-list', `proposal ${index}: ExternalInit in a member commit`);
      case 'update': {
        const leaf = sender.type === 'member' ? sender.leafIndex : -1;
        if (leaf === committer) throw new GroupError('invalid-proposal-list', `proposal ${index}: the committer's own Update`);
        if (tree.leaf(leaf) === undefined) throw new GroupError('invalid-proposal', `proposal ${index}: Update from blank leaf ${leaf}`);
        if (touched.has(leaf)) throw new GroupError('invalid-proposal-list', `proposal ${index}: leaf ${leaf} updated or removed twice`);
        touched.add(leaf);
        break;
      }
      case 'remove': {
        const leaf = proposal.removed;
        if (leaf === committer) throw new GroupError('committer-removed', `proposal ${index} removes the committer`);
        if (tree.leaf(leaf) === undefined) throw new GroupError('invalid-proposal', `proposal ${index}: Remove of blank leaf ${leaf}`);
        if (touched.has(leaf)) throw new GroupError('invalid-proposal-list', `proposal ${index}: leaf ${leaf} updated or removed twice`);
        touched.add(leaf);
        break;
      }
      case 'add': {
        const key = hexKey(proposal.keyPackage.leafNode.signatureKey);
        if (addKeys.has(key)) throw new GroupError('invalid-proposal-list', `proposal ${index}: two Adds of the same client`);
        addKeys.add(key);
        break;
      }
      case 'psk': {
        const key = hexKey(encode(encodePreSharedKeyID, proposal.psk));
        if (pskIds.has(key)) throw new GroupError('invalid-proposal-list', `proposal ${index}: the same PSK twice`);
        pskIds.add(key);
        break;
      }
      case 'group_context_extensions':
        if (++gce > 1) throw new GroupError('invalid-proposal-list', `proposal ${index}: a second GroupContextExtensions`);
        break;
      case 'reinit':
        if (proposals.length !== 1) throw new GroupError('invalid-proposal-list', `proposal ${index}: ReInit with other proposals`);
        break;
    }
  }
}

/**
 * §12.2 for an external commit: exactly one ExternalInit, at most one Remove, PSKs, no
 * other proposal, nothing by reference (§12.4.3.2).
 * @throws GroupError('invalid-proposal' | 'invalid-proposal-list')
 */
export function validateExternalCommitList(suite: CipherSuite, context: GroupContext, tree: RatchetTree, proposals: readonly ResolvedProposal[]): void {
  let externalInits = 0;
  let removes = 0;
  const pskIds = new Set<string>();
  for (const [index, { proposal, byReference }] of proposals.entries()) {
    if (byReference) throw new GroupError('invalid-proposal-list', `proposal ${index}: external commits take no references`);
    if (proposal.type === 'unknown') throw new GroupError('invalid-proposal', `proposal type ${proposal.proposalType} is not supported`);
    switch (proposal.type) {
      case 'external_init':
        externalInits++;
        break;
      case 'remove':
        if (++removes > 1) throw new GroupError('invalid-proposal-list', `proposal ${index}: a second Remove in an external commit`);
        if (tree.leaf(proposal.removed) === undefined) throw new GroupError('invalid-proposal', `proposal ${index}: Remove of blank leaf ${proposal.removed}`);
        break;
      case 'psk': {
        validateProposal(suite, context, proposal, { type: 'new_member_commit' });
        const key = hexKey(encode(encodePreSharedKeyID, proposal.psk));
        if (pskIds.has(key)) throw new GroupError('invalid-proposal-list', `proposal ${index}: the same PSK twice`);
        pskIds.add(key);
        break;
      }
      default:
        throw new GroupError('invalid-proposal-list', `proposal ${index}: ${proposal.type} in an external commit`);
    }
  }
  if (externalInits !== 1) throw new GroupError('invalid-proposal-list', `${externalInits} ExternalInit proposals in an external commit`);
}
