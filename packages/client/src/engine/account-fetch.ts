/**
 * Fetching accounts' device lists again before deciding about members (verify-members.ts
 * after a commit or Welcome, refetch-refused.ts when a credential check refused a device):
 * one account after the other, each answer learned into the Directory, then the caller's
 * continuation. Entries behind are held meanwhile (EngineCore.verifying), so order is kept.
 *
 * With key transparency the transport answers an account fetch with the list the log
 * vouches for, and, for the `formerDevices` asked about, the earlier logged lists that name
 * them (`formerDeviceLists`, client/transparency/transport-hook.ts).
 */
import { parseAccountResponse } from '@sealed/protocol/http';
import { fromBase64Url } from '@sealed/protocol/encoding';
import { MAX_DEVICE_LIST_BYTES } from '@sealed/protocol/limits';
import type { Action } from './actions.ts';
import type { EngineCore } from './core.ts';
import type { HttpOutcome } from './events.ts';

/**
 * A device-list fetch that got no answer, or an answer that says nothing about the account
 * (the relay busy, restarting or rate limiting), is tried again on the next tick or READY,
 * at most this often, before the member counts as unverified. Taking an unanswered fetch for
 * a ghost device made a joined conversation be left during a relay restart (chaos suite).
 */
export const MAX_DEVICE_LIST_FETCH_ATTEMPTS = 20;

/** Earlier lists one account answer may carry (the transport searches at most this many versions back). */
export const MAX_FORMER_DEVICE_LISTS = 16;

export interface AccountFetch {
  readonly username: string;
  /** Hex ids of devices to look for in earlier logged lists (key transparency only). */
  readonly formerDevices?: readonly string[];
}

function noAnswer(outcome: HttpOutcome): boolean {
  return !outcome.ok && (outcome.status === 0 || outcome.status === 429 || outcome.status >= 500);
}

/** The earlier lists a transparent transport added to an account answer (malformed: none). */
function formerListsOf(body: unknown): { account: unknown; former: Uint8Array[] } {
  if (typeof body !== 'object' || body === null || !('formerDeviceLists' in body)) return { account: body, former: [] };
  const { formerDeviceLists, ...account } = body as Record<string, unknown>;
  if (!Array.isArray(formerDeviceLists) || formerDeviceLists.length > MAX_FORMER_DEVICE_LISTS) return { account, former: [] };
  const former: Uint8Array[] = [];
  for (const item of formerDeviceLists) {
    const bytes = typeof item === 'string' && item.length <= Math.ceil((MAX_DEVICE_LIST_BYTES * 4) / 3) ? fromBase64Url(item) : undefined;
    if (bytes !== undefined) former.push(bytes);
  }
  return { account, former };
}

/** Learns an account answer; what does not decode or verify is left unknown (callers decide then). */
function learnAnswer(core: EngineCore, username: string, body: unknown): void {
  const { account, former } = formerListsOf(body);
  try {
    core.directory.learn(username, parseAccountResponse(account).deviceList);
  } catch {
    return;
  }
  for (const list of former) {
    try {
      core.directory.learnFormer(username, list);
    } catch {
      // Not an earlier logged list of this account: its devices stay refused.
    }
  }
}

/** Fetches `accounts` one by one (retrying unanswered fetches), learns each answer, then runs `then`. */
export function fetchAccountsThen(core: EngineCore, accounts: readonly AccountFetch[], then: () => Action[]): Action[] {
  core.verifying++;
  const fetchNext = (index: number, attempt = 1): Action[] => {
    const fetch = accounts[index];
    if (fetch === undefined) {
      core.verifying--;
      return then();
    }
    const request = fetch.formerDevices === undefined || fetch.formerDevices.length === 0 ? { kind: 'get-account' as const, username: fetch.username } : { kind: 'get-account' as const, username: fetch.username, formerDevices: fetch.formerDevices };
    return [
      core.http(request, (outcome) => {
        if (noAnswer(outcome) && attempt < MAX_DEVICE_LIST_FETCH_ATTEMPTS) {
          core.defer(() => fetchNext(index, attempt + 1));
          return [];
        }
        if (outcome.ok) learnAnswer(core, fetch.username, outcome.body);
        return fetchNext(index + 1);
      }),
    ];
  };
  return fetchNext(0);
}
