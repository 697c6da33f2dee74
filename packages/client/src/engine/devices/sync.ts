/**
 * Keeping every conversation in step with our account's signed device list: each of our
 * devices adds a device the list names and a group lacks, and removes one of ours the list
 * no longer names (one of them wins the commit; the others lose the race, process the
 * winner, and find nothing left to do: `sync` intents, commits.ts).
 *
 * When our devices learn of a change:
 *   - the device that made it (link or removal), at once;
 *   - the account's other connected devices, at once: the relay's `devices-changed` notice;
 *   - any device whose incoming commit or Welcome brings a device of ours its copy of the
 *     list does not name (verify-members.ts fetches the list again; the engine notices the
 *     new version and syncs);
 *   - every device at each READY once caught up, and every DEVICE_REFRESH_MS on ticks
 *     (a change made while no commit reached us);
 *   - explicitly, `Engine.refreshDevices()`.
 * A newly linked device may not have key packages on the relay yet: one conversation
 * probes on ticks with doubling delays (DEVICE_PENDING_RETRY_MS) until the device joined
 * one group; then every other conversation adds it at once.
 */
import { decodeSignedDeviceList } from '@sealed/protocol/device-list';
import { toHex } from '@sealed/protocol/encoding';
import { parseAccountResponse } from '@sealed/protocol/http';
import type { Action } from '../actions.ts';
import { pump } from '../commits.ts';
import { type CommitIntent, type Conversation, membersOf } from '../conversation.ts';
import type { EngineCore } from '../core.ts';
import { saveAccount } from '../snapshot.ts';
import { DEVICE_PENDING_RETRY_MS, DEVICE_PENDING_WINDOW_MS, DEVICE_REFRESH_MS } from './limits.ts';
import { ownDevicesOf } from './own-devices.ts';

export interface DeviceSync {
  /** A refresh (GET of our account) is in flight. */
  refreshing: boolean;
  nextRefreshAt: number;
  /** Devices of ours listed but missing from some group: retried on ticks until `until`. */
  pending: { until: number; nextAt: number; tries: number } | undefined;
  /** Set once this device found itself missing from its own list (reported once). */
  removed: boolean;
}

export function newDeviceSync(now: number): DeviceSync {
  return { refreshing: false, nextRefreshAt: now + DEVICE_REFRESH_MS, pending: undefined, removed: false };
}

function isSync(intent: CommitIntent | undefined, kind: 'add' | 'remove-devices'): boolean {
  if (intent === undefined) return false;
  if (kind === 'add') return intent.kind === 'add' && intent.sync === true;
  return intent.kind === 'remove-devices';
}

/** A sync intent of `kind` already queued or in flight (one at a time per conversation). */
function hasIntent(conversation: Conversation, kind: 'add' | 'remove-devices'): boolean {
  return conversation.intents.some((i) => isSync(i, kind)) || isSync(conversation.inFlight?.intent, kind);
}

/**
 * Queues the sync intents our list calls for in every conversation and moves them on.
 * Returns `device-removed` when this device is no longer listed.
 */
export function reconcile(core: EngineCore, sync: DeviceSync): Action[] {
  const account = core.account;
  if (account === undefined || sync.removed) return [];
  const list = core.directory.deviceList(account.username);
  if (list === undefined) return [];
  const listed = new Set(list.devices.map((d) => toHex(d.deviceId)));
  if (!listed.has(account.deviceIdHex)) {
    sync.removed = true;
    return [{ type: 'device-removed' }];
  }
  // Devices of ours that are in at least one group: they have key packages, add them everywhere.
  const joined = new Set<string>();
  for (const c of core.conversations.values()) for (const m of membersOf(c.state)) if (m.username === account.username) joined.add(m.deviceId);
  const actions: Action[] = [];
  let missingAnywhere = false;
  let probing = false;
  for (const conversation of core.conversations.values()) {
    const ours = membersOf(conversation.state).filter((m) => m.username === account.username);
    const present = new Set(ours.map((m) => m.deviceId));
    const stale = ours.filter((m) => !listed.has(m.deviceId)).map((m) => m.deviceId);
    const missing = [...listed].filter((d) => !present.has(d));
    if (stale.length > 0 && !hasIntent(conversation, 'remove-devices')) conversation.intents.push({ kind: 'remove-devices', intent: core.id(), deviceIds: stale, retries: 0 });
    if (missing.length > 0) {
      missingAnywhere = true;
      const addable = missing.some((d) => joined.has(d));
      if ((addable || !probing) && !hasIntent(conversation, 'add')) conversation.intents.push({ kind: 'add', intent: core.id(), usernames: [account.username], retries: 0, sync: true });
      if (!addable) probing = true;
    }
    actions.push(...pump(core, conversation));
  }
  if (!missingAnywhere) sync.pending = undefined;
  else sync.pending ??= { until: core.now + DEVICE_PENDING_WINDOW_MS, nextAt: core.now + DEVICE_PENDING_RETRY_MS[0], tries: 0 };
  return actions;
}

/** Fetches our own list again; a newer one is learnt and synced. */
export function refreshOwnDevices(core: EngineCore, sync: DeviceSync): Action[] {
  const account = core.account;
  if (account === undefined || sync.refreshing || sync.removed) return [];
  sync.refreshing = true;
  sync.nextRefreshAt = core.now + DEVICE_REFRESH_MS;
  return [
    core.http({ kind: 'get-account', username: account.username }, (outcome): Action[] => {
      sync.refreshing = false;
      if (!outcome.ok) return [];
      const before = core.directory.deviceList(account.username)?.version;
      try {
        core.directory.learn(account.username, parseAccountResponse(outcome.body).deviceList);
      } catch {
        // A list we cannot verify (or an older one) changes nothing; the next refresh tries again.
        return [];
      }
      return [...ownListMaybeChanged(core, before), ...reconcile(core, sync)];
    }),
  ];
}

/** After anything that may have taught us a newer own list: adopt it in the account record. */
export function ownListMaybeChanged(core: EngineCore, versionBefore: number | undefined): Action[] {
  const account = core.account;
  if (account === undefined) return [];
  const encoded = core.directory.signedList(account.username);
  const list = core.directory.deviceList(account.username);
  if (encoded === undefined || list === undefined || list.version === versionBefore || list.version <= account.deviceListVersion) return [];
  account.deviceListVersion = list.version;
  account.ownList = encoded;
  return [saveAccount(account), { type: 'devices', devices: ownDevicesOf(decodeSignedDeviceList(encoded).list, account.deviceIdHex) }];
}

/** Clock tick: periodic refresh, and retries for devices that could not be added yet. */
export function deviceTick(core: EngineCore, sync: DeviceSync): Action[] {
  if (core.account === undefined || !core.caughtUp()) return [];
  const actions: Action[] = [];
  if (core.now >= sync.nextRefreshAt) actions.push(...refreshOwnDevices(core, sync));
  const pending = sync.pending;
  if (pending !== undefined && core.now >= pending.nextAt) {
    if (core.now >= pending.until) sync.pending = undefined;
    else {
      pending.tries++;
      pending.nextAt = core.now + DEVICE_PENDING_RETRY_MS[Math.min(pending.tries, DEVICE_PENDING_RETRY_MS.length - 1)]!;
      actions.push(...reconcile(core, sync));
    }
  }
  return actions;
}
