/**
 * A member's add is two sends: the commit, then, once the relay accepted it, the Welcome
 * (commits.ts). A device revoked by its owner in between (its sessions closed at once) never
 * sends the Welcome: the devices it added stay in the tree for good, counted as members by
 * everyone, with no way in (chaos suite: texts to them failed as `wrong-epoch` or
 * `unknown-group` on the added devices, their deliveries lost). Nobody else can send that
 * Welcome (only the committer knows the path secret the joiner needs).
 *
 * So each member notes, per committer, its latest add whose Welcome nothing has shown to
 * have gone out yet: the committer sends nothing else in the group until its Welcome is
 * answered (one commit in flight, texts wait), so any later message of its own (a text, a
 * receipt or a commit of that epoch or later) confirms it. When our devices remove one of
 * ours (a revoked device: `remove-devices`), the devices its unconfirmed add brought are
 * removed in the same commit and added again right after, with a Welcome of ours. If the
 * Welcome had gone out after all, they were removed and added again (as a re-added member:
 * entry-readiness.ts); if not, they join now.
 */
import type { GroupState } from '@sealed/mls/group/state';
import type { Sender } from '@sealed/mls/structs/framing';
import { type Conversation, membersOf } from './conversation.ts';
import { parseCredential } from './identity.ts';

/** The member who sent `sender` in `state` (the tree the message was sent in), as a device id. */
function deviceOf(state: GroupState, sender: Sender): string | undefined {
  if (sender.type !== 'member') return undefined;
  const leaf = state.tree.leaf(sender.leafIndex);
  return leaf === undefined ? undefined : parseCredential(leaf.credential)?.deviceId;
}

/**
 * After processing another member's commit: `before` is the state it was sent in, `after`
 * the new one, `added` its new leaves. Its committer's earlier add is confirmed (its Welcome
 * was answered before this commit went out); this one, if it added devices, waits for
 * confirmation. Committers no longer in the group are forgotten (bounded by the group).
 */
export function noteCommit(conversation: Conversation, before: GroupState, after: GroupState, sender: Sender, added: readonly number[]): void {
  const committer = deviceOf(before, sender);
  const adds = conversation.unconfirmedAdds ?? new Map<string, { readonly epoch: bigint; readonly devices: readonly string[] }>();
  if (committer !== undefined) {
    const devices = added.flatMap((leafIndex) => {
      const leaf = after.tree.leaf(leafIndex);
      const named = leaf === undefined ? undefined : parseCredential(leaf.credential);
      return named === undefined ? [] : [named.deviceId];
    });
    if (devices.length > 0) adds.set(committer, { epoch: after.groupContext.epoch, devices });
    else adds.delete(committer);
  }
  conversation.unconfirmedAdds = adds;
  forgetDeparted(conversation, after);
}

/** Forgets committers no longer in `state` (their adds were repaired or never mattered). */
export function forgetDeparted(conversation: Conversation, state: GroupState): void {
  const adds = conversation.unconfirmedAdds;
  if (adds === undefined) return;
  const present = new Set(membersOf(state).map((m) => m.deviceId));
  for (const id of [...adds.keys()]) if (!present.has(id)) adds.delete(id);
  if (adds.size === 0) conversation.unconfirmedAdds = undefined;
}

/** A message `deviceId` sent in `epoch`: an add of its that took effect by then had its Welcome answered. */
export function noteMessage(conversation: Conversation, deviceId: string, epoch: bigint): void {
  const adds = conversation.unconfirmedAdds;
  const pending = adds?.get(deviceId);
  if (adds === undefined || pending === undefined || epoch < pending.epoch) return;
  adds.delete(deviceId);
  if (adds.size === 0) conversation.unconfirmedAdds = undefined;
}

/**
 * Members (not us, not among `removed`) brought by an unconfirmed add of one of the
 * `removed` devices: their Welcome may never have been sent.
 */
export function orphansOf(conversation: Conversation, removed: readonly string[]): { readonly username: string; readonly deviceId: string; readonly leafIndex: number }[] {
  const adds = conversation.unconfirmedAdds;
  if (adds === undefined) return [];
  const gone = new Set(removed);
  const orphaned = new Set(removed.flatMap((id) => adds.get(id)?.devices ?? []));
  const own = conversation.state.own.leafIndex;
  return membersOf(conversation.state).filter((m) => orphaned.has(m.deviceId) && !gone.has(m.deviceId) && m.leafIndex !== own);
}
