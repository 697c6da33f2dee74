/**
 * Closing the gap the synchronous credential validator leaves (directory.ts): when a
 * Welcome or a commit brings members of accounts whose device list we never fetched, the
 * engine fetches those lists (verifying their signatures, TOFU on identity keys) and then
 * checks every such member's leaf: its credential must name a listed device and its
 * signature key must be that device's key. Entries are held meanwhile (EngineCore.verifying).
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
 * Fetches unknown device lists, then checks every member; runs `onVerified` on success.
 * `joined` says the conversation was just joined by Welcome (leave on failure).
 */
export function verifyMembers(core: EngineCore, conversation: Conversation, joined: boolean, onVerified: () => Action[]): Action[] {
  const unknown = [...new Set(membersOf(conversation.state).map((m) => m.username))].filter((u) => core.directory.deviceList(u) === undefined);
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
