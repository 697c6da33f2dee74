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
  // A group we were removed from is not ahead: its late messages are read (or fail) now.
  if (conversation === undefined) return !core.closedGroups.has(id);
  return frame.epoch > conversation.state.groupContext.epoch;
}
