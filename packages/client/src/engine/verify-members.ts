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

/** Members of `conversation` whose leaf does not match their account's verified list. */
function unverified(core: EngineCore, conversation: Conversation): string[] {
  const bad = new Set<string>();
  const tree = conversation.state.tree;
  for (const m of membersOf(conversation.state)) {
    const key = core.directory.deviceKey(m.username, m.deviceId);
    if (key === undefined || !core.provider.constantTimeEqual(key, tree.requireLeaf(m.leafIndex).signatureKey)) bad.add(m.username);
  }
  return [...bad];
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
  const fetchNext = (index: number): Action[] => {
    const username = unknown[index];
    if (username === undefined) {
      core.verifying--;
      return finish();
    }
    return [
      core.http({ kind: 'get-account', username }, (outcome) => {
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
