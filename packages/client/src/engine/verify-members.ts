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
import { parseAccountResponse } from '@sealed/protocol/http';
import type { HttpOutcome } from './events.ts';

/**
 * A device-list fetch that got no answer, or an answer that says nothing about the account
 * (the relay busy, restarting or rate limiting), is tried again on the next tick or READY,
 * at most this often, before the member counts as unverified. Taking an unanswered fetch for
 * a ghost device made a joined conversation be left during a relay restart (chaos suite).
 */
export const MAX_DEVICE_LIST_FETCH_ATTEMPTS = 20;

function noAnswer(outcome: HttpOutcome): boolean {
  return !outcome.ok && (outcome.status === 0 || outcome.status === 429 || outcome.status >= 500);
}

/** Members of `conversation` whose leaf does not match their account's verified list. */
function unverified(core: EngineCore, conversation: Conversation): string[] {
  const bad = new Set<string>();
  const tree = conversation.state.tree;
  for (const m of membersOf(conversation.state)) {
    const key = core.directory.deviceKey(m.username, m.deviceId);
    // A device of ours our list no longer names is being removed (devices/sync.ts removes
    // it from every group, ghost or not): not a warning.
    if (key === undefined && m.username === core.account?.username) continue;
    if (key === undefined || !core.provider.constantTimeEqual(key, tree.requireLeaf(m.leafIndex).signatureKey)) bad.add(m.username);
  }
  return [...bad];
}

/**
 * Devices of ours in the group that our list does not name are removed before anything
 * else is sent there (the intent goes first in the queue; sync.ts does the same on its
 * triggers): a ghost claiming to be one of our devices never reads what we send next.
 */
function queueOwnRemovals(core: EngineCore, conversation: Conversation): void {
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
    const bad = unverified(core, conversation);
    if (bad.length === 0) return onVerified();
    if (joined) {
      core.conversations.delete(conversation.id);
      core.stats.undecryptable++;
      return [
        { type: 'delete', record: 'group', key: conversation.id },
        { type: 'member-unverified', conversationId: conversation.id, usernames: bad, left: true },
      ];
    }
    return [{ type: 'member-unverified', conversationId: conversation.id, usernames: bad, left: false }, ...onVerified()];
  };
  if (unknown.length === 0) return finish();
  core.verifying++;
  const fetchNext = (index: number, attempt = 1): Action[] => {
    const username = unknown[index];
    if (username === undefined) {
      core.verifying--;
      return finish();
    }
    return [
      core.http({ kind: 'get-account', username }, (outcome) => {
        if (noAnswer(outcome) && attempt < MAX_DEVICE_LIST_FETCH_ATTEMPTS) {
          core.defer(() => fetchNext(index, attempt + 1));
          return [];
        }
        if (outcome.ok) {
          try {
            core.directory.learn(username, parseAccountResponse(outcome.body).deviceList);
          } catch {
            // Left unknown: finish() reports the user as unverified.
          }
        }
        return fetchNext(index + 1);
      }),
    ];
  };
  return fetchNext(0);
}
