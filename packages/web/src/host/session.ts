/**
 * The web client's life cycle on one device: no vault yet -> create account; locked ->
 * unlock (attempts counted and the wipe done by the vault, exactly as in the CLI); unlocked
 * -> the engine restored from the vault's records, the browser transport signed in, the
 * chat model loaded. Locking drops the engine, the socket and every key from memory.
 *
 * The UI reads `phase` and the model and calls the methods; it subscribes for changes.
 */
import type { Action } from '@sealed/client/engine/actions';
import { Engine } from '@sealed/client/engine/engine';
import { EngineError } from '@sealed/client/engine/errors';
import { AttachmentError } from '@sealed/client/features/attachments/errors';
import type { WriteBatches } from '@sealed/client/store/vault-stores';
import type { RecordStore } from '@sealed/client/transport/engine-step';
import { VaultRecordStore } from '@sealed/client/transport/vault-record-store';
import { VaultError } from '@sealed/client/vault/errors';
import { decodeHeader } from '@sealed/client/vault/header';
import type { ContactTransparencyStatus } from '@sealed/client/transparency/transparency-client';
import type { TransparencyHook } from '@sealed/client/transparency/transport-hook';
import { Vault } from '@sealed/client/vault/vault';
import type { VaultStorage } from '@sealed/client/vault/vault-storage';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { fromHex } from '@sealed/protocol/encoding';
import { downloadFile, type ProgressListener, uploadFile } from './browser-attachments.ts';
import { BrowserTransport } from './browser-transport.ts';
import { attachmentOf, type StoredAttachment } from './views.ts';
import { ChatModel } from './chat-model.ts';
import { VaultDatabaseError } from './idb.ts';
import { IndexedDbVaultStorage } from './idb-vault-storage.ts';
import { encodeFreshness, FRESHNESS_RECORD_VERSION, FRESHNESS_SETTING, FreshnessError } from './kt-freshness.ts';
import { PendingDevices } from './pending-devices.ts';
import { WebTransparency } from './web-transparency.ts';

export type Phase =
  | { readonly kind: 'starting' }
  /** The vault's storage did not answer in time or refused: an error screen with a retry. */
  | { readonly kind: 'start-failed'; readonly reason: StartFailure }
  | { readonly kind: 'welcome' }
  | { readonly kind: 'locked'; readonly attemptsRemaining: number; readonly maxAttempts: number }
  | { readonly kind: 'wiped' }
  | { readonly kind: 'needs-account' }
  /** A new device showing its link code until an existing device approves it. */
  | { readonly kind: 'linking'; readonly offer: LinkOffer | undefined }
  | { readonly kind: 'ready' };

/**
 * Longest wait for the start-up header read (IndexedDB open and one get; milliseconds on a
 * healthy browser). Past it the app shows an error screen with a retry instead of
 * "Starting…" forever (an open waits without end while another tab holds the database
 * against a pending upgrade).
 */
export const START_TIMEOUT_MS = 10_000;

/**
 * Why start-up failed: `blocked` our open waits for another tab; `timeout` storage did not
 * answer in time; `newer-version` another tab runs a newer Sealed; `unavailable` IndexedDB
 * refused (private mode, disabled storage); `damaged` the stored header does not decode.
 */
export type StartFailure = 'blocked' | 'timeout' | 'newer-version' | 'unavailable' | 'damaged';

/** The vault storage plus what start-up and pagehide use when it has them (IndexedDB does). */
export type BrowserVaultStorage = VaultStorage & { readonly blocked?: boolean; close?(): void };

/** Clock ticks for the engine (self-update schedule): every 30 s is plenty for a 24 h rule. */
export const TICK_INTERVAL_MS = 30_000;
/** Give-up bound for a pending contact device while the log's max_behind is not known. */
const DEFAULT_PENDING_GIVE_UP_MS = 10 * 60_000;
/** Own device lists kept before the account exists (registration publishes one). */
const MAX_OWN_BEFORE_TRANSPARENCY = 8;
/** Most notices kept on screen; older ones are dropped. */
export const MAX_NOTICES = 20;

export interface LinkOffer {
  readonly code: string;
  readonly verificationCode: string;
  readonly expiresAt: number;
}

/** Ticks while a new device waits to be linked: the engine polls the link mailbox on each. */
export const LINK_TICK_MS = 1_000;

export interface Notice {
  readonly id: number;
  readonly level: 'info' | 'warning' | 'error';
  readonly text: string;
}

const provider = nobleProvider;

export class Session {
  phase: Phase = { kind: 'starting' };
  online = false;
  username: string | undefined;
  deviceId: string | undefined;
  model: ChatModel | undefined;
  notices: Notice[] = [];
  /** Counts changes, so a view that subscribed late can tell it missed one (use-session.ts). */
  revision = 0;
  private vault: Vault | undefined;
  private engine: Engine | undefined;
  private transport: BrowserTransport | undefined;
  /** Key transparency of the unlocked account (undefined while locked or before the account exists). */
  transparency: WebTransparency | undefined;
  /** Own device lists published before the account (and so `transparency`) existed. */
  private ownBeforeTransparency: Uint8Array[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Contacts' devices waiting for the log, retried on ticks. */
  private pendingDevices = new PendingDevices();
  private unsubscribe: (() => void) | undefined;
  private noticeId = 0;
  private readonly listeners = new Set<() => void>();
  private linkApprovals = new Map<number, (verificationCode: string) => void>();
  private pendingIntents = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  private accountReady: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(
    private readonly storage: BrowserVaultStorage = new IndexedDbVaultStorage(),
    private readonly startTimeoutMs = START_TIMEOUT_MS,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.revision++;
    for (const listener of this.listeners) listener();
  }

  notice(level: Notice['level'], text: string): void {
    this.notices = [...this.notices.slice(-(MAX_NOTICES - 1)), { id: ++this.noticeId, level, text }];
    this.changed();
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
    this.changed();
  }

  /**
   * Reads the vault header (without counting anything) and picks the first screen; within
   * `startTimeoutMs`, else phase 'start-failed'. Never rejects. Also the retry action.
   */
  async init(): Promise<void> {
    if (this.phase.kind !== 'starting' && this.phase.kind !== 'start-failed') return;
    this.phase = { kind: 'starting' };
    this.changed();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.startTimeoutMs)));
    try {
      const first = await Promise.race([this.phaseFromHeader(), timedOut]);
      this.phase = first === 'timeout' ? { kind: 'start-failed', reason: this.storage.blocked === true ? 'blocked' : 'timeout' } : first;
    } catch (error) {
      this.phase = { kind: 'start-failed', reason: startFailureOf(error) };
    } finally {
      clearTimeout(timer);
    }
    this.changed();
  }

  /** The page is going away (pagehide): release the database so the next page never waits on it. */
  pageHidden(): void {
    this.storage.close?.();
  }

  private async phaseFromHeader(): Promise<Phase> {
    const bytes = await this.storage.readHeader();
    if (bytes === undefined) return { kind: 'welcome' };
    const header = decodeHeader(provider, bytes, 'production');
    if (header.state === 'wiped') return { kind: 'wiped' };
    return { kind: 'locked', attemptsRemaining: header.maxAttempts - header.failures, maxAttempts: header.maxAttempts };
  }

  /** After a wipe: back to the first-run screen (creating a vault over a wiped one is allowed). */
  startOver(): void {
    if (this.phase.kind !== 'wiped') return;
    this.phase = { kind: 'welcome' };
    this.changed();
  }

  /**
   * First run (or after a wipe): a new vault under `passcode` (Argon2id calibrated on this
   * device, production floor), then the account. `maxCheckpointAgeSeconds`: this device's
   * own bound on a key-transparency checkpoint's age (kt-freshness.ts), pinned in the vault
   * before anything is checked; undefined: the log's bound.
   * @throws FreshnessError (an out-of-range bound, before anything is created), VaultError,
   *   EngineError (username taken or invalid: the vault stays, unlocked, and the phase
   *   becomes 'needs-account')
   */
  async createAccount(username: string, passcode: string, maxCheckpointAgeSeconds?: number): Promise<void> {
    const freshness = maxCheckpointAgeSeconds === undefined ? undefined : encodeFreshness(maxCheckpointAgeSeconds);
    this.vault = await Vault.create({ provider, storage: this.storage, passcode });
    if (freshness !== undefined) await this.vault.stores().settings.put(FRESHNESS_SETTING, { version: FRESHNESS_RECORD_VERSION, data: freshness });
    this.phase = { kind: 'needs-account' };
    this.changed();
    await this.register(username);
  }

  /** Registers `username` in the unlocked vault (phase 'needs-account'). @throws EngineError */
  async register(username: string): Promise<void> {
    const vault = this.vault;
    if (vault === undefined) throw new VaultError('locked', 'the vault is locked');
    const engine = new Engine({ provider, now: Date.now() });
    const started = engine.createAccount(username); // throws for an invalid name
    const ready = new Promise<void>((resolve, reject) => {
      this.accountReady = { resolve, reject };
      this.pendingIntents.set(started.intent, { resolve, reject });
    });
    await this.attach(vault, engine);
    await this.transport!.run(started.actions);
    try {
      await ready;
    } catch (error) {
      this.detach();
      throw error;
    }
    this.startTransparency(vault);
    this.phase = { kind: 'ready' };
    this.changed();
  }

  /**
   * New device of an existing account: a vault under `passcode`, then a link offer (code
   * and QR) for an existing device to approve. Resolves once linked (phase 'ready').
   * @throws VaultError; EngineError (link expired or rejected)
   */
  async linkDevice(passcode: string): Promise<void> {
    const vault = await Vault.create({ provider, storage: this.storage, passcode });
    this.vault = vault;
    const engine = new Engine({ provider, now: Date.now() });
    const started = engine.beginLink();
    const ready = new Promise<void>((resolve, reject) => {
      this.accountReady = { resolve, reject };
      this.pendingIntents.set(started.intent, { resolve, reject });
    });
    this.phase = { kind: 'linking', offer: undefined };
    this.changed();
    await this.attach(vault, engine, LINK_TICK_MS);
    await this.transport!.run(started.actions);
    try {
      await ready;
    } catch (error) {
      this.detach();
      await vault.lock();
      this.vault = undefined;
      // The vault stays (created, no account): unlocking it later asks for a username.
      this.phase = await this.phaseFromHeader();
      this.changed();
      throw error;
    }
    this.restartTicker(TICK_INTERVAL_MS);
    this.startTransparency(vault);
    this.phase = { kind: 'ready' };
    this.changed();
  }

  /** Existing device: approves the new device showing `code`. Resolves with the verification code both screens show. @throws EngineError */
  approveLink(code: string): Promise<string> {
    const { engine, transport } = this.requireEngine();
    const started = engine.approveLink(code.trim());
    const linked = new Promise<string>((resolve, reject) => {
      this.linkApprovals.set(started.intent, resolve);
      this.pendingIntents.set(started.intent, { resolve: () => undefined, reject });
    });
    void transport.run(started.actions);
    return linked;
  }

  /** This account's devices as the verified device list names them. */
  devices(): { deviceId: string; current: boolean }[] {
    return this.engine?.devices() ?? [];
  }

  removeDevice(deviceId: string): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.removeDevice(deviceId).actions);
  }

  /**
   * Unlocks with `passcode`: a wrong one is counted (the phase shows what is left); the
   * last allowed wrong one wipes the vault (phase 'wiped').
   * @throws VaultError('wrong-passcode' | 'wiped' | 'invalid-argument' | ...)
   */
  async unlock(passcode: string): Promise<void> {
    const vault = await Vault.open({ provider, storage: this.storage });
    try {
      await vault.unlock(passcode);
    } catch (error) {
      this.phase = await this.phaseFromHeader();
      this.changed();
      throw error;
    }
    this.vault = vault;
    const records = await new VaultRecordStore(vault.stores()).load();
    if (records === undefined) {
      this.phase = { kind: 'needs-account' };
      this.changed();
      return;
    }
    const engine = Engine.restore({ provider, now: Date.now() }, records);
    await this.attach(vault, engine);
    await this.model!.load();
    this.startTransparency(vault);
    this.phase = { kind: 'ready' };
    this.changed();
    await this.transport!.run(engine.start());
  }

  private restartTicker(intervalMs: number): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = setInterval(() => this.tick(), intervalMs);
  }

  /** A clock tick for the engine (deferred adds retry on it), then pending devices retried. */
  private tick(): void {
    const now = Date.now();
    void this.transport?.dispatch({ type: 'tick', now });
    const engine = this.engine;
    const transparency = this.transparency;
    if (engine === undefined || transparency === undefined) return;
    this.pendingDevices.retry(
      engine,
      now,
      transparency.maxBehindMs ?? DEFAULT_PENDING_GIVE_UP_MS,
      (started) => void this.transport?.run(started.actions),
      (message) => transparency.deviceRefused(message),
    );
  }

  private async attach(vault: Vault, engine: Engine, tickMs = TICK_INTERVAL_MS): Promise<void> {
    const stores = vault.stores();
    const model = new ChatModel(stores);
    this.engine = engine;
    this.model = model;
    this.username = engine.username;
    this.deviceId = engine.deviceId;
    this.unsubscribe = model.subscribe(() => this.changed());
    this.transport = new BrowserTransport({
      baseUrl: location.origin,
      engine,
      store: historyJoinedStore(new VaultRecordStore(stores), stores.batches, model),
      onAction: (action) => this.onAction(action),
      onFailure: (error) => this.notice('error', `Internal error: ${error instanceof Error ? error.name : 'unknown'}`),
      onOnline: (online) => {
        this.online = online;
        // Signed in: the first monitoring round needs the session token.
        if (online && this.transparency?.ownStatus.state !== 'ok') void this.transparency?.monitorNow();
        this.changed();
      },
      transparency: this.transparencyHook,
    });
    this.restartTicker(tickMs);
  }

  /**
   * The browser transport's view of key transparency: before the account exists (sign-up,
   * linking) nothing is verified yet and answers pass through; once `startTransparency`
   * ran, every contact's account answer goes through the log (fails closed).
   */
  private readonly transparencyHook: TransparencyHook = {
    vouchServedList: (username, served, token) => (this.transparency === undefined ? Promise.resolve({ deviceList: served, pending: [] }) : this.transparency.vouchServedList(username, served, token)),
    formerListsNaming: (username, deviceIds, token) => this.transparency?.formerListsNaming(username, deviceIds, token) ?? Promise.resolve([]),
    recordOwnChange: (value) => {
      if (this.transparency !== undefined) this.transparency.recordOwnChange(value);
      else if (this.ownBeforeTransparency.length < MAX_OWN_BEFORE_TRANSPARENCY) this.ownBeforeTransparency.push(value.slice());
    },
    monitorOwn: () => this.transparency?.monitorNow() ?? Promise.resolve(),
  };

  /** Starts key transparency for the account now signed in on this device (after attach). */
  private startTransparency(vault: Vault): void {
    const engine = this.engine;
    if (engine?.username === undefined) return;
    const transparency = new WebTransparency({
      baseUrl: location.origin,
      provider,
      stores: vault.stores(),
      username: engine.username,
      token: () => engine.sessionToken,
      onChange: () => this.changed(),
      ...(engine.accountId === undefined ? {} : { accountId: engine.accountId }),
    });
    for (const value of this.ownBeforeTransparency) transparency.recordOwnChange(value);
    this.ownBeforeTransparency = [];
    this.transparency = transparency;
    // Enforced from now on, as in the CLI's host: contacts' device lists only as the log
    // vouches for them (the credential validator refuses the rest), and our checkpoint
    // carried in every message we send.
    engine.requireTransparency(transparency.voucher);
    engine.setCheckpointSource(() => transparency.gossipCheckpoint());
    transparency.start();
  }

  private detach(): void {
    this.transparency?.stop();
    this.transparency = undefined;
    this.ownBeforeTransparency = [];
    this.pendingDevices = new PendingDevices();
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
    this.transport?.close();
    this.transport = undefined;
    this.unsubscribe?.();
    this.engine = undefined;
    this.model = undefined;
    this.online = false;
  }

  private onAction(action: Action): void {
    switch (action.type) {
      case 'account-ready':
        this.username = action.username;
        this.deviceId = action.deviceId;
        this.accountReady?.resolve();
        this.accountReady = undefined;
        break;
      case 'link-offer':
        this.phase = { kind: 'linking', offer: { code: action.code, verificationCode: action.verificationCode, expiresAt: action.expiresAt } };
        break;
      case 'device-linked': {
        // The approval's intent is not named in the action: resolve the oldest waiting one.
        const first = this.linkApprovals.entries().next();
        if (!first.done) {
          this.linkApprovals.delete(first.value[0]);
          this.pendingIntents.delete(first.value[0]);
          first.value[1](action.verificationCode);
        }
        this.notice('info', `Device ${action.deviceId.slice(0, 8)}… linked. Verification code: ${action.verificationCode}`);
        break;
      }
      case 'intent-failed': {
        this.linkApprovals.delete(action.intent);
        const pending = this.pendingIntents.get(action.intent);
        this.pendingIntents.delete(action.intent);
        if (pending !== undefined) pending.reject(action.error);
        else this.notice('error', this.intentFailureText(action.error));
        break;
      }
      case 'decrypt-failure':
        this.notice('warning', `A message could not be shown (${action.reason}).`);
        break;
      case 'sign-in-failed':
        this.online = false;
        break;
      case 'identity-changed':
        this.notice(action.verified ? 'error' : 'warning', `${action.username}'s identity key changed${action.verified ? ' after you verified it' : ''}. Nothing is sent to the new key until you compare safety numbers and accept it.`);
        break;
      case 'devices-pending':
        if (action.username === this.username) void this.transparency?.monitorNow(); // our own new device: see it logged sooner
        else this.pendingDevices.note(action, Date.now());
        break;
      case 'show':
        if (!action.message.outgoing && action.message.content.ktCheckpoint !== undefined) void this.transparency?.checkGossip(action.message.content.ktCheckpoint);
        break;
      case 'member-unverified':
        this.notice('warning', `Unverified device in a conversation: ${action.usernames.join(', ')}${action.left ? '. The conversation was left.' : '.'}`);
        break;
      default:
        break;
    }
    this.model?.apply(action);
    this.changed();
  }

  /**
   * A failed intent as the user reads it. A contact refused because the log's checkpoint is
   * stale is said so (the engine only knows the log did not vouch; the reason is the
   * contact's transparency status).
   */
  private intentFailureText(error: unknown): string {
    const name = error instanceof EngineError ? /account (\S+): not-in-transparency-log/.exec(error.message)?.[1] : undefined;
    const status = name === undefined ? undefined : this.transparency?.statusOf(name);
    if (status?.state === 'failed' && status.code === 'stale-checkpoint') {
      // The engine names the first account it could not check, which may be our own (its other devices).
      const whose = name === this.username ? 'your own devices' : `${name}'s keys`;
      return `Not done: the key-transparency log's latest checkpoint is older than this device accepts (stale-checkpoint), so ${whose} cannot be checked. Try again once the log is fresh.`;
    }
    return userText(error);
  }

  /** Locks now: socket closed, engine dropped, keys zeroed by the vault. */
  async lock(): Promise<void> {
    const model = this.model;
    this.detach();
    await model?.flushed();
    await this.vault?.lock();
    this.vault = undefined;
    this.phase = await this.phaseFromHeader();
    this.notices = [];
    this.changed();
  }

  /** @throws VaultError as Vault.changePasscode (a wrong current passcode is counted). */
  async changePasscode(current: string, next: string): Promise<void> {
    if (this.vault === undefined) throw new VaultError('locked', 'the vault is locked');
    await this.vault.changePasscode(current, next);
    this.notice('info', 'Passcode changed.');
  }

  private requireEngine(): { engine: Engine; transport: BrowserTransport } {
    if (this.engine === undefined || this.transport === undefined) throw new VaultError('locked', 'the vault is locked');
    return { engine: this.engine, transport: this.transport };
  }

  /** Starts a conversation with `usernames` (one name: a 1:1). Returns its id. */
  /** Starts a conversation (a named group when `name` is given). Returns its id. */
  newConversation(usernames: readonly string[], name = ''): string {
    const { engine, transport } = this.requireEngine();
    const started = name === '' ? engine.createConversation(usernames) : engine.createGroup(usernames, { name });
    void transport.run(started.actions);
    return started.value;
  }

  /** Renames a group or sets its disappearing timer, for every member. */
  changeSettings(conversationId: string, settings: { name?: string; disappearAfterSeconds?: number }): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.changeSettings(conversationId, settings).actions);
  }

  /** Leaves a conversation on every device of this account. */
  leave(conversationId: string): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.leave(conversationId).actions);
  }

  /** Sends read receipts for incoming messages now on screen (the engine skips them when receipts are off). */
  markRead(conversationId: string, messageIds: readonly string[]): void {
    if (messageIds.length === 0) return;
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.markRead(conversationId, messageIds));
  }

  get receiptsEnabled(): boolean {
    return this.engine?.receiptsEnabled ?? true;
  }

  setReceipts(enabled: boolean): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.setReceipts(enabled)).then(() => this.changed());
  }

  /** The safety number with `username`, or undefined until its device list is known (see lookupContact). */
  safetyNumber(username: string): { digits: string; groups: readonly string[]; qrPayload: string } | undefined {
    const { engine } = this.requireEngine();
    if (engine.contact(username) === undefined) return undefined;
    return engine.safetyNumber(username);
  }

  contact(username: string): { verified: boolean; identityChanged: boolean; identityKey: string } | undefined {
    return this.engine?.contact(username);
  }

  /** Fetches `username`'s signed device list so a safety number can be shown. */
  lookupContact(username: string): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.lookupContact(username).actions).then(() => this.changed());
  }

  /** `username`'s key-transparency status (shown beside the safety number). */
  transparencyStatus(username: string): ContactTransparencyStatus {
    return this.transparency?.statusOf(username) ?? { state: 'not-checked' };
  }

  /** Checks `username` in the key-transparency log now; the screen updates when done. */
  checkTransparency(username: string): void {
    void this.transparency?.verifyContact(username);
  }

  compareSafetyNumber(username: string, scanned: string): string {
    return this.requireEngine().engine.compareSafetyNumber(username, scanned);
  }

  setVerified(username: string, verified: boolean): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.setVerified(username, verified)).then(() => this.changed());
  }

  acceptIdentityChange(username: string): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.acceptIdentityChange(username)).then(() => this.changed());
  }

  sendText(conversationId: string, text: string, replyTo: string | null): void {
    const { engine, transport } = this.requireEngine();
    const inReplyTo = replyTo === null ? null : (fromHex(replyTo) ?? null);
    void transport.run(engine.send(conversationId, { kind: 'text', text, inReplyTo }).actions);
  }

  /** Encrypts and uploads `file`, then sends it (with `caption`) as an attachment message. @throws AttachmentError */
  async sendFile(conversationId: string, file: File, caption: string, onProgress: ProgressListener): Promise<void> {
    const { engine } = this.requireEngine();
    const token = engine.sessionToken;
    if (token === undefined) throw new VaultError('locked', 'not signed in yet');
    const attachment = await uploadFile(provider, location.origin, token, file, onProgress);
    const { transport } = this.requireEngine();
    await transport.run(engine.send(conversationId, { kind: 'attachment', attachment, caption, inReplyTo: null }).actions);
  }

  /** Downloads and decrypts an attachment. @throws AttachmentError */
  async fetchFile(stored: StoredAttachment, onProgress: ProgressListener): Promise<Blob> {
    const token = this.requireEngine().engine.sessionToken;
    if (token === undefined) throw new VaultError('locked', 'not signed in yet');
    return downloadFile(provider, location.origin, token, attachmentOf(stored), onProgress);
  }

  editText(conversationId: string, messageId: string, text: string): void {
    const { engine, transport } = this.requireEngine();
    const target = fromHex(messageId);
    if (target === undefined) return;
    void transport.run(engine.send(conversationId, { kind: 'edit', target, text }).actions);
  }

  deleteMessage(conversationId: string, messageId: string): void {
    const { engine, transport } = this.requireEngine();
    const target = fromHex(messageId);
    if (target === undefined) return;
    void transport.run(engine.send(conversationId, { kind: 'delete', target }).actions);
  }

  addMember(conversationId: string, username: string): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.addMember(conversationId, username).actions);
  }

  removeMember(conversationId: string, username: string): void {
    const { engine, transport } = this.requireEngine();
    void transport.run(engine.removeMember(conversationId, username).actions);
  }
}

/**
 * The engine's records plus the chat history as one write batch per engine step (the SDK's
 * host does the same): a flush or release first waits for the history written from the
 * step's display actions, so an ACK (sent after the step's durable release) never leaves
 * before the message it acknowledges is stored. Once a history write failed, a step that
 * would acknowledge fails instead (its ACKs stay back, the failure is shown, the relay keeps
 * the entries) rather than acknowledging a message this device did not keep.
 */
function historyJoinedStore(records: VaultRecordStore, batches: WriteBatches, model: ChatModel): RecordStore {
  return {
    save: (record, key, bytes) => records.save(record, key, bytes),
    delete: (record, key) => records.delete(record, key),
    hold: () => batches.hold(),
    flush: async (durable) => {
      await model.flushed();
      await batches.flush(durable);
    },
    release: async (durable) => {
      await model.flushed();
      await batches.release(durable);
      if (durable && model.failure !== undefined) throw model.failure;
    },
  };
}

function startFailureOf(error: unknown): StartFailure {
  if (error instanceof VaultDatabaseError) return error.code === 'version' ? 'newer-version' : 'unavailable';
  if (error instanceof VaultError) return error.code === 'header-version-unknown' ? 'newer-version' : 'damaged';
  return 'unavailable';
}

/** The message a person sees for an error (never key material or plaintext: error details here are codes). */
export function userText(error: unknown): string {
  if (error instanceof VaultError) {
    switch (error.code) {
      case 'wrong-passcode':
        return `Wrong passcode. ${error.attemptsRemaining ?? 0} attempts left before this device's data is erased.`;
      case 'wiped':
        return 'Too many wrong passcodes: the data on this device was erased.';
      case 'invalid-argument':
        return 'The passcode must not be empty (at most 1024 bytes).';
      case 'busy':
        return 'Another tab is unlocking; try again.';
      default:
        return `Vault error (${error.code}).`;
    }
  }
  if (error instanceof EngineError) {
    if (error.message.includes('username-taken')) return 'That username is taken.';
    const unlogged = /account (\S+): not-in-transparency-log/.exec(error.message);
    if (unlogged !== null) return `The device list the server gave for ${unlogged[1]} is not the one in the key-transparency log: ${unlogged[1]} was not added. If this stays, the server may be showing you false keys.`;
    if (error.message.includes('invalid-username')) return 'Usernames are 3-32 characters: lowercase letters, digits, dot, dash, underscore.';
    return `Could not complete that (${error.code}).`;
  }
  if (error instanceof FreshnessError) return `${error.message[0]!.toUpperCase()}${error.message.slice(1)}.`;
  if (error instanceof AttachmentError) {
    if (error.code === 'too-large') return 'That file is too large (at most 100 MiB).';
    if (error.code === 'transfer-failed') return 'The transfer failed; try again.';
    return `The file failed its integrity check (${error.code}).`;
  }
  return 'Something went wrong.';
}
