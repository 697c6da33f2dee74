/**
 * Leaving a conversation. RFC 9420 does not let a member commit its own removal (§12.2: a
 * commit may not remove the committer), so leaving is a Remove proposal (§12.1.3) for each
 * of our account's leaves (this device and our other devices: a user leaves on all of
 * them), sent to the group; another member commits it. Every member that receives a
 * proposal queues a commit of the pending proposals ('commit-pending'); the relay orders
 * the racing commits and the losers find nothing left to commit after processing the
 * winner. A member whose own leaf is proposed for removal does not commit (it could not)
 * and stops sending.
 *
 * While leaving, this device shows nothing new, sends nothing, and makes no commits. If a
 * commit that does not remove us ends the epoch first (the proposal died with it), the
 * proposals are made again in the new epoch. When the commit that removes us arrives the
 * group state is deleted (`conversation-closed`): from then on nothing can be read.
 */
import { propose } from '@sealed/mls/group/send';
import { type GroupState, sealState } from '@sealed/mls/group/state';
import type { Proposal } from '@sealed/mls/structs/proposals';
import type { Sender } from '@sealed/mls/structs/framing';
import type { Action } from './actions.ts';
import { pump, saveGroup } from './commits.ts';
import { type Conversation, membersOf, recipientsOf } from './conversation.ts';
import type { EngineCore } from './core.ts';
import { metaOf, saveConversationMeta } from './feature-state.ts';
import { onConversationClosed } from './conversation-features.ts';
import { GroupError } from '@sealed/mls/group/errors';

/**
 * The one kind of proposal Sealed accepts from a member (RFC 9420 §12.1): a Remove of a
 * leaf of the proposer's own account (a leave). A member could commit any other change
 * itself; what it must not do is make *us* commit it (an Add of a key package nobody
 * checked would be our commit adding a ghost).
 */
export function isLeaveProposal(state: GroupState, proposal: Proposal, sender: Sender): boolean {
  if (proposal.type !== 'remove' || sender.type !== 'member') return false;
  const members = membersOf(state);
  const proposer = members.find((m) => m.leafIndex === sender.leafIndex);
  const removed = members.find((m) => m.leafIndex === proposal.removed);
  return proposer !== undefined && removed !== undefined && proposer.username === removed.username;
}

/** `state` without the stored proposal `ref` (its message's keys stay consumed). */
export function withoutProposal(state: GroupState, ref: Uint8Array): GroupState {
  const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  const drop = hex(ref);
  return sealState({ ...state, pendingProposals: state.pendingProposals.filter((p) => hex(p.ref) !== drop) });
}

/** Marks the conversation as being left and proposes our removal when it can. */
export function startLeave(core: EngineCore, conversation: Conversation): Action[] {
  const meta = metaOf(conversation);
  meta.leaving = true;
  meta.leaveEpoch = undefined;
  // Nothing queued by this device goes out any more.
  conversation.outbox.length = 0;
  conversation.intents.length = 0;
  return [saveConversationMeta(conversation), ...leaveStep(core, conversation)];
}

/**
 * Proposes our account's removal in the current epoch if not done yet and the group can
 * take it (caught up, no commit of ours in flight). A group with nobody else is closed at once.
 */
export function leaveStep(core: EngineCore, conversation: Conversation): Action[] {
  const meta = metaOf(conversation);
  if (!meta.leaving || !core.caughtUp() || conversation.inFlight !== undefined || conversation.preparing) return [];
  const epoch = conversation.state.groupContext.epoch;
  if (meta.leaveEpoch === epoch) return [];
  const own = core.account!.username;
  const members = membersOf(conversation.state);
  if (members.every((m) => m.username === own)) return closeLocally(core, conversation);
  let state = conversation.state;
  const sends: Action[] = [];
  const recipients = recipientsOf(state);
  try {
    for (const m of members.filter((x) => x.username === own)) {
      if (state.pendingProposals.some((p) => p.proposal.type === 'remove' && p.proposal.removed === m.leafIndex)) continue;
      const made = propose(state, { type: 'remove', removed: m.leafIndex });
      state = made.state;
      sends.push(core.send({ kind: 'proposal', epoch: Number(epoch), groupId: conversation.groupId, recipients, payload: made.message }, () => []));
    }
  } catch (error) {
    if (error instanceof GroupError) return [];
    throw error;
  }
  conversation.state = state;
  meta.leaveEpoch = epoch;
  return [saveGroup(conversation), saveConversationMeta(conversation), ...sends];
}

function closeLocally(core: EngineCore, conversation: Conversation): Action[] {
  core.conversations.delete(conversation.id);
  return [...onConversationClosed(conversation), { type: 'delete', record: 'group', key: conversation.id }, { type: 'conversation-closed', conversationId: conversation.id }];
}

/**
 * A proposal of another member was stored. If it removes us (our account is leaving from
 * another device), this device leaves too; otherwise we offer to commit it.
 */
export function onProposal(core: EngineCore, conversation: Conversation): Action[] {
  const me = conversation.state.own.leafIndex;
  const meta = metaOf(conversation);
  if (conversation.state.pendingProposals.some((p) => p.proposal.type === 'remove' && p.proposal.removed === me)) {
    if (!meta.leaving) {
      meta.leaving = true;
      meta.leaveEpoch = conversation.state.groupContext.epoch;
      conversation.outbox.length = 0;
      conversation.intents.length = 0;
      return [saveConversationMeta(conversation)];
    }
    return [];
  }
  if (meta.leaving || conversation.intents.some((i) => i.kind === 'commit-pending')) return [];
  conversation.intents.push({ kind: 'commit-pending', intent: core.id(), retries: 0 });
  return pump(core, conversation);
}
