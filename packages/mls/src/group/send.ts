/**
 * Sending application data and proposals (RFC 9420 §6.3, §12.1).
 */
import { kemFromId } from '@sealed/crypto/kem/registry';
import type { FramingWireFormat } from '../structs/framing.ts';
import { signLeafNode } from '../validation/leaf-node-signature.ts';
import type { Proposal } from '../structs/proposals.ts';
import { proposalRef } from '../proposals/resolve.ts';
import { validateProposal } from '../proposals/validate.ts';
import { GroupError } from './errors.ts';
import { protect, signContent } from './frame.ts';
import { MAX_MESSAGE_BYTES, MAX_PENDING_PROPOSALS } from './limits.ts';
import { type GroupState, sealState } from './state.ts';

const EMPTY = new Uint8Array(0);

/**
 * Encrypts `data` as a PrivateMessage of the current epoch (§6.3). Returns the MLSMessage
 * bytes; the state's secret tree advances (our generation is used once).
 * @throws GroupError('reinit-pending' | 'message-too-large')
 */
export function encryptApplication(state: GroupState, data: Uint8Array, authenticatedData: Uint8Array = EMPTY): Uint8Array {
  if (state.reinit !== undefined) throw new GroupError('reinit-pending', 'the group was reinitialised (§11.2)');
  if (data.length + authenticatedData.length > MAX_MESSAGE_BYTES) throw new GroupError('message-too-large', `${data.length} bytes`);
  const authenticated = signContent(state, { type: 'application', applicationData: data }, 'mls_private_message', authenticatedData);
  return protect(state, authenticated);
}

/**
 * Sends `proposal` from our leaf (§12.1) and stores it for our own next commit.
 * @throws GroupError('invalid-proposal' | 'too-many-proposals' | 'reinit-pending')
 */
export function propose(state: GroupState, proposal: Proposal, wireFormat: FramingWireFormat = 'mls_private_message'): { state: GroupState; message: Uint8Array; ref: Uint8Array } {
  if (state.reinit !== undefined) throw new GroupError('reinit-pending', 'the group was reinitialised (§11.2)');
  const sender = { type: 'member', leafIndex: state.own.leafIndex } as const;
  validateProposal(state.suite, state.groupContext, proposal, sender);
  if (proposal.type === 'external_init') throw new GroupError('invalid-proposal', 'ExternalInit is only sent inside an external commit');
  if (state.pendingProposals.length >= MAX_PENDING_PROPOSALS) throw new GroupError('too-many-proposals', `${MAX_PENDING_PROPOSALS} proposals pending`);
  const authenticated = signContent(state, { type: 'proposal', proposal }, wireFormat, EMPTY);
  const ref = proposalRef(state.suite, authenticated);
  const message = protect(state, authenticated);
  return { state: sealState({ ...state, pendingProposals: [...state.pendingProposals, { ref, proposal, sender }] }), message, ref };
}

/**
 * Proposes replacing our leaf with a fresh encryption key (§12.1.2): a new leaf with source
 * `update`, signed for this group and our leaf index. Its private key is kept until a
 * commit applies the proposal (or the epoch ends).
 * @throws GroupError as `propose`
 */
export function proposeUpdate(state: GroupState, wireFormat: FramingWireFormat = 'mls_private_message'): { state: GroupState; message: Uint8Array; ref: Uint8Array } {
  const me = state.own.leafIndex;
  const pair = kemFromId(state.suite.kem).generateKeyPair(state.suite.provider);
  const { signature: _old, ...content } = state.tree.requireLeaf(me);
  const leafNode = signLeafNode(state.suite, state.own.signatureKey, { ...content, encryptionKey: pair.publicKey, source: { type: 'update' } }, { groupId: state.groupContext.groupId, leafIndex: me });
  const sent = propose(state, { type: 'update', leafNode }, wireFormat);
  return { ...sent, state: sealState({ ...sent.state, ownUpdates: [...(state.ownUpdates ?? []), pair] }) };
}
