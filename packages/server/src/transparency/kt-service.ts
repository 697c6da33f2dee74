/**
 * The transparency service: keeps the in-memory prover (kt/proof/prover.ts) in step with
 * storage, closes an epoch every `epochMs` (a heartbeat when nothing changed) with every
 * account registration and device-list change since the last one, and answers the
 * /v1/kt/* endpoints with wire bytes (docs/key-transparency.md, "Wire contract").
 *
 * Changes are found by comparing each account's device_list_version with the version last
 * logged (kt_accounts), so the accounts code needs no hook and a crash between a change and
 * its epoch loses nothing. The prover is rebuilt from storage in the background at start:
 * the server accepts connections at once and the kt endpoints answer `unavailable` until
 * the rebuild is done.
 */
import { KT_128_SHA256_ED25519, type Configuration } from '@sealed/kt/checkpoint/configuration';
import { treeHeadPublicKey } from '@sealed/kt/checkpoint/tree-head';
import { accountLabel, encodeAccountValue, encodeUsernameValue, usernameLabel } from '@sealed/kt/labels/labels';
import { KtProver } from '@sealed/kt/proof/prover';
import { ProverError } from '@sealed/kt/proof/prover-error';
import { vrfPublicKey } from '@sealed/kt/vrf/ecvrf';
import { fromHex } from '@sealed/protocol/encoding';
import { DecodeError } from '@sealed/protocol/binary/decode-error';
import { decodeAuditorTreeHead, encodeAuditPage } from '@sealed/protocol/transparency/audit';
import { encodeCheckpointResponse, encodeConsistencyResponse } from '@sealed/protocol/transparency/checkpoint';
import { encodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import { KT_MAX_AUDIT_PAGE_EPOCHS, KT_MAX_INSERTS_PER_EPOCH } from '@sealed/protocol/transparency/limits';
import { decodeMonitorRequest, encodeMonitorResponse } from '@sealed/protocol/transparency/monitor';
import { decodeSearchRequest, encodeSearchResponse } from '@sealed/protocol/transparency/search';
import { ServerError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Caller } from '../services/deps.ts';
import type { KtStore } from './kt-store.ts';

export interface TransparencyOptions {
  /** How often an epoch closes (ms); default 60,000. */
  readonly epochMs: number;
  /** Ed25519 keys of the auditors whose countersignatures are accepted (any order). */
  readonly auditorKeys: readonly Uint8Array[];
  /** Countersignatures a size needs before it is served; default: every configured auditor. */
  readonly requiredAuditors?: number;
  /** Configuration bounds (ms) clients enforce. */
  readonly maxAhead?: number;
  readonly maxBehind?: number;
  readonly maxAuditorLag?: number;
}

export interface TransparencyDeps {
  readonly store: KtStore;
  readonly now: () => number;
  readonly random: (n: number) => Uint8Array;
  readonly log: Logger;
}

/** Epochs replayed per storage read while rebuilding. */
const RESTORE_BATCH = 256;
/** Accounts per epoch: each adds at most two keys, so an epoch stays within KT_MAX_INSERTS_PER_EPOCH. */
const MAX_ACCOUNTS_PER_EPOCH = KT_MAX_INSERTS_PER_EPOCH / 2;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Maps a core or decode error to the wire's error table. */
function toWire(error: unknown): never {
  if (error instanceof DecodeError) throw new ServerError('bad-request', error.message);
  if (error instanceof ProverError) {
    if (error.code === 'unknown-label' || error.code === 'unknown-size') throw new ServerError('not-found', error.code);
    if (error.code === 'bad-countersignature') throw new ServerError('invalid-signature', error.detail);
    if (error.code === 'last-ahead' || error.code === 'known-ahead') throw new ServerError('bad-request', error.code);
  }
  throw error;
}

export class TransparencyService {
  private prover: KtProver | undefined;
  private loggedVersions = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  readonly ready: Promise<void>;
  readonly config: Configuration;
  private readonly required: number;

  private constructor(
    private readonly deps: TransparencyDeps,
    private readonly options: TransparencyOptions,
    private readonly secret: { signingKey: Uint8Array; vrfKey: Uint8Array },
  ) {
    const auditors = [...options.auditorKeys].sort(compareBytes);
    const base = {
      ciphersuite: KT_128_SHA256_ED25519,
      signaturePublicKey: treeHeadPublicKey(secret.signingKey),
      vrfPublicKey: vrfPublicKey(secret.vrfKey),
      maxAhead: options.maxAhead ?? 5 * 60_000,
      maxBehind: options.maxBehind ?? Math.max(10 * 60_000, 5 * options.epochMs),
      reasonableMonitoringWindow: 7 * 24 * 3600_000,
    };
    this.config =
      auditors.length === 0
        ? { ...base, mode: { kind: 'contactMonitoring' } }
        : {
            ...base,
            mode: {
              kind: 'thirdPartyAuditing',
              maxAuditorLag: options.maxAuditorLag ?? Math.max(10 * 60_000, 5 * options.epochMs),
              auditorStartPos: 0,
              auditorPublicKey: new Uint8Array(auditors.flatMap((k) => [...k])),
            },
          };
    this.required = options.requiredAuditors ?? auditors.length;
    this.ready = this.restore();
  }

  /** Loads (or creates) the log's keys and starts rebuilding in the background. */
  static async open(deps: TransparencyDeps, options: TransparencyOptions): Promise<TransparencyService> {
    const secret = await deps.store.loadOrCreateKeys({ signingKey: deps.random(32), vrfKey: deps.random(32) });
    return new TransparencyService(deps, options, secret);
  }

  private async restore(): Promise<void> {
    const prover = new KtProver({ config: this.config, signingKey: this.secret.signingKey, vrfSecretKey: this.secret.vrfKey });
    for (;;) {
      const batch = await this.deps.store.loadEpochs(prover.size, RESTORE_BATCH);
      for (const record of batch) prover.restoreEpoch(record);
      if (batch.length < RESTORE_BATCH) break;
      // Let requests and timers run between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    for (const c of await this.deps.store.loadCountersignatures()) if (c.treeSize <= prover.size) prover.recordCountersignature(c);
    this.loggedVersions = await this.deps.store.loadLoggedVersions();
    this.prover = prover;
  }

  /** Starts the epoch timer (unref'd: it never keeps the process alive). */
  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.epochMs);
    this.timer.unref();
  }

  /** Closes one epoch now (the timer calls this; tests too). Runs one at a time. */
  tick(): Promise<void> {
    const run = this.running.then(() => this.closeEpoch()).catch((error: unknown) => {
      this.deps.log.log('error', 'transparency epoch failed', { event: 'kt-epoch-error', reason: error instanceof Error ? error.name : 'unknown' });
    });
    this.running = run;
    return run;
  }

  private async closeEpoch(): Promise<void> {
    await this.ready;
    const prover = this.prover;
    if (prover === undefined || this.closed) return;
    // Another node may have written epochs: catch up first.
    for (const record of await this.deps.store.loadEpochs(prover.size, RESTORE_BATCH)) prover.restoreEpoch(record);
    const changed: string[] = [];
    for (const [id, version] of await this.deps.store.accountVersions()) {
      if ((this.loggedVersions.get(id) ?? -1) < version) changed.push(id);
      if (changed.length === MAX_ACCOUNTS_PER_EPOCH) break;
    }
    const snapshots = await this.deps.store.accountSnapshots(changed);
    const updates: { label: Uint8Array; value: Uint8Array }[] = [];
    for (const s of snapshots) {
      const id = fromHex(s.accountId);
      if (id === undefined) continue;
      updates.push({ label: accountLabel(id), value: encodeAccountValue(s.deviceList) });
      // The username label gets a version whenever its binding changes: at registration, and
      // if the account row's identity key is ever replaced (the accounts API never does; an
      // operator writing storage does). Both labels then agree, so a contact accepts the new
      // key as the logged latest version and the owner's monitoring of either label alerts.
      const binding = encodeUsernameValue({ accountId: id, identityKey: s.identityKey });
      const uLabel = usernameLabel(s.username);
      const versions = prover.versionsOf(uLabel);
      const latest = versions[versions.length - 1];
      if (latest === undefined || compareBytes(latest.value, binding) !== 0) updates.push({ label: uLabel, value: binding });
    }
    const last = prover.size === 0 ? 0 : prover.timestampAt(prover.size - 1);
    const prepared = prover.prepareEpoch(Math.max(this.deps.now(), last), updates, this.deps.random);
    const logged = snapshots.map((s) => ({ accountId: s.accountId, deviceListVersion: s.deviceListVersion }));
    if (!(await this.deps.store.saveEpoch(prepared.record, logged))) return; // another node won this position
    prover.applyEpoch(prepared);
    for (const l of logged) this.loggedVersions.set(l.accountId, l.deviceListVersion);
  }

  private async proverOrUnavailable(): Promise<KtProver> {
    if (this.prover === undefined) throw new ServerError('unavailable', 'transparency log is loading');
    return this.prover;
  }

  private async served(): Promise<{ prover: KtProver; size: number }> {
    const prover = await this.proverOrUnavailable();
    const size = prover.servedSize(this.required);
    if (size === 0) throw new ServerError('unavailable', 'no countersigned checkpoint yet');
    return { prover, size };
  }

  /** The log's size and served size (metrics, tests). */
  status(): { size: number; served: number; keys: number } {
    const p = this.prover;
    return p === undefined ? { size: 0, served: 0, keys: 0 } : { size: p.size, served: p.servedSize(this.required), keys: p.keyCount };
  }

  configBytes(): Uint8Array {
    return encodeConfigurationWire(this.config);
  }

  async checkpoint(last: number | undefined): Promise<Uint8Array> {
    const { prover, size } = await this.served();
    if (last !== undefined && last > size) throw new ServerError('bad-request', 'last is beyond the served tree');
    return encodeCheckpointResponse(prover.checkpoint(size, last));
  }

  async consistency(from: number, to: number): Promise<Uint8Array> {
    const { prover, size } = await this.served();
    if (!(from > 0 && from < to && to <= size)) throw new ServerError('bad-request', 'needs 0 < from < to <= served size');
    return encodeConsistencyResponse({ proof: prover.consistency(from, to) });
  }

  async search(body: Uint8Array): Promise<Uint8Array> {
    try {
      const request = decodeSearchRequest(body);
      const { prover, size } = await this.served();
      if (request.last !== undefined && request.last > size) throw new ServerError('bad-request', 'last is beyond the served tree');
      // A fixed-version search: any logged version, as public as the latest one (a contact
      // checks a device against the list that was current when it joined a group).
      if (request.version !== undefined) return encodeSearchResponse(prover.searchVersion(request.label, request.version, size, request.last));
      return encodeSearchResponse(prover.search(request.label, size, request.last));
    } catch (error) {
      return toWire(error);
    }
  }

  /** Owners only: the caller's account label, or the username label bound to the caller's account. */
  async monitor(caller: Caller, body: Uint8Array): Promise<Uint8Array> {
    try {
      const request = decodeMonitorRequest(body);
      const { prover, size } = await this.served();
      const id = fromHex(caller.accountId);
      const own = id !== undefined && compareBytes(request.label, accountLabel(id)) === 0;
      const versions = prover.versionsOf(request.label);
      const boundToCaller = versions.some((v) => v.label[0] === 0x02 && id !== undefined && compareBytes(v.value.subarray(1, 17), id) === 0);
      // A label with no version yet (a username registered since the last epoch) is not
      // found, as in search, so its owner's first monitoring waits for the epoch instead of
      // being refused; whether a label has versions is public through search anyway.
      if (!own && versions.length > 0 && !boundToCaller) throw new ServerError('forbidden', 'only the owner monitors a label');
      if (request.last !== undefined && request.last > size) throw new ServerError('bad-request', 'last is beyond the served tree');
      return encodeMonitorResponse(prover.monitor(request.label, size, request.knownVersion, request.last));
    } catch (error) {
      return toWire(error);
    }
  }

  async audit(start: number): Promise<Uint8Array> {
    const prover = await this.proverOrUnavailable();
    // start = size is a caught-up follower's poll: an empty page, not an error (the auditor's loop relies on it).
    if (start > prover.size) throw new ServerError('not-found', 'no epoch at this position yet');
    const epochs = await this.deps.store.auditEpochs(start, KT_MAX_AUDIT_PAGE_EPOCHS, KT_MAX_INSERTS_PER_EPOCH);
    const visible = epochs.filter((e) => e.position < prover.size);
    return encodeAuditPage({ treeSize: prover.size, epochs: visible });
  }

  async countersign(body: Uint8Array): Promise<void> {
    try {
      const head = decodeAuditorTreeHead(body);
      const prover = await this.proverOrUnavailable();
      if (prover.acceptCountersignature(head)) await this.deps.store.saveCountersignature(head);
    } catch (error) {
      toWire(error);
    }
  }

  /** Stops the timer and waits for a running epoch. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.running;
    await this.ready.catch(() => undefined);
  }
}
