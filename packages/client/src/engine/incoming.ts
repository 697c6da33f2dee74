/**
 * Entries from the relay's queue, in order (RFC 9420 §12.4.2; protocol DELIVER): Welcomes
 * join conversations, commits move them to the next epoch, application messages are
 * decrypted, decoded (MIMI content) and shown once per message id. A failure is reported
 * with a typed reason and counted, and changes nothing. Entries are acknowledged only
 * after the actions that persist their effect.
 */
import { processIncoming, processWelcome } from '@sealed/mls/group/api';
import { GroupError, type GroupErrorCode } from '@sealed/mls/group/errors';
import { decodeMessage } from '@sealed/mls/group/process';
import type { MLSMessage } from '@sealed/mls/structs/mls-message';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import type { DeliveredEntry } from '@sealed/protocol/frames/server';
import { ContentError } from '../content/cbor-errors.ts';
import { decodeMessageContent, isMessageBody, messageIdOf, type MessageBody, type MessageContent } from '../content/message.ts';
import { editAllowed, onControlContent, onConversationClosed } from './conversation-features.ts';
import { isLeaveProposal, leaveStep, onProposal, withoutProposal } from './leave.ts';
import type { Action } from './actions.ts';
import { findKeyPackage } from './account.ts';
import { saveAccount } from './snapshot.ts';
import { verifyMembers } from './verify-members.ts';
import { refetchThenRetry } from './refetch-refused.ts';
import { closedConversation, rememberClosed } from './closed-groups.ts';
import { notSent } from './unsent.ts';
import { noteCommit, noteMessage } from './unconfirmed-adds.ts';
import { conversationAction, pump, saveGroup } from './commits.ts';
import { type Conversation, newConversation, rememberMessage, senderAt } from './conversation.ts';
import type { EngineCore } from './core.ts';
import type { DecryptFailureReason } from './errors.ts';
import { credentialFor } from './identity.ts';

function reasonOf(code: GroupErrorCode): DecryptFailureReason {
  switch (code) {
    case 'message-too-large':
    case 'malformed-message':
      return 'malformed';
    case 'wrong-epoch':
      return 'wrong-epoch';
    case 'wrong-group':
      return 'unknown-group';
    case 'invalid-signature':
    case 'invalid-membership-tag':
    case 'authentication-failed':
    case 'replayed-message':
    case 'unknown-sender':
      return 'authentication-failed';
    case 'welcome-not-for-us':
      return 'welcome-not-for-us';
    case 'invalid-welcome':
    case 'invalid-group-info':
    case 'missing-ratchet-tree':
    case 'invalid-tree':
      return 'invalid-welcome';
    default:
      return 'invalid-commit';
  }
}

function failure(core: EngineCore, seq: number, reason: DecryptFailureReason, conversationId?: string): Action[] {
  core.stats.undecryptable++;
  return [{ type: 'decrypt-failure', seq, reason, conversationId }];
}

function groupIdOf(message: MLSMessage): Uint8Array | undefined {
  if (message.wireFormat === 'mls_private_message') return message.privateMessage.groupId;
  if (message.wireFormat === 'mls_public_message') return message.publicMessage.content.groupId;
  return undefined;
}

function epochOf(message: MLSMessage): bigint | undefined {
  if (message.wireFormat === 'mls_private_message') return message.privateMessage.epoch;
  if (message.wireFormat === 'mls_public_message') return message.publicMessage.content.epoch;
  return undefined;
}

function onWelcome(core: EngineCore, entry: DeliveredEntry, message: MLSMessage): Action[] {
  if (message.wireFormat !== 'mls_welcome') return failure(core, entry.seq, 'malformed');
  const account = core.account!;
  for (const secrets of message.welcome.secrets) {
    const refHex = toHex(secrets.newMember);
    const bundle = findKeyPackage(core.suite, account, refHex);
    if (bundle === undefined) continue;
    let joined;
    core.directory.takeRefusedUnknown();
    try {
      joined = processWelcome(entry.payload, bundle, { suite: core.suite, policy: core.policy() });
    } catch (error) {
      if (error instanceof GroupError) return refetchThenRetry(core, entry, core.directory.takeRefusedUnknown(), () => processEntry(core, entry)) ?? failure(core, entry.seq, reasonOf(error.code));
      throw error;
    }
    // Private keys of a used key package are deleted (§16.8); the last resort stays.
    if (bundle !== account.lastResort) account.keyPackages.delete(refHex);
    const conversation = newConversation(joined.state, core.now);
    if (core.conversations.has(conversation.id)) return [];
    // Added again after a removal: messages read as the removed group were shown already. A
    // copy encrypted again for the new membership (its first answer was lost) is the same
    // message and is shown once (chaos suite: shown twice on a re-added device).
    const before = closedConversation(core, conversation.id);
    if (before !== undefined) for (const id of before.seen) rememberMessage(conversation, id);
    core.conversations.set(conversation.id, conversation);
    return [saveGroup(conversation), saveAccount(account), ...verifyMembers(core, conversation, true, () => [conversationAction(conversation)])];
  }
  return failure(core, entry.seq, 'welcome-not-for-us');
}

function onApplication(core: EngineCore, conversation: Conversation, entry: DeliveredEntry, data: Uint8Array, senderLeaf: number, epoch: bigint): Action[] {
  const sender = senderAt(conversation.state, epoch, senderLeaf);
  if (sender === undefined) return failure(core, entry.seq, 'authentication-failed', conversation.id);
  let content;
  try {
    content = decodeMessageContent(data);
  } catch (error) {
    if (error instanceof ContentError) return failure(core, entry.seq, error.code === 'unsupported' ? 'unsupported-content' : 'malformed', conversation.id);
    throw error;
  }
  const credential = credentialFor(sender.username, fromHex(sender.deviceId)!);
  const identity = credential.type === 'basic' ? credential.identity : new Uint8Array(0);
  const messageId = toHex(messageIdOf(core.provider, conversation.groupId, identity, data));
  if (!rememberMessage(conversation, messageId)) {
    core.stats.duplicatesDropped++;
    return [];
  }
  const senderRef = { username: sender.username, deviceId: sender.deviceId };
  if (!isMessageBody(content.body)) return onControlContent(core, conversation, senderRef, { ...content, body: content.body });
  if (!editAllowed(conversation, sender.username, content.body)) return failure(core, entry.seq, 'forged-edit', conversation.id);
  return [{ type: 'show', message: { conversationId: conversation.id, messageId, sender: senderRef, outgoing: false, epoch, content: content as MessageContent<MessageBody> } }];
}

function onGroupMessage(core: EngineCore, entry: DeliveredEntry, message: MLSMessage): Action[] {
  const groupId = groupIdOf(message);
  if (groupId === undefined) return failure(core, entry.seq, 'malformed');
  const conversation = core.conversations.get(toHex(groupId));
  if (conversation === undefined) return onClosedGroupMessage(core, entry, message, toHex(groupId));
  const epoch = epochOf(message)!;
  // A commit of an epoch we already left is one we made (a group of one sends its commit
  // to itself) or a redelivery: nothing to do, and not a failure.
  // A proposal of an epoch a commit already ended died with it (its sender proposes again).
  if ((entry.kind === 'commit' || entry.kind === 'proposal') && epoch < conversation.state.groupContext.epoch) return [];
  let result;
  core.directory.takeRefusedUnknown();
  try {
    result = processIncoming(conversation.state, entry.payload, { policy: core.policy() });
  } catch (error) {
    if (error instanceof GroupError) {
      // The same ciphertext delivered twice: its key was deleted on first use (§9.2).
      if (error.code === 'replayed-message') {
        core.stats.duplicatesDropped++;
        return [];
      }
      const refetch = entry.kind === 'commit' ? refetchThenRetry(core, entry, core.directory.takeRefusedUnknown(), () => processEntry(core, entry)) : undefined;
      if (refetch !== undefined) return refetch;
      return failure(core, entry.seq, reasonOf(error.code), conversation.id);
    }
    throw error;
  }
  switch (result.kind) {
    case 'application': {
      // Its sender's add, if one waited for confirmation, had its Welcome answered (unconfirmed-adds.ts).
      const sender = senderAt(conversation.state, result.epoch, result.sender);
      if (sender !== undefined) noteMessage(conversation, sender.deviceId, result.epoch);
      // Lazy: the host makes it durable before the entry is acknowledged (nothing leaves
      // that depends on it: our own sends are covered by their reservation).
      return [saveGroup(conversation, true), ...onApplication(core, conversation, entry, result.data, result.sender, result.epoch)];
    }
    case 'proposal':
      if (!isLeaveProposal(conversation.state, result.proposal, result.sender)) {
        // Only leaves are proposed by Sealed clients: anything else (an Add of a device we
        // never checked, a Remove of someone else) is dropped, never committed by us.
        conversation.state = withoutProposal(result.state, result.ref);
        return [saveGroup(conversation), ...failure(core, entry.seq, 'unsupported-content', conversation.id)];
      }
      conversation.state = result.state;
      return [saveGroup(conversation), ...onProposal(core, conversation)];
    case 'commit':
      noteCommit(conversation, conversation.state, result.state, result.sender, result.added);
      conversation.state = result.state;
      conversation.lastCommitAt = core.now;
      return [saveGroup(conversation), ...verifyMembers(core, conversation, false, () => [conversationAction(conversation), ...leaveStep(core, conversation), ...pump(core, conversation)])];
    case 'removed': {
      core.conversations.delete(conversation.id);
      rememberClosed(core, conversation);
      const unsent = notSent(conversation.outbox.splice(0).map((m) => m.messageId));
      return [...onConversationClosed(conversation), ...unsent, { type: 'delete', record: 'group', key: conversation.id }, { type: 'conversation-closed', conversationId: conversation.id }];
    }
    case 'welcome-joined':
      return failure(core, entry.seq, 'malformed', conversation.id);
  }
}

/** A message for a conversation we were removed from: late application data of an epoch we were in is still shown. */
function onClosedGroupMessage(core: EngineCore, entry: DeliveredEntry, message: MLSMessage, id: string): Action[] {
  const closed = closedConversation(core, id);
  if (closed === undefined) return failure(core, entry.seq, 'unknown-group');
  if (entry.kind !== 'application') return []; // commits and proposals of a group we left are not ours to process
  let result;
  try {
    result = processIncoming(closed.state, entry.payload, { policy: core.policy() });
  } catch (error) {
    if (error instanceof GroupError) {
      if (error.code === 'replayed-message') {
        core.stats.duplicatesDropped++;
        return [];
      }
      return failure(core, entry.seq, reasonOf(error.code), id);
    }
    throw error;
  }
  if (result.kind !== 'application') return [];
  closed.state = result.state;
  // Shown, but receipts and settings are not sent or applied: we are no longer a member.
  const actions = onApplication(core, closed, entry, result.data, result.sender, result.epoch);
  return actions.filter((a) => a.type === 'show' || a.type === 'decrypt-failure');
}

/** Processes one entry (already known not to be a redelivery). */
export function processEntry(core: EngineCore, entry: DeliveredEntry): Action[] {
  let message: MLSMessage;
  try {
    message = decodeMessage(entry.payload);
  } catch (error) {
    if (error instanceof GroupError) return failure(core, entry.seq, 'malformed');
    throw error;
  }
  if (entry.kind === 'welcome') return onWelcome(core, entry, message);
  return onGroupMessage(core, entry, message);
}
