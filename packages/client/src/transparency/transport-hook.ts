/**
 * What a transport asks of key transparency (NodeTransport option `transparency`, and the
 * browser's transport through `transparentHttp`; TransparencyClient implements the hook): a
 * contact's account answer reaches the engine only as the device list the log vouches for
 * (first contact, and every refetch before devices join a group), with the earlier logged
 * lists naming devices a commit brought that the latest list dropped; a device list this
 * device publishes is recorded as its own change before it is sent, and the owner's labels
 * are monitored after. Portable: no node:* import.
 */
import { encodeAccountValue } from '@sealed/kt/labels/labels';
import { toBase64Url } from '@sealed/protocol/encoding';
import { parseAccountResponse } from '@sealed/protocol/http';
import type { Action } from '../engine/actions.ts';
import type { HttpOutcome } from '../engine/events.ts';
import type { VouchedServedList } from './transparency-client.ts';
import { TransparencyError } from './transparency-error.ts';

export interface TransparencyHook {
  /**
   * The logged list to use instead of the served one, and the served list's devices not
   * logged yet (pending).
   * @throws when the log does not vouch for `username`'s account, or the served list is
   *   neither the logged one nor a newer list of the same key.
   */
  vouchServedList(username: string, servedDeviceList: Uint8Array, token?: Uint8Array): Promise<VouchedServedList>;
  /**
   * Earlier logged lists of `username` naming devices of `deviceIds` that its latest logged
   * list lacks (TransparencyClient.formerListsNaming); absent in hooks that cannot search.
   */
  formerListsNaming?(username: string, deviceIds: readonly string[], token?: Uint8Array): Promise<Uint8Array[]>;
  /** Records an account value (0x01 || signed device list) this device is about to publish. */
  recordOwnChange(value: Uint8Array): void;
  /** Runs an owner monitoring round (its failures and alerts are the hook's to report). */
  monitorOwn(): Promise<unknown>;
}

/** The outcome an account fetch gets when the log does not vouch for the served list (the engine retries on ticks). */
export const NOT_IN_LOG_OUTCOME: HttpOutcome = { ok: false, status: 0, code: 'not-in-transparency-log' };
/**
 * The outcome when the log has no version of the account yet (registered since the last
 * epoch): an add waits for the epoch (engine/commits.ts AWAIT_LOG_MS) instead of failing.
 */
export const NOT_LOGGED_YET_OUTCOME: HttpOutcome = { ok: false, status: 0, code: 'not-logged-yet' };

/**
 * Performs one engine HTTP action through `plain` with key transparency applied: own
 * device-list changes recorded before and monitored after; an account answer replaced by
 * the logged list (or failed when the log does not vouch for it).
 */
export async function transparentHttp(hook: TransparencyHook, action: Extract<Action, { type: 'http' }>, plain: () => Promise<HttpOutcome>): Promise<HttpOutcome> {
  const request = action.request;
  if (request.kind === 'put-device-list') hook.recordOwnChange(encodeAccountValue(request.deviceList));
  const outcome = await plain();
  if (!outcome.ok) return outcome;
  if (request.kind === 'put-device-list') void hook.monitorOwn().catch(() => undefined);
  if (request.kind !== 'get-account') return outcome;
  try {
    const served = parseAccountResponse(outcome.body).deviceList;
    const vouched = await hook.vouchServedList(request.username, served, action.token);
    const body = { ...(outcome.body as Record<string, unknown>), deviceList: toBase64Url(vouched.deviceList) };
    if (request.formerDevices === undefined || request.formerDevices.length === 0) return { ok: true, body };
    const former = await formerLists(hook, request.username, request.formerDevices, action.token);
    return { ok: true, body: { ...body, formerDeviceLists: former.map(toBase64Url) } };
  } catch (error) {
    return error instanceof TransparencyError && error.code === 'not-logged-yet' ? NOT_LOGGED_YET_OUTCOME : NOT_IN_LOG_OUTCOME;
  }
}

/** Earlier lists naming `deviceIds`; none when the log cannot show them (their devices stay refused). */
async function formerLists(hook: TransparencyHook, username: string, deviceIds: readonly string[], token: Uint8Array | undefined): Promise<Uint8Array[]> {
  try {
    return (await hook.formerListsNaming?.(username, deviceIds, token)) ?? [];
  } catch {
    return [];
  }
}
