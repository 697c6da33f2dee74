/**
 * Whether an incoming entry can be processed now or must wait (arrivals.ts): a group message
 * for a group we have not joined yet, or for an epoch we have not reached yet, waits for the
 * Welcome or commit that comes before it. Only the public framing is read (group id, epoch);
 * an entry that does not decode is processable (it fails at once, as `malformed`).
 */
import { GroupError } from '@sealed/mls/group/errors';
import { decodeMessage } from '@sealed/mls/group/process';
import type { MLSMessage } from '@sealed/mls/structs/mls-message';
import { toHex } from '@sealed/protocol/encoding';
import type { DeliveredEntry } from '@sealed/protocol/frames/server';
import type { EngineCore } from './core.ts';

function framing(message: MLSMessage): { groupId: Uint8Array; epoch: bigint } | undefined {
  if (message.wireFormat === 'mls_private_message') return { groupId: message.privateMessage.groupId, epoch: message.privateMessage.epoch };
  if (message.wireFormat === 'mls_public_message') return { groupId: message.publicMessage.content.groupId, epoch: message.publicMessage.content.epoch };
  return undefined;
}

/** True when `entry` belongs to a group or epoch this device has not reached yet. */
export function isAhead(core: EngineCore, entry: DeliveredEntry): boolean {
  if (entry.kind === 'welcome') return false;
  let message: MLSMessage;
  try {
    message = decodeMessage(entry.payload);
  } catch (error) {
    if (error instanceof GroupError) return false;
    throw error;
  }
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
  return frame.epoch > conversation.state.groupContext.epoch;
}
