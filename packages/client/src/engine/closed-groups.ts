/**
 * After a removal commit, members may still have messages for us on their way: sent while
 * we were a member, in an epoch we hold keys for, but queued after the commit (their SEND
 * crossed it). Deleting the group at once made each of them fail as `unknown-group` (found
 * by the chaos suite). The removed conversation is kept, for reading application messages
 * only, for CLOSED_GROUP_GRACE_MS; nothing is sent in it and it is never saved, so after a
 * restart or the grace period its keys are gone for good.
 */
import type { Conversation } from './conversation.ts';
import type { EngineCore } from './core.ts';

/** How long a removed conversation's last epochs stay readable (in memory only). */
export const CLOSED_GROUP_GRACE_MS = 10 * 60_000;
/** Removed conversations kept at once; the oldest goes first. */
export const MAX_CLOSED_GROUPS = 64;

export function rememberClosed(core: EngineCore, conversation: Conversation): void {
  core.closedGroups.delete(conversation.id);
  core.closedGroups.set(conversation.id, { conversation, closedAt: core.now });
  while (core.closedGroups.size > MAX_CLOSED_GROUPS) core.closedGroups.delete(core.closedGroups.keys().next().value!);
}

/** The removed conversation `id`, while its grace period lasts. */
export function closedConversation(core: EngineCore, id: string): Conversation | undefined {
  const closed = core.closedGroups.get(id);
  if (closed === undefined) return undefined;
  if (core.now - closed.closedAt > CLOSED_GROUP_GRACE_MS) {
    core.closedGroups.delete(id);
    return undefined;
  }
  return closed.conversation;
}
