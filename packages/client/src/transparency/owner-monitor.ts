/**
 * Owners monitoring their own labels (issue 6: "owners monitor their own labels at
 * start-up, periodically and after each change they make, and are alerted to any version
 * they did not create"). kt's verifyMonitor proves every version after the last one the
 * owner verified, contiguous, each with the log entry that inserted it; here each version
 * is compared with the values this device published itself. A version it did not publish
 * becomes an alert naming the change and when it happened; the owner's own changes never do.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { decodeAccountValue, decodeUsernameValue, labelKind, type LabelKind } from '@sealed/kt/labels/labels';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import type { VerifyPolicy } from '@sealed/kt/verify/checkpoint-verify';
import { verifyMonitor } from '@sealed/kt/verify/monitor-verify';
import type { MonitorResponseShape } from '@sealed/kt/verify/shapes';
import { decodeSignedDeviceList, type DeviceList } from '@sealed/protocol/device-list';
import { toHex } from '@sealed/protocol/encoding';
import { verified } from './contact-verify.ts';
import { retain, type RetainedCheckpoint } from './retained-checkpoint.ts';

/** What an owner keeps per label between monitoring rounds (persisted by the host). */
export interface OwnLabelState {
  readonly label: Uint8Array;
  /** The greatest version verified so far (absent before the first round). */
  readonly knownVersion?: number;
  /** The value of `knownVersion`, to describe the next change against. */
  readonly knownValue?: Uint8Array;
}

/** The kinds of change an alert names. */
export type ChangeKind = 'device-added' | 'device-removed' | 'identity-key-changed' | 'username-rebound' | 'value-changed';

export interface TransparencyAlert {
  readonly label: LabelKind;
  readonly version: number;
  readonly change: ChangeKind;
  /** Hex ids of devices added or removed (device changes only). */
  readonly deviceIds: readonly string[];
  /** The change was in the log by this time (ms): the timestamp of its insertion entry. */
  readonly at: number;
  /** ...and not yet at this time (the entry before), when there is one. */
  readonly notBefore?: number;
  /** The sentence shown to the user. */
  readonly message: string;
}

/**
 * The values this device published itself, compared byte for byte. A value is recorded
 * before it is sent, so a change that reaches the log before the answer does is still ours.
 */
export class OwnChanges {
  private readonly values: Uint8Array[] = [];

  /** The most values kept: older ones are verified versions that no round will see again. */
  static readonly MAX = 64;

  constructor(initial: readonly Uint8Array[] = []) {
    for (const v of initial) this.record(v);
  }

  record(value: Uint8Array): void {
    if (this.has(value)) return;
    this.values.push(value.slice());
    if (this.values.length > OwnChanges.MAX) this.values.shift();
  }

  has(value: Uint8Array): boolean {
    return this.values.some((v) => v.length === value.length && hashEquals(v, value));
  }

  list(): readonly Uint8Array[] {
    return this.values.map((v) => v.slice());
  }
}

function deviceList(value: Uint8Array): DeviceList | undefined {
  try {
    return decodeSignedDeviceList(decodeAccountValue(value)).list;
  } catch {
    return undefined;
  }
}

function when(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Describes a version the owner did not create, against the version before it. */
export function describeChange(kind: LabelKind, version: number, previous: Uint8Array | undefined, value: Uint8Array, at: number, notBefore?: number): TransparencyAlert {
  const base = { label: kind, version, at, ...(notBefore === undefined ? {} : { notBefore }) };
  if (kind === 'username') {
    let same = false;
    if (previous !== undefined) {
      try {
        same = hashEquals(decodeUsernameValue(previous).identityKey, decodeUsernameValue(value).identityKey);
      } catch {
        same = false;
      }
    }
    return { ...base, change: 'username-rebound', deviceIds: [], message: `your username was bound to ${same ? 'another account' : 'another identity key'} at ${when(at)}; was it you?` };
  }
  const before = previous === undefined ? undefined : deviceList(previous);
  const after = deviceList(value);
  if (after === undefined) return { ...base, change: 'value-changed', deviceIds: [], message: `your account entry was changed at ${when(at)}; was it you?` };
  if (before !== undefined && !hashEquals(before.identityKey, after.identityKey)) {
    return { ...base, change: 'identity-key-changed', deviceIds: [], message: `your account's identity key was replaced at ${when(at)}; was it you?` };
  }
  const had = new Set((before?.devices ?? []).map((d) => toHex(d.deviceId)));
  const has = new Set(after.devices.map((d) => toHex(d.deviceId)));
  const added = [...has].filter((d) => !had.has(d));
  const removed = [...had].filter((d) => !has.has(d));
  if (added.length > 0) {
    return { ...base, change: 'device-added', deviceIds: added, message: `${added.length === 1 ? 'a new device was' : `${added.length} new devices were`} added to your account at ${when(at)}; was it you?` };
  }
  if (removed.length > 0) return { ...base, change: 'device-removed', deviceIds: removed, message: `a device was removed from your account at ${when(at)}; was it you?` };
  return { ...base, change: 'value-changed', deviceIds: [], message: `your device list was changed at ${when(at)}; was it you?` };
}

export interface MonitorRound {
  readonly alerts: readonly TransparencyAlert[];
  readonly state: OwnLabelState;
  readonly checkpoint: RetainedCheckpoint;
  /** True when the response held fewer versions than remain (ask again at once). */
  readonly more: boolean;
}

/**
 * One monitoring round for one own label.
 * @throws {TransparencyError} when the response does not verify: `version-gap` (versions
 *   skipped or repeated), `rolled-back`, `inconsistent` (with evidence), `not-in-log`, ...
 *   Nothing is retained then, and the caller reports the failure (it is not an alert
 *   about a version, it is a log that cannot prove its history).
 */
export function monitorOwnLabel(
  _provider: CryptoProvider,
  policy: VerifyPolicy,
  retained: RetainedCheckpoint | undefined,
  state: OwnLabelState,
  response: MonitorResponseShape,
  own: OwnChanges,
): MonitorRound {
  const kind = labelKind(state.label);
  const result = verified(policy.config, retained, response, () => verifyMonitor(policy, retained, state.label, state.knownVersion, response));
  const alerts: TransparencyAlert[] = [];
  let previous = state.knownValue;
  for (const v of result.versions) {
    if (!own.has(v.value)) alerts.push(describeChange(kind, v.version, previous, v.value, v.insertedBy, v.notBefore));
    previous = v.value;
  }
  const last = result.versions[result.versions.length - 1];
  const next: OwnLabelState = last === undefined ? state : { label: state.label, knownVersion: last.version, knownValue: last.value };
  return {
    alerts,
    state: next,
    checkpoint: retain(result.checkpoint, response.fullTreeHead, retained),
    more: last !== undefined && last.version < result.greatestVersion,
  };
}
