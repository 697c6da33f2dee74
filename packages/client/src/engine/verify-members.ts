/**
 * Closing the gap the synchronous credential validator leaves (directory.ts): when a
 * Welcome or a commit brings a member our copy of its account's device list does not name
 * (an account we never fetched, or a device linked or a key changed since we fetched it),
 * the engine fetches that account's list again (verifying its signature, identity key
 * pinned on first use) and then checks every member's leaf: its credential must name a
 * listed device and its signature key must be that device's key. Entries are held
 * meanwhile (EngineCore.verifying). So a contact's legitimately linked device is verified
 * on the first commit that brings it, and a device its owner never listed stays refused.
 *
 * On failure a joined conversation is left (fail closed: we never talk to a ghost device);
 * an existing conversation gets a `member-unverified` warning, since a commit cannot be
 * undone (removing the member is the user's decision).
 */
import type { Action } from './actions.ts';
import { type Conversation, membersOf } from './conversation.ts';
import type { EngineCore } from './core.ts';
import { fetchAccountsThen } from './account-fetch.ts';
import { notSent } from './unsent.ts';

/**
 * How long a member's device that its account's list no longer names may stay in a group
 * before it counts as a ghost. Removing a device publishes the new list first (the relay
 * revokes the device at once) and its removal commits follow: a member who joins or
 * refetches the list in between saw a legitimately removed device as a ghost and left the
 * conversation (chaos suite, device removal during traffic). Nothing is sent to the group
 * while it waits; a key that does not match the list fails at once, as before.
 */
export const AWAIT_REMOVAL_MS = 60_000;

/**
 * Members of `conversation` whose leaf does not match their account's verified list;
 * `absentOnly`: every such leaf names a device the list does not have (a removal in
 * progress, or a ghost), none a listed device with another key.
 */
function unverified(core: EngineCore, conversation: Conversation): { usernames: string[]; absentOnly: boolean } {
  const bad = new Set<string>();
  let absentOnly = true;
  const tree = conversation.state.tree;
  for (const m of membersOf(conversation.state)) {
    const key = core.directory.deviceKey(m.username, m.deviceId);
    // A device of ours our list no longer names is being removed (devices/sync.ts removes
    // it from every group, ghost or not): not a warning.
    if (key === undefined && m.username === core.account?.username) continue;
    if (key === undefined) {
      bad.add(m.username);
      // No list at all (the account could not be fetched): nothing says the device was ever listed.
      if (core.directory.deviceList(m.username) === undefined) absentOnly = false;
    } else if (!core.provider.constantTimeEqual(key, tree.requireLeaf(m.leafIndex).signatureKey)) {
      bad.add(m.username);
      absentOnly = false;
    }
  }
  return { usernames: [...bad], absentOnly };
}

/** Fail closed on unverified members: a joined conversation is left, an existing one warned about. */
function refuse(core: EngineCore, conversation: Conversation, bad: readonly string[], joined: boolean, onVerified: () => Action[]): Action[] {
  conversation.awaitingRemoval = undefined;
  if (joined) {
    core.conversations.delete(conversation.id);
    core.stats.undecryptable++;
    return [
      ...notSent(conversation.outbox.splice(0).map((m) => m.messageId)),
      { type: 'delete', record: 'group', key: conversation.id },
      { type: 'member-unverified', conversationId: conversation.id, usernames: bad, left: true },
    ];
  }
  return [{ type: 'member-unverified', conversationId: conversation.id, usernames: bad, left: false }, ...onVerified()];
}

/**
 * On a tick: a conversation whose unlisted members were not removed within AWAIT_REMOVAL_MS
 * is refused as it would have been at once (left if it was just joined, else warned about).
 */
export function expireAwaitedRemovals(core: EngineCore): Action[] {
  const actions: Action[] = [];
  for (const conversation of [...core.conversations.values()]) {
    const waiting = conversation.awaitingRemoval;
    if (waiting === undefined || core.now < waiting.until) continue;
    const { usernames } = unverified(core, conversation);
    if (usernames.length === 0) {
      conversation.awaitingRemoval = undefined;
      continue;
    }
    actions.push(...refuse(core, conversation, usernames, waiting.joined, () => []));
  }
  return actions;
}

/**
 * Devices of ours in the group that our list does not name are removed before anything
 * else is sent there (the intent goes first in the queue; sync.ts does the same on its
 * triggers): a ghost claiming to be one of our devices never reads what we send next.
 */
export function queueOwnRemovals(core: EngineCore, conversation: Conversation): void {
  const own = core.account?.username;
  if (own === undefined) return;
  const stale = membersOf(conversation.state)
    .filter((m) => m.username === own && m.leafIndex !== conversation.state.own.leafIndex && core.directory.deviceKey(own, m.deviceId) === undefined)
    .map((m) => m.deviceId);
  if (stale.length === 0 || conversation.intents.some((i) => i.kind === 'remove-devices') || conversation.inFlight?.intent.kind === 'remove-devices') return;
  conversation.intents.unshift({ kind: 'remove-devices', intent: core.id(), deviceIds: stale, retries: 0 });
}

/**
 * Accounts to fetch again before deciding: never fetched, or with a member our copy of
 * the list does not name (bounded by the group's size; each is fetched once per check).
 */
function staleAccounts(core: EngineCore, conversation: Conversation): string[] {
  const stale = new Set<string>();
  for (const m of membersOf(conversation.state)) {
    if (core.directory.deviceList(m.username) === undefined || core.directory.deviceKey(m.username, m.deviceId) === undefined) stale.add(m.username);
  }
  return [...stale];
}

/**
 * Fetches unknown or stale device lists, then checks every member; runs `onVerified` on success.
 * `joined` says the conversation was just joined by Welcome (leave on failure).
 */
export function verifyMembers(core: EngineCore, conversation: Conversation, joined: boolean, onVerified: () => Action[]): Action[] {
  const unknown = staleAccounts(core, conversation);
  const finish = (): Action[] => {
    queueOwnRemovals(core, conversation);
    const { usernames: bad, absentOnly } = unverified(core, conversation);
    if (bad.length === 0) {
      conversation.awaitingRemoval = undefined;
      return onVerified();
    }
    if (!absentOnly) return refuse(core, conversation, bad, joined || conversation.awaitingRemoval?.joined === true, onVerified);
    // Devices their owner's list dropped: their removal commit should follow (AWAIT_REMOVAL_MS).
    // A conversation just joined is not shown until then; an existing one goes on (nothing is sent).
    conversation.awaitingRemoval ??= { until: core.now + AWAIT_REMOVAL_MS, joined };
    return conversation.awaitingRemoval.joined ? [] : onVerified();
  };
  if (unknown.length === 0) return finish();
  return fetchAccountsThen(core, unknown.map((username) => ({ username })), finish);
}
