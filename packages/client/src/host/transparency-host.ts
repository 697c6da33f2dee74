/**
 * Key transparency in a host (issue 6): the pinned trust (the log's Configuration, how many
 * auditor countersignatures, the client's freshness bound), the TransparencyClient of the
 * signed-in account, and everything a host does with it:
 *
 * - contacts verified in the log before the engine learns their devices (the transport's
 *   hook, `hook`; the engine's Directory and credential validator refuse the rest);
 * - owner monitoring at start-up, every `monitorIntervalMs`, and after each own change;
 *   alerts kept in the vault (`alerts()`), shown once by the CLI and live as events;
 * - checkpoints carried in every sent message and checked in every received one; a fork
 *   is kept as evidence with a warning;
 * - devices pending in the log retried until logged, reported when they never are;
 * - the status per contact for `sealed verify` and the web client (`status`).
 *
 * Portable: no node:* import (the web client uses it through SealedHost).
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { encodeAccountValue, encodeUsernameValue } from '@sealed/kt/labels/labels';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import type { Action } from '../engine/actions.ts';
import type { Engine, Started } from '../engine/engine.ts';
import type { SettingsStore } from '../store/settings-store.ts';
import { configuredAuditorKeys, trustPolicy } from '../transparency/trust-policy.ts';
import { TransparencyClient, type TransparencyState, type VouchedServedList } from '../transparency/transparency-client.ts';
import { TransparencyError, type ForkEvidence, type SignedCheckpoint } from '../transparency/transparency-error.ts';
import type { TransparencyHook } from '../transparency/transport-hook.ts';
import type { RetainedCheckpoint } from '../transparency/retained-checkpoint.ts';

const TRUST_SETTING = 'kt-trust';
const STATE_SETTING = 'kt-state';
const ALERTS_SETTING = 'kt-alerts';
const RECORD_VERSION = 1;
/** Alerts kept in the vault (oldest dropped first): enough for weeks of a noisy log. */
export const MAX_STORED_ALERTS = 64;
/** Pending contact devices tracked at once (each is one conversation and account). */
export const MAX_PENDING_DEVICES = 256;
/** Default period of owner monitoring (issue 6: "periodically"). */
export const DEFAULT_MONITOR_INTERVAL_MS = 5 * 60_000;
/** Default wait before a pending device is tried again (the server's default epoch is 60 s). */
export const DEFAULT_PENDING_RETRY_MS = 15_000;
/** Shortest wait between monitoring rounds started because an own device is pending. */
const OWN_PENDING_CHECK_MS = 1000;
/** After an own change, monitoring runs again once the next epochs had time to log it. */
export const DEFAULT_FOLLOW_UP_MS = 70_000;

/** What the user trusts, pinned at `sealed init` (or by the web client at sign-up). */
export interface KtTrust {
  /** The log's Configuration as the server publishes it (GET /v1/kt/config): log key, VRF key, auditor keys, bounds. */
  readonly configuration: Uint8Array;
  /** Distinct configured auditors whose countersignature a checkpoint needs. */
  readonly requiredAuditors: number;
  /** The client's own bound on a checkpoint's age (ms); default the Configuration's max_behind. */
  readonly maxCheckpointAgeMs?: number;
}

export interface KtTiming {
  readonly monitorIntervalMs?: number;
  readonly pendingRetryMs?: number;
  /** How long a device may stay pending before it is reported refused; default max_behind. */
  readonly pendingGiveUpMs?: number;
  readonly followUpMs?: number;
}

/** One thing the user must see: a change to their account they may not have made, a fork, a refused device, a failed check. */
export interface StoredTransparencyAlert {
  readonly kind: 'own-change' | 'fork' | 'device-refused' | 'monitor-failed';
  readonly message: string;
  /** When the host recorded it (ms). */
  readonly at: number;
  shown: boolean;
  /** For a fork: the two log-signed checkpoints (hex fields), for the user to hand over. */
  readonly evidence?: { readonly first: SignedCheckpointHex; readonly second: SignedCheckpointHex };
}

export interface SignedCheckpointHex {
  readonly treeSize: number;
  readonly timestamp: number;
  readonly root: string;
  readonly signature: string;
}

/** The transparency status of a contact, beside the safety number. */
export type ContactTransparencyView =
  | { readonly state: 'verified'; readonly treeSize: number; readonly auditors: number; readonly listVersion: number; readonly deviceCount: number; readonly identityKey: Uint8Array }
  | { readonly state: 'pending'; readonly detail: string }
  | { readonly state: 'failed'; readonly code: string; readonly detail: string }
  | { readonly state: 'off' };

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function hex(bytes: Uint8Array): string {
  return toHex(bytes);
}

function bytes(text: unknown): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('not hex');
  const b = fromHex(text);
  if (b === undefined) throw new TypeError('not hex');
  return b;
}

function checkpointHex(c: SignedCheckpoint): SignedCheckpointHex {
  return { treeSize: c.treeSize, timestamp: c.timestamp, root: hex(c.root), signature: hex(c.signature) };
}

/** Reads the pinned trust, or undefined when this vault has none (transparency off). @throws TypeError for a damaged record */
export async function loadTrust(settings: SettingsStore): Promise<KtTrust | undefined> {
  const record = await settings.get(TRUST_SETTING);
  if (record === undefined) return undefined;
  const o = JSON.parse(utf8Decoder.decode(record.data)) as Record<string, unknown>;
  const trust: KtTrust = {
    configuration: bytes(o['configuration']),
    requiredAuditors: Number(o['requiredAuditors']),
    ...(typeof o['maxCheckpointAgeMs'] === 'number' ? { maxCheckpointAgeMs: o['maxCheckpointAgeMs'] } : {}),
  };
  checkTrust(trust);
  return trust;
}

/**
 * Checks a trust for sense: the Configuration decodes and has at least `requiredAuditors` auditors.
 * @throws {TransparencyError} `malformed` otherwise.
 */
export function checkTrust(trust: KtTrust): Configuration {
  let config: Configuration;
  try {
    config = decodeConfigurationWire(trust.configuration);
  } catch {
    throw new TransparencyError('malformed', 'the pinned Configuration does not decode');
  }
  trustPolicy(config, trust.requiredAuditors);
  if (trust.maxCheckpointAgeMs !== undefined && (!Number.isSafeInteger(trust.maxCheckpointAgeMs) || trust.maxCheckpointAgeMs <= 0)) throw new TransparencyError('malformed', 'maxCheckpointAgeMs must be a positive integer');
  return config;
}

export async function saveTrust(settings: SettingsStore, trust: KtTrust): Promise<void> {
  checkTrust(trust);
  const o = { configuration: hex(trust.configuration), requiredAuditors: trust.requiredAuditors, ...(trust.maxCheckpointAgeMs === undefined ? {} : { maxCheckpointAgeMs: trust.maxCheckpointAgeMs }) };
  await settings.put(TRUST_SETTING, { version: RECORD_VERSION, data: utf8.encode(JSON.stringify(o)) });
}

function encodeState(s: TransparencyState): Uint8Array {
  const c = s.checkpoint;
  return utf8.encode(
    JSON.stringify({
      checkpoint: c === undefined ? null : { treeSize: c.treeSize, timestamp: c.timestamp, root: hex(c.root), prefixRoot: hex(c.prefixRoot), signature: hex(c.signature) },
      ownLabels: s.ownLabels.map((l) => ({ label: hex(l.label), ...(l.knownVersion === undefined ? {} : { knownVersion: l.knownVersion }), ...(l.knownValue === undefined ? {} : { knownValue: hex(l.knownValue) }) })),
      ownValues: s.ownValues.map(hex),
    }),
  );
}

function decodeState(data: Uint8Array): TransparencyState {
  const o = JSON.parse(utf8Decoder.decode(data)) as { checkpoint: Record<string, unknown> | null; ownLabels: Record<string, unknown>[]; ownValues: string[] };
  const c = o.checkpoint;
  const checkpoint: RetainedCheckpoint | undefined =
    c === null ? undefined : { treeSize: Number(c['treeSize']), timestamp: Number(c['timestamp']), root: bytes(c['root']), prefixRoot: bytes(c['prefixRoot']), signature: bytes(c['signature']) };
  return {
    checkpoint,
    ownLabels: o.ownLabels.map((l) => ({
      label: bytes(l['label']),
      ...(typeof l['knownVersion'] === 'number' ? { knownVersion: l['knownVersion'] } : {}),
      ...(l['knownValue'] === undefined ? {} : { knownValue: bytes(l['knownValue']) }),
    })),
    ownValues: o.ownValues.map(bytes),
  };
}

export interface HostTransparencyDeps {
  readonly provider: CryptoProvider;
  readonly baseUrl: string;
  readonly settings: SettingsStore;
  readonly engine: Engine;
  readonly clock: () => number;
  /** Runs an engine intent's actions (host.#run). */
  readonly run: (started: Started) => Promise<void>;
  /** Queues a vault write after the ones before (host.#write). */
  readonly write: (task: () => Promise<void>) => void;
  /** Tells the UI (host event `transparency`). */
  readonly emit: (alert: StoredTransparencyAlert) => void;
}

interface PendingDevices {
  readonly conversationId: string;
  readonly username: string;
  readonly deviceIds: Set<string>;
  readonly since: number;
}

export class HostTransparency {
  readonly config: Configuration;
  #client: TransparencyClient | undefined;
  #alerts: StoredTransparencyAlert[] = [];
  #saved: TransparencyState | undefined;
  /** Own values recorded before the client exists (a registration or link in progress). */
  readonly #early: Uint8Array[] = [];
  /** Alerts of the first round are a baseline, not news (a linked device, or a vault from before transparency). */
  #baseline: boolean;
  #lastError: TransparencyError | undefined;
  readonly #pending = new Map<string, PendingDevices>();
  #monitorTimer: ReturnType<typeof setInterval> | undefined;
  #pendingTimer: ReturnType<typeof setInterval> | undefined;
  #followUp: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #ownPendingCheck = 0;

  private constructor(
    readonly trust: KtTrust,
    private readonly deps: HostTransparencyDeps,
    private readonly timing: KtTiming,
  ) {
    this.config = checkTrust(trust);
    this.#baseline = false;
  }

  /**
   * The transparency of a vault: its pinned trust (saved first when `pin` is given), saved
   * state and alerts. Undefined when the vault has no trust (transparency off).
   * `baseline`: the account's history so far is taken as the owner's (a newly linked device).
   */
  static async open(deps: HostTransparencyDeps, timing: KtTiming, pin: KtTrust | undefined, baseline: boolean): Promise<HostTransparency | undefined> {
    if (pin !== undefined) await saveTrust(deps.settings, pin);
    const trust = await loadTrust(deps.settings);
    if (trust === undefined) return undefined;
    const t = new HostTransparency(trust, deps, timing);
    const state = await deps.settings.get(STATE_SETTING);
    t.#saved = state === undefined ? undefined : decodeState(state.data);
    // Without saved state, history is unknown to this device: a linked device (or a vault
    // from before transparency) takes it as the baseline; a new account knows its values.
    t.#baseline = baseline || (state === undefined && pin === undefined);
    const alerts = await deps.settings.get(ALERTS_SETTING);
    if (alerts !== undefined) t.#alerts = (JSON.parse(utf8Decoder.decode(alerts.data)) as StoredTransparencyAlert[]).slice(-MAX_STORED_ALERTS);
    return t;
  }

  /** What the transport calls (fails closed until the client exists). */
  readonly hook: TransparencyHook = {
    vouchServedList: (username: string, served: Uint8Array, token?: Uint8Array): Promise<VouchedServedList> => {
      const client = this.#client;
      if (client === undefined) return Promise.reject(new TransparencyError('unavailable', 'transparency not started yet'));
      return client.vouchServedList(username, served, token).finally(() => this.#saveState());
    },
    formerListsNaming: (username: string, deviceIds: readonly string[], token?: Uint8Array): Promise<Uint8Array[]> => {
      const client = this.#client;
      if (client === undefined) return Promise.resolve([]);
      return client.formerListsNaming(username, deviceIds, token).finally(() => this.#saveState());
    },
    recordOwnChange: (value: Uint8Array): void => {
      if (this.#client === undefined) this.#early.push(value.slice());
      else this.#client.recordOwnChange(value);
      this.#saveState();
      this.#scheduleFollowUp();
    },
    monitorOwn: (): Promise<unknown> => this.monitor(),
  };

  /** The client of the signed-in account, once it exists. */
  get client(): TransparencyClient | undefined {
    return this.#client;
  }

  /** The last failure of owner monitoring (cleared by a round that verified). */
  get lastError(): TransparencyError | undefined {
    return this.#lastError;
  }

  /**
   * Makes the client once the engine knows the account (after sign-in): the engine then
   * requires transparency and carries our checkpoint in sent messages; monitoring starts.
   */
  attach(): void {
    const engine = this.deps.engine;
    if (this.#client !== undefined || this.#closed) return;
    const username = engine.username;
    const accountId = engine.accountId;
    const identityKey = engine.identityKey;
    if (username === undefined || accountId === undefined || identityKey === undefined) return;
    const client = new TransparencyClient({
      baseUrl: this.deps.baseUrl,
      provider: this.deps.provider,
      config: this.config,
      requiredAuditors: this.trust.requiredAuditors,
      ownUsername: username,
      ownAccountId: accountId,
      token: () => engine.sessionToken,
      clock: this.deps.clock,
      onAlert: (alert) => {
        if (!this.#baseline) this.#record({ kind: 'own-change', message: alert.message, at: this.deps.clock(), shown: false });
      },
      onFork: (evidence) => this.#fork(evidence),
      ...(this.trust.maxCheckpointAgeMs === undefined ? {} : { maxCheckpointAgeMs: this.trust.maxCheckpointAgeMs }),
      ...(this.#saved === undefined ? {} : { state: this.#saved }),
    });
    // Values this device knows are its own: our username binding, the list it holds now
    // (made here or brought by the link), and whatever it published before the client existed.
    client.recordOwnChange(encodeUsernameValue({ accountId, identityKey }));
    const ownList = engine.signedDeviceList(username);
    if (ownList !== undefined && this.#saved === undefined) client.recordOwnChange(encodeAccountValue(ownList));
    for (const v of this.#early.splice(0)) client.recordOwnChange(v);
    this.#client = client;
    engine.requireTransparency(client.vouched);
    engine.setCheckpointSource(() => client.gossipCheckpoint());
    void this.monitor();
    const interval = this.timing.monitorIntervalMs ?? DEFAULT_MONITOR_INTERVAL_MS;
    this.#monitorTimer = setInterval(() => void this.monitor(), interval);
    (this.#monitorTimer as { unref?: () => void }).unref?.();
    this.#pendingTimer = setInterval(() => void this.#retryPending(), this.timing.pendingRetryMs ?? DEFAULT_PENDING_RETRY_MS);
    (this.#pendingTimer as { unref?: () => void }).unref?.();
  }

  /**
   * One owner monitoring round (start-up, timer, after own changes, `sealed status`).
   * Resolves false when the log could not prove the history (kept as `lastError`; a proof
   * failure is also an alert), true otherwise. An account not in the log yet is not a failure.
   */
  async monitor(): Promise<boolean> {
    const client = this.#client;
    if (client === undefined || this.#closed) return false;
    try {
      await client.monitorOwn();
      this.#baseline = false;
      this.#lastError = undefined;
      return true;
    } catch (caught) {
      // Never thrown: timers call this. Anything but a TransparencyError is a transport failure.
      const error = caught instanceof TransparencyError ? caught : new TransparencyError('unavailable', 'monitoring did not complete');
      if (error.code === 'not-logged-yet') return true;
      this.#lastError = error;
      if (error.code !== 'unavailable') {
        this.#record({ kind: 'monitor-failed', message: `key transparency: the log could not prove your account's history (${error.code}); do not trust new devices or keys until this clears`, at: this.deps.clock(), shown: false });
      }
      return false;
    } finally {
      this.#saveState();
    }
  }

  /** The status of `username` in the log, checked now (for `sealed verify` and the web client). */
  async status(username: string): Promise<ContactTransparencyView> {
    const client = this.#client;
    if (client === undefined) return { state: 'pending', detail: 'not signed in yet' };
    try {
      const v = await client.verifyContact(username);
      return { state: 'verified', treeSize: v.checkpoint.treeSize, auditors: this.trust.requiredAuditors, listVersion: v.deviceList.version, deviceCount: v.deviceList.devices.length, identityKey: v.identityKey };
    } catch (error) {
      if (!(error instanceof TransparencyError)) throw error;
      if (error.code === 'not-logged-yet') return { state: 'pending', detail: 'not in the log yet (registered since the last epoch)' };
      if (error.code === 'unavailable') return { state: 'pending', detail: 'the log did not answer' };
      return { state: 'failed', code: error.code, detail: error.detail };
    } finally {
      this.#saveState();
    }
  }

  /** Every alert kept, oldest first. */
  alerts(): readonly StoredTransparencyAlert[] {
    return this.#alerts.map((a) => ({ ...a }));
  }

  /** Alerts not shown yet, marked shown (and saved) as they are returned. */
  takeUnshown(): StoredTransparencyAlert[] {
    const out = this.#alerts.filter((a) => !a.shown).map((a) => ({ ...a }));
    if (out.length === 0) return out;
    for (const a of this.#alerts) a.shown = true;
    this.#saveAlerts();
    return out;
  }

  /** The engine's actions the host passes on: gossip in received messages, pending devices. */
  onAction(action: Action): void {
    if (action.type === 'show' && !action.message.outgoing && action.message.content.ktCheckpoint !== undefined) {
      const client = this.#client;
      if (client !== undefined) {
        void client
          .checkGossip(action.message.content.ktCheckpoint)
          .catch(() => undefined) // a checkpoint the log did not sign proves nothing either way
          .finally(() => this.#saveState());
      }
    }
    if (action.type === 'devices-pending' && action.username === this.deps.engine.username) {
      // Our own new device waits until monitoring sees it logged: look now (at most once a
      // second), so the engine's next sync attempt can add it.
      const now = this.deps.clock();
      if (now - this.#ownPendingCheck >= OWN_PENDING_CHECK_MS) {
        this.#ownPendingCheck = now;
        void this.monitor();
      }
    }
    if (action.type === 'devices-pending') {
      const key = `${action.conversationId}:${action.username}`;
      const known = this.#pending.get(key);
      if (known !== undefined) for (const d of action.deviceIds) known.deviceIds.add(d);
      else if (this.#pending.size < MAX_PENDING_DEVICES) this.#pending.set(key, { conversationId: action.conversationId, username: action.username, deviceIds: new Set(action.deviceIds), since: this.deps.clock() });
    }
  }

  /** Devices waiting for the log, per conversation and account (status displays, tests). */
  pendingDevices(): { conversationId: string; username: string; deviceIds: string[]; since: number }[] {
    return [...this.#pending.values()].map((p) => ({ conversationId: p.conversationId, username: p.username, deviceIds: [...p.deviceIds], since: p.since }));
  }

  close(): void {
    this.#closed = true;
    if (this.#monitorTimer !== undefined) clearInterval(this.#monitorTimer);
    if (this.#pendingTimer !== undefined) clearInterval(this.#pendingTimer);
    if (this.#followUp !== undefined) clearTimeout(this.#followUp);
  }

  /** Tries pending devices again: added once logged; reported refused after the give-up bound. */
  async #retryPending(): Promise<void> {
    const engine = this.deps.engine;
    const giveUp = this.timing.pendingGiveUpMs ?? this.config.maxBehind;
    for (const [key, p] of this.#pending) {
      const members = new Set(engine.membersOf(p.conversationId).map((m) => m.deviceId));
      for (const d of [...p.deviceIds]) if (members.has(d)) p.deviceIds.delete(d);
      if (p.deviceIds.size === 0 || !engine.conversationIds().includes(p.conversationId)) {
        this.#pending.delete(key);
        continue;
      }
      if (this.deps.clock() - p.since > giveUp) {
        this.#pending.delete(key);
        const ids = [...p.deviceIds].map((d) => d.slice(0, 8)).join(', ');
        this.#record({ kind: 'device-refused', message: `a device of ${p.username} (${ids}) never appeared in the key transparency log; it was not added to the conversation ${p.conversationId.slice(0, 8)}`, at: this.deps.clock(), shown: false });
        continue;
      }
      try {
        await this.deps.run(engine.addMissingDevices(p.conversationId, p.username));
      } catch {
        this.#pending.delete(key); // the conversation is gone
      }
    }
  }

  #scheduleFollowUp(): void {
    if (this.#followUp !== undefined || this.#closed) return;
    this.#followUp = setTimeout(() => {
      this.#followUp = undefined;
      void this.monitor();
    }, this.timing.followUpMs ?? DEFAULT_FOLLOW_UP_MS);
    (this.#followUp as { unref?: () => void }).unref?.();
  }

  #fork(evidence: ForkEvidence): void {
    this.#record({
      kind: 'fork',
      message: `WARNING: the key transparency log showed two different histories (checkpoints of size ${evidence.first.treeSize} and ${evidence.second.treeSize} do not extend each other); the server may be showing you or your contacts a false view. Evidence is kept (sealed status).`,
      at: this.deps.clock(),
      shown: false,
      evidence: { first: checkpointHex(evidence.first), second: checkpointHex(evidence.second) },
    });
  }

  #record(alert: StoredTransparencyAlert): void {
    // The same failure seen again (each command monitors) is not news.
    const last = this.#alerts[this.#alerts.length - 1];
    if (alert.kind === 'monitor-failed' && last !== undefined && last.kind === alert.kind && last.message === alert.message) return;
    this.#alerts.push(alert);
    if (this.#alerts.length > MAX_STORED_ALERTS) this.#alerts.splice(0, this.#alerts.length - MAX_STORED_ALERTS);
    this.#saveAlerts();
    this.deps.emit({ ...alert });
  }

  #saveAlerts(): void {
    const data = utf8.encode(JSON.stringify(this.#alerts));
    this.deps.write(() => this.deps.settings.put(ALERTS_SETTING, { version: RECORD_VERSION, data }));
  }

  #saveState(): void {
    const client = this.#client;
    if (client === undefined) return;
    const data = encodeState(client.exportState());
    this.deps.write(() => this.deps.settings.put(STATE_SETTING, { version: RECORD_VERSION, data }));
  }
}

/** How many auditor keys a Configuration names (for the CLI's defaults and messages). */
export function auditorCount(configuration: Uint8Array): number {
  return configuredAuditorKeys(decodeConfigurationWire(configuration)).length;
}
