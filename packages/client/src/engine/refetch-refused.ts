/**
 * With key transparency required the credential validator refuses any device our copy of
 * its account's list does not name (directory.ts): a ghost device in a commit or Welcome
 * must never be accepted. Two kinds of device are not ghosts, though:
 *
 * - a contact's device linked since we fetched its list (and logged since: its owner adds
 *   it only then): the latest logged list names it;
 * - a device added and removed again while we were offline: the commit that added it was
 *   made when the logged list named it, and the latest list no longer does. An earlier
 *   logged list names it (a fixed-version search proves that list is in the log).
 *
 * So before failing such an entry the engine fetches those accounts again, through the log,
 * asking for the earlier lists naming the refused devices, and processes the entry once
 * more. Entries behind it are held meanwhile (EngineCore.verifying), so order is kept. MLS
 * validation stops at the first refused leaf, so each attempt may name another device; a
 * device is looked up at most once per entry, and a refusal naming only devices looked up
 * already is final: the entry fails as before.
 */
import type { Action } from './actions.ts';
import type { EngineCore } from './core.ts';
import type { DeliveredEntry } from '@sealed/protocol/frames/server';
import { fetchAccountsThen } from './account-fetch.ts';
import { MAX_REFUSED_UNKNOWN, type RefusedDevice } from './directory.ts';

/** Devices ("username/deviceId") already looked up for an entry (weak: nothing outlives its processing). */
const lookedUpFor = new WeakMap<DeliveredEntry, Set<string>>();

/**
 * When `entry`'s processing was refused for `refused` devices our lists do not name, some
 * not looked up for this entry yet: fetches their accounts (through the log, with earlier
 * lists naming them), then runs `retry`. Otherwise undefined (the caller reports the failure).
 */
export function refetchThenRetry(core: EngineCore, entry: DeliveredEntry, refused: readonly RefusedDevice[], retry: () => Action[]): Action[] | undefined {
  if (!core.directory.transparencyRequired) return undefined;
  const seen = lookedUpFor.get(entry) ?? new Set<string>();
  const fresh = refused.filter((d) => !seen.has(`${d.username}/${d.deviceId}`));
  if (fresh.length === 0 || seen.size + fresh.length > MAX_REFUSED_UNKNOWN) return undefined;
  for (const d of fresh) seen.add(`${d.username}/${d.deviceId}`);
  lookedUpFor.set(entry, seen);
  // One fetch per account, asking for every device of it refused for this entry so far.
  const accounts = [...new Set(fresh.map((d) => d.username))].map((username) => ({
    username,
    formerDevices: [...seen].filter((key) => key.startsWith(`${username}/`)).map((key) => key.slice(username.length + 1)),
  }));
  return fetchAccountsThen(core, accounts, retry);
}
