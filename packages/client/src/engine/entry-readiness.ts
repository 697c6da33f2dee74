/**
 * Whether an incoming entry can be processed now or must wait (arrivals.ts): a group message
 * for a group we have not joined yet, or for an epoch we have not reached yet, waits for the
 * Welcome or commit that comes before it. Only the public framing is read (group id, epoch);
 * an entry that does not decode is processable (it fails at once, as `malformed`). A Welcome
 * into a group we are still a member of, at a later epoch, waits for the commit removing us.
 * Texts of a conversation just joined with a removed device still in it wait for its removal.
 */
import { GroupError } from '@sealed/mls/group/errors';
import { decodeMessage } from '@sealed/mls/group/process';
import type { MLSMessage } from '@sealed/mls/structs/mls-message';
import type { Welcome } from '@sealed/mls/structs/welcome';
import { openWelcome } from '@sealed/mls/welcome/join';
import { toHex } from '@sealed/protocol/encoding';
import type { DeliveredEntry } from '@sealed/protocol/frames/server';
import { findKeyPackage } from './account.ts';
import type { EngineCore } from './core.ts';

function framing(message: MLSMessage): { groupId: Uint8Array; epoch: bigint } | undefined {
  if (message.wireFormat === 'mls_private_message') return { groupId: message.privateMessage.groupId, epoch: message.privateMessage.epoch };
  if (message.wireFormat === 'mls_public_message') return { groupId: message.publicMessage.content.groupId, epoch: message.publicMessage.content.epoch };
  return undefined;
}

/**
 * The group and epoch a Welcome for one of our key packages joins, read without checking
 * anything (its GroupInfo is decrypted, not verified): only to decide whether it must wait.
 * Undefined when it is not for us or does not open (it then fails when processed).
 */
function welcomeTarget(core: EngineCore, welcome: Welcome): { groupId: Uint8Array; epoch: bigint } | undefined {
  const account = core.account;
  if (account === undefined) return undefined;
  for (const secrets of welcome.secrets) {
    const bundle = findKeyPackage(core.suite, account, toHex(secrets.newMember));
    if (bundle === undefined) continue;
    try {
      const opened = openWelcome(core.suite, welcome, bundle);
      opened.groupSecrets.joinerSecret.fill(0);
      opened.groupSecrets.pathSecret?.pathSecret.fill(0);
      opened.pskSecret?.fill(0);
      return { groupId: opened.groupInfo.groupContext.groupId, epoch: opened.groupInfo.groupContext.epoch };
    } catch (error) {
      if (error instanceof GroupError) return undefined;
      throw error;
    }
  }
  return undefined;
}

/**
 * A Welcome into a group we are still a member of, at a later epoch: we were removed and
 * added again, and the Welcome overtook the commit removing us (frames reordered, or a
 * DELIVER lost and the commit redelivered later). Processed now, it was dropped as a
 * duplicate join and acknowledged; the removal then closed the group, and every later
 * message of the group failed as wrong-epoch (chaos suite). It waits for that commit.
 */
function isWelcomeAhead(core: EngineCore, message: MLSMessage): boolean {
  if (message.wireFormat !== 'mls_welcome' || core.conversations.size === 0) return false;
  const target = welcomeTarget(core, message.welcome);
  if (target === undefined) return false;
  const conversation = core.conversations.get(toHex(target.groupId));
  return conversation !== undefined && target.epoch > conversation.state.groupContext.epoch;
}

/** True when `entry` belongs to a group or epoch this device has not reached yet. */
export function isAhead(core: EngineCore, entry: DeliveredEntry): boolean {
  let message: MLSMessage;
  try {
    message = decodeMessage(entry.payload);
  } catch (error) {
    if (error instanceof GroupError) return false;
    throw error;
  }
  if (entry.kind === 'welcome') return isWelcomeAhead(core, message);
  const frame = framing(message);
  if (frame === undefined) return false;
  const id = toHex(frame.groupId);
  const conversation = core.conversations.get(id);
  if (conversation === undefined) {
    // A group we were removed from: its late messages, of epochs we were a member in, are
    // read (or fail) now. A later epoch belongs to a membership to come: we are being added
    // again and the Welcome is still on its way (a member's commit or text can overtake it).
    // Read as the removed group, such a commit was dropped and acknowledged, and the device
    // joined one epoch behind its group for good (chaos suite).
    const closed = core.closedGroups.get(id);
    return closed === undefined || frame.epoch > closed.conversation.state.groupContext.epoch;
  }
  // A conversation just joined whose tree still has a device its owner removed since waits
  // for that removal commit before anything of it is shown (verify-members.ts): the texts
  // wait with it, so a removed device cannot talk to us through a group it made itself.
  if (entry.kind === 'application' && conversation.awaitingRemoval?.joined === true) return true;
  return frame.epoch > conversation.state.groupContext.epoch;
}
