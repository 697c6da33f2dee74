/**
 * With key transparency required the credential validator refuses any device our copy of
 * its account's list does not name (directory.ts): a ghost device in a commit or Welcome
 * must never be accepted. A contact's device linked since we fetched its list (and logged
 * since: its owner adds it only then) is not a ghost, so before failing such an entry the
 * engine fetches those accounts' lists again, through the log, and processes the entry
 * once more. Entries behind it are held meanwhile (EngineCore.verifying), so order is kept.
 * MLS validation stops at the first refused leaf, so each attempt may name another account;
 * an account is fetched at most once per entry, and a refusal naming only accounts fetched
 * already is final: the entry fails as before.
 */
import { parseAccountResponse } from '@sealed/protocol/http';
import type { Action } from './actions.ts';
import type { EngineCore } from './core.ts';
import type { DeliveredEntry } from '@sealed/protocol/frames/server';
import type { HttpOutcome } from './events.ts';
import { MAX_DEVICE_LIST_FETCH_ATTEMPTS } from './verify-members.ts';
import { MAX_REFUSED_UNKNOWN } from './directory.ts';

/** Accounts already fetched again for an entry (weak: nothing outlives its processing). */
const fetchedFor = new WeakMap<DeliveredEntry, Set<string>>();

function noAnswer(outcome: HttpOutcome): boolean {
  return !outcome.ok && (outcome.status === 0 || outcome.status === 429 || outcome.status >= 500);
}

/**
 * When `entry`'s processing was refused for devices of `refused` accounts our lists do not
 * name, some of them not fetched again for this entry yet: fetches those lists (through the
 * log), then runs `retry`. Otherwise undefined (the caller reports the failure).
 */
export function refetchThenRetry(core: EngineCore, entry: DeliveredEntry, refused: readonly string[], retry: () => Action[]): Action[] | undefined {
  if (!core.directory.transparencyRequired) return undefined;
  const fetched = fetchedFor.get(entry) ?? new Set<string>();
  const fresh = refused.filter((u) => !fetched.has(u));
  if (fresh.length === 0 || fetched.size + fresh.length > MAX_REFUSED_UNKNOWN) return undefined;
  for (const u of fresh) fetched.add(u);
  fetchedFor.set(entry, fetched);
  const usernames = fresh;
  core.verifying++;
  const fetchNext = (index: number, attempt = 1): Action[] => {
    const username = usernames[index];
    if (username === undefined) {
      core.verifying--;
      return retry();
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
            // Still unknown: the retry fails as the first attempt did.
          }
        }
        return fetchNext(index + 1);
      }),
    ];
  };
  return fetchNext(0);
}
