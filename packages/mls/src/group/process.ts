/**
 * Processing one incoming MLSMessage for a group (RFC 9420 §6, §12): application data,
 * proposals and commits, each with a typed result. The state passed in is never changed;
 * the result carries the new state. Nothing is logged.
 */
import { DecodeError } from '../codec/errors.ts';
import { type AuthenticatedContent, type PrivateMessage, type Sender } from '../structs/framing.ts';
import { type MLSMessage, parseMLSMessage } from '../structs/mls-message.ts';
import type { Proposal } from '../structs/proposals.ts';
import { ValidationError } from '../validation/errors.ts';
import { validateKeyPackage } from '../validation/key-package.ts';
import { validateLeafNode } from '../validation/leaf-node.ts';
import { MemberIndex } from '../validation/member-index.ts';
import { proposalRef } from '../proposals/resolve.ts';
import { validateProposal } from '../proposals/validate.ts';
import { GroupError } from './errors.ts';
import { MAX_MESSAGE_BYTES, MAX_PENDING_PROPOSALS } from './limits.ts';
import { type CommitOptions, type CommitOutcome, processCommit } from './process-commit.ts';
import { type GroupState, sealState } from './state.ts';
import { cloneSecretTree, type EpochView, openPrivate, openPublic } from './unprotect.ts';

export type ProcessOptions = CommitOptions;

export type ProcessResult =
  | {
      readonly kind: 'application';
      readonly state: GroupState;
      readonly data: Uint8Array;
      readonly sender: number;
      readonly epoch: bigint;
      readonly authenticatedData: Uint8Array;
    }
  | { readonly kind: 'proposal'; readonly state: GroupState; readonly proposal: Proposal; readonly sender: Sender; readonly ref: Uint8Array }
  | CommitOutcome;

/**
 * Decodes a whole MLSMessage with the size bound checked first.
 * @throws GroupError('message-too-large' | 'malformed-message')
 */
export function decodeMessage(bytes: Uint8Array): MLSMessage {
  if (bytes.length > MAX_MESSAGE_BYTES) throw new GroupError('message-too-large', `${bytes.length} bytes > ${MAX_MESSAGE_BYTES}`);
  try {
    return parseMLSMessage(bytes);
  } catch (error) {
    if (error instanceof DecodeError) throw new GroupError('malformed-message', error.message, error);
    throw error;
  }
}

function currentView(state: GroupState): EpochView {
  return {
    suite: state.suite,
    groupContext: state.groupContext,
    tree: state.tree,
    secretTree: state.secretTree,
    senderDataSecret: state.keys.senderDataSecret,
    membershipKey: state.keys.membershipKey,
  };
}

/** Application data of the current or a kept past epoch (§12.4.2 late messages). */
function processApplication(state: GroupState, message: PrivateMessage): ProcessResult {
  let view: EpochView = currentView(state);
  if (message.epoch !== state.groupContext.epoch) {
    const past = state.pastEpochs.find((p) => p.groupContext.epoch === message.epoch);
    if (past === undefined) throw new GroupError('wrong-epoch', `epoch ${message.epoch}, current ${state.groupContext.epoch}`);
    view = { suite: state.suite, groupContext: past.groupContext, tree: past.tree, secretTree: past.secretTree, senderDataSecret: past.senderDataSecret, membershipKey: new Uint8Array(0) };
  }
  const authenticated = openPrivate(view, message, view.secretTree);
  const { content } = authenticated;
  if (content.content.type !== 'application' || content.sender.type !== 'member') throw new GroupError('malformed-message', 'not application data');
  return { kind: 'application', state, data: content.content.applicationData, sender: content.sender.leafIndex, epoch: content.epoch, authenticatedData: content.authenticatedData };
}

function processProposal(state: GroupState, authenticated: AuthenticatedContent, secretTree: GroupState['secretTree'], options: ProcessOptions): ProcessResult {
  const { content } = authenticated;
  if (content.content.type !== 'proposal') throw new GroupError('malformed-message', 'not a proposal');
  const proposal = content.content.proposal;
  const sender = content.sender;
  validateProposal(state.suite, state.groupContext, proposal, sender);
  if (proposal.type === 'external_init') throw new GroupError('invalid-proposal', 'ExternalInit may only be sent inside an external commit');
  if (state.pendingProposals.length >= MAX_PENDING_PROPOSALS) throw new GroupError('too-many-proposals', `${MAX_PENDING_PROPOSALS} proposals pending`);
  // Check what can be checked now, so an invalid proposal is refused at once (§12.1.1, §12.1.2).
  const group = { suite: state.suite, version: state.groupContext.version, groupId: state.groupContext.groupId, extensions: state.groupContext.extensions };
  try {
    if (proposal.type === 'update' && sender.type === 'member') {
      validateLeafNode(proposal.leafNode, { kind: 'update', leafIndex: sender.leafIndex }, group, state.tree, MemberIndex.of(state.tree), options.policy);
    } else if (proposal.type === 'add') {
      validateKeyPackage(proposal.keyPackage, group, state.tree, MemberIndex.of(state.tree), options.policy);
    } else if (proposal.type === 'remove' && state.tree.leaf(proposal.removed) === undefined) {
      throw new GroupError('invalid-proposal', `Remove of blank leaf ${proposal.removed}`);
    }
  } catch (error) {
    if (error instanceof ValidationError || error instanceof DecodeError) throw new GroupError('invalid-proposal', error.message, error);
    throw error;
  }
  const ref = proposalRef(state.suite, authenticated);
  const next: GroupState = sealState({ ...state, secretTree, pendingProposals: [...state.pendingProposals, { ref, proposal, sender }] });
  return { kind: 'proposal', state: next, proposal, sender, ref };
}

/**
 * Processes one incoming MLSMessage (bytes) for `state`.
 * - application data (PrivateMessage) of this epoch or a kept past one;
 * - a proposal: validated and stored for a later commit (§12.1);
 * - a commit: applied (§12.4.2), or `removed` when it removes us.
 * Welcome, GroupInfo and KeyPackage messages are not group messages here.
 * @throws GroupError (see processCommit, openPublic, openPrivate), 'reinit-pending' after a ReInit
 */
export function processMessage(state: GroupState, bytes: Uint8Array, options: ProcessOptions): ProcessResult {
  const message = decodeMessage(bytes);
  if (state.reinit !== undefined) throw new GroupError('reinit-pending', 'the group was reinitialised (§11.2)');
  let authenticated: AuthenticatedContent;
  let secretTree = state.secretTree;
  if (message.wireFormat === 'mls_private_message') {
    if (message.privateMessage.contentType === 'application') return processApplication(state, message.privateMessage);
    secretTree = cloneSecretTree(state.suite, state.secretTree);
    authenticated = openPrivate(currentView(state), message.privateMessage, secretTree);
  } else if (message.wireFormat === 'mls_public_message') {
    authenticated = openPublic(currentView(state), message.publicMessage);
  } else {
    throw new GroupError('malformed-message', `${message.wireFormat} is not a group message`);
  }
  const type = authenticated.content.content.type;
  if (type === 'proposal') return processProposal(state, authenticated, secretTree, options);
  if (type === 'commit') return processCommit(state, authenticated, secretTree, options);
  throw new GroupError('malformed-message', 'application data in a PublicMessage');
}
