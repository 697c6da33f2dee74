/**
 * Key transparency for the web client (issue 6 and issue 7's "key-transparency status and
 * alerts"): the SDK's TransparencyClient with the log's Configuration pinned in the vault on
 * first use, its state kept across unlocks, our own labels monitored at start-up, every
 * MONITOR_INTERVAL_MS and after each device list this device publishes, and contacts
 * verified in the log for the safety-number screen.
 *
 * Alerts are versions of our own labels this device did not publish ("a new device was
 * added to your account at <time>; was it you?"). On a device with no monitoring state yet
 * (new account, newly linked device, or a vault from before this feature) the first
 * versions seen of a label are the baseline, not alerts: this device cannot tell who made
 * them. The account label is monitored once the username label revealed our account id.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { decodeUsernameValue, labelKind, type LabelKind } from '@sealed/kt/labels/labels';
import type { DeviceListVoucher } from '@sealed/client/engine/directory';
import type { VaultStores } from '@sealed/client/store/vault-stores';
import type { TransparencyAlert } from '@sealed/client/transparency/owner-monitor';
import { type ContactTransparencyStatus, TransparencyClient, type TransparencyState, type VouchedServedList } from '@sealed/client/transparency/transparency-client';
import { TransparencyError, type ForkEvidence } from '@sealed/client/transparency/transparency-error';
import { configuredAuditorKeys } from '@sealed/client/transparency/trust-policy';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import { KT_MAX_CONFIGURATION_BYTES } from '@sealed/protocol/transparency/limits';
import { decodeFreshness, FRESHNESS_SETTING } from './kt-freshness.ts';
import { decodeTransparencyRecord, encodeTransparencyRecord, TRANSPARENCY_RECORD_VERSION } from './transparency-record.ts';

/** How often our own labels are monitored while unlocked. */
export const MONITOR_INTERVAL_MS = 30_000;
/**
 * A label of ours the log does not show yet (a new account: it appears at the next epoch,
 * and with an auditor once the epoch is countersigned) is checked again this often...
 */
export const OWN_PENDING_RETRY_MS = 2_000;
/** ...at most this many times in a row; after that the round is a failure like any other. */
export const MAX_OWN_PENDING_RETRIES = 30;
/** Alerts kept on screen (the oldest are dropped; each names its time). */
export const MAX_TRANSPARENCY_ALERTS = 20;
/** Longest wait for the log's Configuration. */
const CONFIG_TIMEOUT_MS = 15_000;
const CONFIG_SETTING = 'kt-config';
const STATE_SETTING = 'kt-state';

export interface OwnAlert {
  readonly id: number;
  readonly kind: 'change' | 'fork' | 'configuration' | 'device-refused' | 'stale';
  readonly message: string;
  /** When the change was in the log (ms), for change alerts. */
  readonly at?: number;
}

/** The last monitoring round of our own account. */
export type OwnStatus =
  | { readonly state: 'not-checked' }
  | { readonly state: 'ok'; readonly checkedAt: number; readonly treeSize: number; readonly accountMonitored: boolean }
  /** A label of ours with no version seen yet is not in the log yet (checked again shortly, bounded). */
  | { readonly state: 'pending'; readonly checkedAt: number }
  | { readonly state: 'failed'; readonly checkedAt: number; readonly reason: string };

export interface WebTransparencyOptions {
  readonly baseUrl: string;
  readonly provider: CryptoProvider;
  readonly stores: VaultStores;
  readonly username: string;
  readonly token: () => Uint8Array | undefined;
  readonly onChange: () => void;
  /**
   * Our account id, when the engine knows it (signed in): the account label is monitored
   * from the first round and the client is never rebuilt, so what it vouched for stays.
   */
  readonly accountId?: Uint8Array;
}

export class WebTransparency {
  alerts: OwnAlert[] = [];
  ownStatus: OwnStatus = { state: 'not-checked' };
  readonly forks: ForkEvidence[] = [];
  private client: TransparencyClient | undefined;
  private config: Configuration | undefined;
  /** This device's own bound on a checkpoint's age (kt-freshness.ts); undefined: the log's max_behind. */
  private maxCheckpointAgeMs: number | undefined;
  /** A stale-checkpoint alert is shown; the next one waits for a round that succeeded. */
  private staleAlerted = false;
  private accountId: string | undefined;
  private state: TransparencyState | undefined;
  /** Values this device published before the client existed (registration, linking). */
  private readonly ownValues: Uint8Array[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingRetries = 0;
  private alertId = 0;
  private stopped = false;
  private loading: Promise<TransparencyClient | undefined> | undefined;
  private rounds: Promise<void> = Promise.resolve();

  constructor(private readonly options: WebTransparencyOptions) {
    if (options.accountId !== undefined) this.accountId = toHex(options.accountId);
    this.voucher = {
      ownUsername: options.username,
      vouches: (username, signedDeviceList) => this.client?.vouched.vouches(username, signedDeviceList) ?? false,
      ownDeviceLogged: (deviceIdHex) => this.client?.vouched.ownDeviceLogged(deviceIdHex) ?? false,
      vouchesFormer: (username, signedDeviceList) => this.client?.vouched.vouchesFormer(username, signedDeviceList) ?? false,
    };
  }

  /**
   * What the engine's Directory consults once transparency is required (engine
   * requireTransparency): the current client's vouched lists; nothing is vouched for before
   * the client exists, so every contact's list is refused until the log answers.
   */
  readonly voucher: DeviceListVoucher;

  /**
   * The logged device list to use instead of the one the server served (the browser
   * transport's hook, through the SDK's transparentHttp). Fails closed while the log's
   * Configuration is not loaded.
   * @throws {TransparencyError} as TransparencyClient.vouchServedList, or `unavailable`.
   */
  async vouchServedList(username: string, served: Uint8Array, token?: Uint8Array): Promise<VouchedServedList> {
    const client = await this.ready();
    if (client === undefined) throw new TransparencyError('unavailable', 'the log configuration is not loaded');
    try {
      return await client.vouchServedList(username, served, token);
    } finally {
      await this.save();
      this.options.onChange();
    }
  }

  /**
   * Earlier logged lists naming devices a commit brought that the latest list dropped (the
   * browser transport's hook; TransparencyClient.formerListsNaming). None while the log's
   * Configuration is not loaded.
   */
  async formerListsNaming(username: string, deviceIds: readonly string[], token?: Uint8Array): Promise<Uint8Array[]> {
    const client = await this.ready();
    if (client === undefined) return [];
    try {
      return await client.formerListsNaming(username, deviceIds, token);
    } finally {
      await this.save();
    }
  }

  /** Our latest checkpoint, carried in every message we send (undefined before the first verification). */
  gossipCheckpoint(): Uint8Array | undefined {
    return this.client?.gossipCheckpoint();
  }

  /**
   * Checks a checkpoint a contact carried in a message against ours; a fork becomes an
   * alert with both signed checkpoints kept (`forks`). A checkpoint the log did not sign
   * proves nothing either way and is ignored.
   */
  async checkGossip(bytes: Uint8Array): Promise<void> {
    const client = await this.ready();
    if (client === undefined) return;
    await client.checkGossip(bytes).catch(() => undefined);
    await this.save();
  }

  /** How long a contact's device may stay pending before it is reported refused (the log's max_behind; undefined before the Configuration is loaded). */
  get maxBehindMs(): number | undefined {
    return this.config?.maxBehind;
  }

  /**
   * What this device requires of a checkpoint (shown beside the statuses): the configured
   * auditors' countersignatures (every one of them) and an age bound. Undefined before the
   * Configuration is loaded.
   */
  get requirement(): { readonly auditors: number; readonly maxAgeMs: number } | undefined {
    const config = this.config;
    if (config === undefined) return undefined;
    return { auditors: configuredAuditorKeys(config).length, maxAgeMs: this.maxCheckpointAgeMs ?? config.maxBehind };
  }

  /** A contact's device that never appeared in the log was kept out of a conversation. */
  deviceRefused(message: string): void {
    this.push({ kind: 'device-refused', message });
    this.options.onChange();
  }

  /** Monitors now and then every MONITOR_INTERVAL_MS until `stop`. */
  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => void this.monitorNow(), MONITOR_INTERVAL_MS);
    void this.monitorNow();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.pendingTimer !== undefined) clearTimeout(this.pendingTimer);
    this.timer = undefined;
  }

  dismiss(id: number): void {
    this.alerts = this.alerts.filter((a) => a.id !== id);
    this.options.onChange();
  }

  /** A device list (account value) this device is about to publish: never an alert. */
  recordOwnChange(value: Uint8Array): void {
    this.ownValues.push(value.slice());
    this.client?.recordOwnChange(value);
  }

  /** The contact's status in the log (what the safety-number screen shows). */
  statusOf(username: string): ContactTransparencyStatus {
    return this.client?.statusOf(username) ?? { state: 'not-checked' };
  }

  /** Checks `username`'s account and device list in the log; the outcome is in statusOf. */
  async verifyContact(username: string): Promise<void> {
    if (this.options.token() === undefined) return;
    const client = await this.ready();
    if (client === undefined) return;
    await client.verifyContact(username, undefined, this.options.token()).catch(() => undefined);
    await this.save();
    this.options.onChange();
  }

  /**
   * One monitoring round of our own labels (start-up, periodic, after own changes, "Check
   * now"). A call while a round runs waits for that round and then runs one more, so a
   * change published meanwhile is seen.
   */
  monitorNow(): Promise<void> {
    const next = this.rounds.then(() => this.round());
    this.rounds = next.catch(() => undefined);
    return next;
  }

  private async round(): Promise<void> {
    // Monitoring is authenticated: before sign-in there is nothing to ask (onOnline retries).
    if (this.options.token() === undefined) return;
    const client = await this.ready();
    if (client === undefined || this.stopped) return;
    try {
      const before = client.exportState();
      const fresh = new Set(before.ownLabels.filter((s) => s.knownVersion === undefined).map((s) => labelKind(s.label)));
      const alerts = await client.monitorOwn();
      this.report(alerts, fresh);
      const monitored = await this.learnAccountId(client);
      this.ownStatus = { state: 'ok', checkedAt: Date.now(), treeSize: (monitored ?? client).checkpoint?.treeSize ?? 0, accountMonitored: this.accountId !== undefined };
      this.staleAlerted = false;
      this.pendingRetries = 0;
    } catch (error) {
      if (this.notLoggedYet(error, client)) this.ownStatus = { state: 'pending', checkedAt: Date.now() };
      else this.ownStatus = { state: 'failed', checkedAt: Date.now(), reason: reasonOf(error) };
      if (error instanceof TransparencyError && error.code === 'stale-checkpoint') this.alertStale();
    }
    await this.save();
    this.options.onChange();
  }

  /**
   * A new account's labels are not in the log until the next (countersigned) epoch: that is
   * pending, retried shortly, not a failure. Only while some own label has no version seen
   * yet (a label we saw before and the log no longer shows is a failure) and at most
   * MAX_OWN_PENDING_RETRIES times in a row.
   */
  private notLoggedYet(error: unknown, client: TransparencyClient): boolean {
    if (!(error instanceof TransparencyError) || error.code !== 'not-logged-yet') return false;
    if (!client.exportState().ownLabels.some((s) => s.knownVersion === undefined)) return false;
    if (this.pendingRetries >= MAX_OWN_PENDING_RETRIES || this.stopped) return false;
    this.pendingRetries++;
    if (this.pendingTimer !== undefined) clearTimeout(this.pendingTimer);
    this.pendingTimer = setTimeout(() => void this.monitorNow(), OWN_PENDING_RETRY_MS);
    return true;
  }

  /** Alerts for versions we did not publish, except the baseline of a label seen for the first time. */
  private report(alerts: readonly TransparencyAlert[], baseline: ReadonlySet<LabelKind>): void {
    for (const alert of alerts) {
      if (baseline.has(alert.label)) continue;
      this.push({ kind: 'change', message: capitalise(alert.message), at: alert.at });
    }
  }

  /**
   * The log stopped advancing as far as this device can check (no fresh countersigned
   * checkpoint: the server stopped its log, or its auditor stopped countersigning). Nothing
   * new is trusted meanwhile; the user is told once until a round succeeds again.
   */
  private alertStale(): void {
    if (this.staleAlerted) return;
    this.staleAlerted = true;
    this.push({ kind: 'stale', message: "The key-transparency log's latest checkpoint is older than this device accepts: the server stopped its log or its auditor stopped countersigning. New contacts and devices cannot be checked and are not added until it is fresh again." });
  }

  private push(alert: Omit<OwnAlert, 'id'>): void {
    this.alerts = [...this.alerts.slice(-(MAX_TRANSPARENCY_ALERTS - 1)), { id: ++this.alertId, ...alert }];
  }

  /**
   * Once the username label's value is known, our account id is too: the client is built
   * again with the account label (where device lists live) and monitors it at once.
   */
  private async learnAccountId(client: TransparencyClient): Promise<TransparencyClient | undefined> {
    if (this.accountId !== undefined) return undefined;
    const own = client.exportState().ownLabels.find((s) => labelKind(s.label) === 'username');
    if (own?.knownValue === undefined) return undefined;
    this.accountId = toHex(decodeUsernameValue(own.knownValue).accountId);
    this.state = client.exportState();
    const rebuilt = this.build();
    this.client = rebuilt;
    const before = rebuilt.exportState();
    const fresh = new Set(before.ownLabels.filter((s) => s.knownVersion === undefined).map((s) => labelKind(s.label)));
    this.report(await rebuilt.monitorOwn(), fresh);
    return rebuilt;
  }

  /** The client, once the Configuration is pinned and the saved state read (undefined: not now). */
  private ready(): Promise<TransparencyClient | undefined> {
    if (this.client !== undefined) return Promise.resolve(this.client);
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<TransparencyClient | undefined> {
    const settings = this.options.stores.settings;
    const pinned = await settings.get(CONFIG_SETTING);
    let served: Uint8Array | undefined;
    try {
      served = await fetchConfiguration(this.options.baseUrl);
    } catch (error) {
      if (pinned === undefined) {
        this.ownStatus = { state: 'failed', checkedAt: Date.now(), reason: reasonOf(error) };
        return undefined;
      }
    }
    let bytes: Uint8Array;
    if (pinned === undefined) {
      bytes = served!;
      decodeConfigurationWire(bytes); // only a valid Configuration is pinned
      await settings.put(CONFIG_SETTING, { version: 1, data: bytes });
    } else {
      bytes = pinned.data;
      if (served !== undefined && !sameBytes(served, bytes)) {
        this.push({ kind: 'configuration', message: "The server's key-transparency configuration is not the one this device pinned. Its log cannot be checked; do not trust new keys until this is explained." });
      }
    }
    this.config = decodeConfigurationWire(bytes) as Configuration;
    const freshness = await settings.get(FRESHNESS_SETTING);
    if (freshness !== undefined) {
      try {
        this.maxCheckpointAgeMs = decodeFreshness(freshness.data) * 1000;
      } catch {
        // Not a record we wrote: the bound only tightens the log's own, which still applies.
      }
    }
    const saved = await settings.get(STATE_SETTING);
    if (saved !== undefined) {
      try {
        const record = decodeTransparencyRecord(saved.data);
        this.state = record.state;
        this.accountId = record.accountId ?? this.accountId;
      } catch {
        // Not a record we wrote: monitoring starts again from the log's history (baseline).
      }
    }
    this.client = this.build();
    return this.client;
  }

  private build(): TransparencyClient {
    const config = this.config!;
    const accountId = this.accountId === undefined ? undefined : fromHex(this.accountId);
    const state = this.state;
    const client = new TransparencyClient({
      baseUrl: this.options.baseUrl,
      provider: this.options.provider,
      config,
      // Every configured auditor, as the relay requires by default (--kt-required-auditors all).
      requiredAuditors: configuredAuditorKeys(config).length,
      ownUsername: this.options.username,
      ...(accountId === undefined ? {} : { ownAccountId: accountId }),
      token: this.options.token,
      ...(this.maxCheckpointAgeMs === undefined ? {} : { maxCheckpointAgeMs: this.maxCheckpointAgeMs }),
      onFork: (evidence) => {
        this.forks.push(evidence);
        this.push({ kind: 'fork', message: `The key-transparency log showed two different histories (sizes ${evidence.first.treeSize} and ${evidence.second.treeSize}): the server is not showing everyone the same keys. Keep this device's evidence and tell the server's operator.` });
        this.options.onChange();
      },
      ...(state === undefined ? {} : { state }),
    });
    for (const value of this.ownValues) client.recordOwnChange(value);
    return client;
  }

  private async save(): Promise<void> {
    const client = this.client;
    if (client === undefined || this.stopped) return;
    this.state = client.exportState();
    const data = encodeTransparencyRecord({ state: this.state, accountId: this.accountId });
    await this.options.stores.settings.put(STATE_SETTING, { version: TRANSPARENCY_RECORD_VERSION, data }).catch(() => undefined);
  }
}

async function fetchConfiguration(baseUrl: string): Promise<Uint8Array> {
  const response = await fetch(`${baseUrl}/v1/kt/config`, { signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS), credentials: 'omit', cache: 'no-store' });
  if (!response.ok) throw new TransparencyError('unavailable', `configuration: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > KT_MAX_CONFIGURATION_BYTES) throw new TransparencyError('malformed', `configuration of ${bytes.length} octets`);
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A failure as a short reason for the screen (codes and sizes, never key bytes). */
export function reasonOf(error: unknown): string {
  if (error instanceof TransparencyError) return `${error.code}: ${error.detail}`;
  return error instanceof Error ? error.name : 'unknown error';
}
