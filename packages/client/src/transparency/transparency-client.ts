/**
 * Key transparency for one signed-in device, over HTTP (kt-http.ts) and the pure checks of
 * this folder: contacts verified at first contact and before any of their devices is added
 * to a group (`verifyContact`, and `vouched` for the engine's Directory), the owner's labels
 * monitored at start-up, periodically and after each own change (`monitorOwn`), checkpoints
 * gossiped in messages (`gossipCheckpoint`, `checkGossip`), and a status per contact for
 * `sealed verify` and the web client (`statusOf`).
 *
 * Requests run one at a time: each response is verified against the checkpoint retained
 * from the one before, and only a response that verified completely replaces it.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { accountLabel, usernameLabel } from '@sealed/kt/labels/labels';
import { compareGossip, encodeGossipCheckpoint, resolveGossip, type GossipOutcome } from './checkpoint-gossip.ts';
import { verifyContactAccount, type VerifiedAccount } from './contact-verify.ts';
import { KtHttp } from './kt-http.ts';
import { monitorOwnLabel, OwnChanges, type OwnLabelState, type TransparencyAlert } from './owner-monitor.ts';
import { signedOf, type RetainedCheckpoint } from './retained-checkpoint.ts';
import { trustPolicy } from './trust-policy.ts';
import { type ForkEvidence, TransparencyError, type TransparencyErrorCode } from './transparency-error.ts';
import { VouchedLists } from './vouched-lists.ts';
import { newerDevices } from './newer-list.ts';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import type { TransparencyHook } from './transport-hook.ts';
import { MAX_FORMER_LIST_SEARCHES, verifyFormerList } from './former-lists.ts';
import { normaliseUsername } from '@sealed/protocol/username';
import { toHex } from '@sealed/protocol/encoding';

/** Monitoring rounds one `monitorOwn` call makes per label at most (each reveals up to 32 versions). */
export const MAX_MONITOR_ROUNDS = 8;

export interface TransparencyClientOptions {
  readonly baseUrl: string;
  readonly provider: CryptoProvider;
  /** The log's Configuration, pinned by the client. */
  readonly config: Configuration;
  /** Distinct configured auditors a checkpoint needs. */
  readonly requiredAuditors: number;
  readonly ownUsername: string;
  /** Our account id (its label is monitored); without it only the username label is. */
  readonly ownAccountId?: Uint8Array;
  /** The current session token (search and monitor are authenticated). */
  readonly token: () => Uint8Array | undefined;
  readonly clock?: () => number;
  /** Called for every version of an own label this device did not publish. */
  readonly onAlert?: (alert: TransparencyAlert) => void;
  /** Called when the log is caught forked (by this client or through gossip). */
  readonly onFork?: (evidence: ForkEvidence) => void;
  /**
   * The client's own freshness bound (ms): a checkpoint whose latest entry is older is
   * refused as `stale-checkpoint`, even within the Configuration's max_behind (which the
   * log signs, so a client cannot tighten it there). Default: max_behind.
   */
  readonly maxCheckpointAgeMs?: number;
  /** State saved by `exportState` (retained checkpoint, own labels, own values). */
  readonly state?: TransparencyState;
}

/** What a host persists between runs, so a restart neither re-alerts nor forgets the checkpoint. */
export interface TransparencyState {
  readonly checkpoint: RetainedCheckpoint | undefined;
  readonly ownLabels: readonly OwnLabelState[];
  readonly ownValues: readonly Uint8Array[];
}

/** A served device list checked against the log: the logged list to use, and the served list's devices the log does not show yet. */
export interface VouchedServedList {
  readonly deviceList: Uint8Array;
  /** Hex ids of devices in a newer list of the same identity key that is not logged yet. */
  readonly pending: readonly string[];
}

/** What `sealed verify <user>` shows beside the safety number. */
export type ContactTransparencyStatus =
  | { readonly state: 'verified'; readonly treeSize: number; readonly checkedAt: number; readonly identityKey: Uint8Array; readonly deviceCount: number; readonly listVersion: number }
  | { readonly state: 'failed'; readonly code: TransparencyErrorCode; readonly detail: string; readonly checkedAt: number }
  | { readonly state: 'not-checked' };

export class TransparencyClient implements TransparencyHook {
  readonly vouched: VouchedLists;
  readonly own: OwnChanges;
  private readonly http: KtHttp;
  private readonly clock: () => number;
  private retained: RetainedCheckpoint | undefined;
  private ownStates: OwnLabelState[];
  private readonly statuses = new Map<string, ContactTransparencyStatus>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The token the transport last used (it signs in again after reconnects). */
  private sessionToken: Uint8Array | undefined;
  /** Evidence of forks seen so far (kept for the user to export). */
  readonly forks: ForkEvidence[] = [];

  constructor(private readonly options: TransparencyClientOptions) {
    trustPolicy(options.config, options.requiredAuditors); // refuses a policy the Configuration cannot meet
    this.http = new KtHttp(options.baseUrl, () => this.sessionToken ?? options.token());
    this.clock = options.clock ?? Date.now;
    this.vouched = new VouchedLists(options.ownUsername);
    this.own = new OwnChanges(options.state?.ownValues ?? []);
    this.ownStates = [{ label: usernameLabel(options.ownUsername) }];
    if (options.ownAccountId !== undefined) this.ownStates.push({ label: accountLabel(options.ownAccountId) });
    const saved = options.state;
    if (saved !== undefined) {
      this.retained = saved.checkpoint;
      // Only states of our own labels are taken back (a state for another label is ignored).
      this.ownStates = this.ownStates.map((fresh) => saved.ownLabels.find((s) => hashEquals(s.label, fresh.label)) ?? fresh);
      for (const s of this.ownStates) if (s.knownValue !== undefined) this.vouched.recordOwnLogged(s.label, s.knownValue);
    }
  }

  /** The state to persist (after each call that may have changed it). */
  exportState(): TransparencyState {
    return { checkpoint: this.retained, ownLabels: this.ownStates.map((s) => ({ ...s })), ownValues: this.own.list() };
  }

  /** Refuses a verified checkpoint older than the client's own bound (before anything is retained). */
  private requireFresh(checkpoint: RetainedCheckpoint): void {
    const bound = this.options.maxCheckpointAgeMs;
    if (bound !== undefined && this.clock() - checkpoint.timestamp > bound) {
      throw new TransparencyError('stale-checkpoint', `latest entry is ${this.clock() - checkpoint.timestamp} ms old (client bound ${bound})`);
    }
  }

  private policy() {
    return { config: this.options.config, requiredAuditors: this.options.requiredAuditors, now: this.clock() };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private fork(error: unknown): void {
    if (error instanceof TransparencyError && error.evidence !== undefined) {
      this.forks.push(error.evidence);
      this.options.onFork?.(error.evidence);
    }
  }

  /** The checkpoint this client trusts now (undefined before its first verified response). */
  get checkpoint(): RetainedCheckpoint | undefined {
    return this.retained;
  }

  /**
   * Verifies `username`'s account and device list in the log (and that `servedDeviceList`,
   * when given, is that list); on success the Directory may learn it.
   * @throws {TransparencyError} on any failure; the status records it.
   */
  verifyContact(username: string, servedDeviceList?: Uint8Array, token?: Uint8Array): Promise<VerifiedAccount> {
    if (token !== undefined) this.sessionToken = token.slice();
    return this.serial(async () => {
      try {
        const u = await this.http.search(usernameLabel(username), this.retained?.treeSize);
        // The second search names the size the first one showed, so both prove against one checkpoint.
        const sizeAfterU = u.fullTreeHead.headType === 'updated' ? u.fullTreeHead.treeHead.treeSize : this.retained?.treeSize;
        const binding = u.value.length === 49 ? u.value.slice(1, 17) : new Uint8Array(16);
        const a = await this.http.search(accountLabel(binding), sizeAfterU);
        const verified = verifyContactAccount(this.options.provider, this.policy(), this.retained, username, u, a, servedDeviceList);
        this.requireFresh(verified.checkpoint);
        this.retained = verified.checkpoint;
        this.vouched.record(verified);
        this.statuses.set(verified.username, {
          state: 'verified',
          treeSize: verified.checkpoint.treeSize,
          checkedAt: this.clock(),
          identityKey: verified.identityKey,
          deviceCount: verified.deviceList.devices.length,
          listVersion: verified.deviceList.version,
        });
        return verified;
      } catch (error) {
        this.fork(error);
        if (error instanceof TransparencyError) this.statuses.set(username.toLowerCase(), { state: 'failed', code: error.code, detail: error.detail, checkedAt: this.clock() });
        throw error;
      }
    });
  }

  /**
   * The device list the server served for `username`, checked against the log (the
   * transport's hook: transport-hook.ts). The logged list is what the engine may learn. A
   * served list that is a newer list of the same identity key, correctly signed, is a
   * device linked since the last epoch: its new devices are `pending`, not an error.
   * @throws {TransparencyError} as verifyContact; `not-in-log` for a served list that is
   *   neither the logged one nor such a newer list.
   */
  async vouchServedList(username: string, served: Uint8Array, token?: Uint8Array): Promise<VouchedServedList> {
    const verified = await this.verifyContact(username, undefined, token);
    if (served.length === verified.signedDeviceList.length && hashEquals(served, verified.signedDeviceList)) return { deviceList: verified.signedDeviceList, pending: [] };
    const pending = newerDevices(this.options.provider, verified, served);
    if (pending === undefined) {
      const error = new TransparencyError('not-in-log', 'the device list the server served is not the one in the log');
      this.statuses.set(verified.username, { state: 'failed', code: error.code, detail: error.detail, checkedAt: this.clock() });
      throw error;
    }
    return { deviceList: verified.signedDeviceList, pending };
  }

  /**
   * Earlier logged lists of `username` that name devices of `deviceIds` its latest verified
   * list does not (a device added and removed again while we were offline): fixed-version
   * searches from the latest version down, at most MAX_FORMER_LIST_SEARCHES, stopping once
   * every device is found. Each list found is vouched for (`vouched.vouchesFormer`).
   * Requires `username` verified before (vouchServedList or verifyContact).
   * @throws {TransparencyError} when a proof fails (a fork is reported as by verifyContact).
   */
  formerListsNaming(username: string, deviceIds: readonly string[], token?: Uint8Array): Promise<Uint8Array[]> {
    if (token !== undefined) this.sessionToken = token.slice();
    return this.serial(async () => {
      const normalised = normaliseUsername(username);
      const account = normalised.ok ? this.vouched.get(normalised.username) : undefined;
      if (account === undefined) return [];
      const latest = new Set(account.deviceList.devices.map((d) => toHex(d.deviceId)));
      const wanted = new Set(deviceIds.filter((id) => !latest.has(id)));
      const found: Uint8Array[] = [];
      try {
        for (let version = account.accountVersion - 1; version >= 0 && wanted.size > 0 && account.accountVersion - version <= MAX_FORMER_LIST_SEARCHES; version--) {
          const response = await this.http.search(accountLabel(account.accountId), this.retained?.treeSize, version);
          const former = verifyFormerList(this.options.provider, this.policy(), this.retained, account, version, response);
          this.requireFresh(former.checkpoint);
          this.retained = former.checkpoint;
          const named = former.deviceList.devices.map((d) => toHex(d.deviceId)).filter((id) => wanted.has(id));
          if (named.length === 0) continue;
          for (const id of named) wanted.delete(id);
          this.vouched.recordFormer(account.username, former.signedDeviceList);
          found.push(former.signedDeviceList);
        }
      } catch (error) {
        this.fork(error);
        throw error;
      }
      return found;
    });
  }

  /** The transparency status of a contact, for `sealed verify <user>` and the web client. */
  statusOf(username: string): ContactTransparencyStatus {
    return this.statuses.get(username.toLowerCase()) ?? { state: 'not-checked' };
  }

  /** Records a value this device is about to publish (a device list), so it never alerts. */
  recordOwnChange(value: Uint8Array): void {
    this.own.record(value);
  }

  /**
   * Monitors both own labels until every new version is seen; alerts for versions this
   * device did not publish. The first round after start-up sees every version from 0:
   * call `recordOwnChange` for the values this device published before.
   * @throws {TransparencyError} when the log cannot prove its history (no alert is then
   *   possible; the caller shows the failure).
   */
  monitorOwn(): Promise<TransparencyAlert[]> {
    return this.serial(async () => {
      const alerts: TransparencyAlert[] = [];
      try {
        const states: OwnLabelState[] = [];
        for (const initial of this.ownStates) {
          let state = initial;
          for (let round = 0; round < MAX_MONITOR_ROUNDS; round++) {
            const response = await this.http.monitor(state.label, state.knownVersion, this.retained?.treeSize);
            const r = monitorOwnLabel(this.options.provider, this.policy(), this.retained, state, response, this.own);
            this.requireFresh(r.checkpoint);
            this.retained = r.checkpoint;
            state = r.state;
            alerts.push(...r.alerts);
            if (!r.more) break;
          }
          states.push(state);
        }
        this.ownStates = states;
        for (const st of states) if (st.knownValue !== undefined) this.vouched.recordOwnLogged(st.label, st.knownValue);
      } catch (error) {
        this.fork(error);
        throw error;
      } finally {
        for (const a of alerts) this.options.onAlert?.(a);
      }
      return alerts;
    });
  }

  /** Monitors at once and then every `intervalMs` (failures reach `onError`). */
  startMonitoring(intervalMs: number, onError: (error: unknown) => void): void {
    this.stopMonitoring();
    const round = () => void this.monitorOwn().catch(onError);
    round();
    this.timer = setInterval(round, intervalMs);
  }

  stopMonitoring(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The checkpoint to carry in the next message (undefined before the first verification). */
  gossipCheckpoint(): Uint8Array | undefined {
    return this.retained === undefined ? undefined : encodeGossipCheckpoint(signedOf(this.retained));
  }

  /**
   * Checks a checkpoint a peer carried in a message against ours; a fork is reported to
   * `onFork` with both signed checkpoints and returned.
   * @throws {TransparencyError} `malformed` / `bad-log-signature` for a checkpoint the log did not sign.
   */
  checkGossip(bytes: Uint8Array): Promise<GossipOutcome> {
    return this.serial(async () => {
      const ours = this.retained;
      if (ours === undefined) return { kind: 'consistent' } as const;
      let outcome = compareGossip(trustPolicy(this.options.config, 0), signedOf(ours), bytes);
      if (outcome.kind === 'need-consistency') outcome = resolveGossip(signedOf(ours), outcome.theirs, await this.http.consistency(outcome.from, outcome.to));
      if (outcome.kind === 'fork') {
        this.forks.push(outcome.evidence);
        this.options.onFork?.(outcome.evidence);
      }
      return outcome;
    });
  }
}
