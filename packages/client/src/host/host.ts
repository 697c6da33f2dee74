/**
 * The host: wires an unlocked vault, the engine and a transport into one object a UI can
 * drive (intents as methods) and watch (a typed event stream). It restores the engine from
 * the vault's records, persists every record the engine saves, keeps the history and what
 * it knows of each conversation in the vault, and feeds clock ticks.
 *
 * Portable: no node:* import, so the browser host reuses it with its own transport and
 * vault storage (the Node wiring is node-host.ts). Timers come from the global scope.
 */
import { normaliseUsername } from '@sealed/protocol/username';
import type { Action } from '../engine/actions.ts';
import type { AttachmentRef } from '../content/attachment-ref.ts';
import { Engine, type Started } from '../engine/engine.ts';
import type { EngineError } from '../engine/errors.ts';
import type { EngineEvent } from '../engine/events.ts';
import type { EngineStats } from '../engine/core.ts';
import type { RecordStore } from '../transport/node-transport.ts';
import { VaultRecordStore } from '../transport/vault-record-store.ts';
import type { VaultStores } from '../store/vault-stores.ts';
import type { Vault } from '../vault/vault.ts';
import { HostError } from './errors.ts';
import type { HostEvent, HostListener } from './events.ts';
import { DELIVERY_RECEIPT_DELAY_MS, MAX_CONVERSATION_NAME, MAX_REMEMBERED_FAILURES, SETTLE_POLL_MS, TICK_MS } from './limits.ts';
import { Quiescence } from './quiescence.ts';
import { engineOptions, type HostOptions, type HostTransport } from './host-options.ts';
import { HostRecords } from './host-records.ts';
import { HostTransparency } from './transparency-host.ts';
import type { TransparencyHook } from '../transparency/transport-hook.ts';
import type { ConversationInfo, StoredMessage } from './records.ts';

export type { HostOptions, HostTransport, TransportFactory, TransportParts } from './host-options.ts';

const SERVER_SETTING = 'server-url';
const SETTING_VERSION = 1;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export class SealedHost {
  readonly #engine: Engine;
  readonly #vault: Vault;
  readonly #stores: VaultStores;
  readonly #records: HostRecords;
  readonly #clock: () => number;
  readonly #tickMs: number;
  readonly #quiet = new Quiescence();
  readonly #listeners = new Set<HostListener>();
  readonly #conversations = new Map<string, ConversationInfo>();
  readonly #failures = new Map<number, EngineError>();
  /** Disappearing timer last recorded in the history per conversation (a change adds a system line). */
  readonly #timers = new Map<string, number>();
  readonly #transport: HostTransport;
  #writes: Promise<void> = Promise.resolve();
  #fatal: unknown;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Sends the deferred delivery receipts (engineOptions); set while some wait. */
  #receiptTimer: ReturnType<typeof setTimeout> | undefined;
  #announcedOnline = false;
  #closed = false;
  #accountReady = false;
  #kt: HostTransparency | undefined;
  readonly #options: HostOptions;
  readonly serverUrl: string;

  private constructor(options: HostOptions, engine: Engine, serverUrl: string) {
    this.#engine = engine;
    this.#vault = options.vault;
    this.#stores = options.vault.stores();
    this.#records = new HostRecords(this.#stores, options.provider);
    this.#clock = options.clock ?? (() => Date.now());
    this.#tickMs = options.tickMs ?? TICK_MS;
    this.serverUrl = serverUrl;
    this.#options = options;
    const records = new VaultRecordStore(this.#stores);
    const batches = this.#stores.batches;
    // One write batch per engine step (store/write-buffer.ts). The history records the
    // host writes for that step join it: a flush first waits for them, so an ACK (sent
    // after a durable flush) never leaves before the message it acknowledges is saved.
    const store: RecordStore = {
      save: (record, key, bytes) => records.save(record, key, bytes),
      delete: (record, key) => records.delete(record, key),
      hold: () => batches.hold(),
      flush: async (durable) => {
        await this.#writes;
        await batches.flush(durable);
      },
      release: async (durable) => {
        await this.#writes;
        await batches.release(durable);
      },
      // After a release: its writes (the history records included) are applied already.
      sync: () => batches.sync(),
    };
    this.#transport = options.transport({
      baseUrl: serverUrl,
      handle: (event) => this.#handle(event),
      store,
      onAction: (action) => this.#onAction(action),
      transparency: this.#ktHook,
    });
  }

  /** The transport's view of key transparency: the vault's, once loaded; a pass-through while off. */
  readonly #ktHook: TransparencyHook = {
    vouchServedList: async (username, served, token) => (this.#kt === undefined ? { deviceList: served, pending: [] } : this.#kt.hook.vouchServedList(username, served, token)),
    formerListsNaming: async (username, deviceIds, token) => (await this.#kt?.hook.formerListsNaming?.(username, deviceIds, token)) ?? [],
    recordOwnChange: (value) => this.#kt?.hook.recordOwnChange(value),
    monitorOwn: async () => this.#kt?.hook.monitorOwn(),
  };

  /** Loads the vault's key transparency (saving `pin` first); `baseline`: a newly linked device. */
  async #openTransparency(baseline: boolean): Promise<void> {
    const t = this.#options.transparency;
    this.#kt = await HostTransparency.open(
      {
        provider: this.#options.provider,
        baseUrl: this.serverUrl,
        settings: this.#stores.settings,
        engine: this.#engine,
        clock: this.#clock,
        run: (started) => this.#run(started.actions),
        write: (task) => this.#write(task),
        emit: (alert) => this.#emit({ type: 'transparency', alert }),
      },
      t?.timing ?? {},
      t?.pin,
      baseline,
    );
  }

  /** Key transparency of this device (undefined when the vault pinned none: transparency off). */
  get transparency(): HostTransparency | undefined {
    return this.#kt;
  }

  /**
   * Creates the account on the relay at `serverUrl` and saves it in the (new, unlocked)
   * vault; resolves once it is registered and connected.
   * @throws HostError('account-failed' (detail: the relay's code, e.g. username-taken) | 'timeout')
   */
  static async createAccount(options: HostOptions, serverUrl: string, username: string, timeoutMs: number): Promise<SealedHost> {
    const clock = options.clock ?? (() => Date.now());
    const engine = new Engine(engineOptions(options, clock()));
    const host = new SealedHost(options, engine, serverUrl);
    await options.vault.stores().settings.put(SERVER_SETTING, { version: SETTING_VERSION, data: utf8.encode(serverUrl) });
    await host.#openTransparency(false);
    let started: Started;
    try {
      started = engine.createAccount(username);
    } catch (error) {
      throw new HostError('account-failed', (error as EngineError).detail ?? 'invalid-username');
    }
    await host.#run(started.actions);
    await host.until(() => host.#accountReady || host.#failures.has(started.intent), timeoutMs, 'account creation');
    const failure = host.#failures.get(started.intent);
    if (failure !== undefined) {
      host.#stop();
      throw new HostError('account-failed', failure.detail.replace(/^[a-z-]+: /, ''));
    }
    host.#startTicks();
    return host;
  }

  /**
   * New device: links to an existing account. Emits `link-offer` (the code to enter on an
   * existing device) and resolves once an existing device approved it and this one is
   * registered and connected.
   * @throws HostError('account-failed' (detail: e.g. link-expired) | 'timeout')
   */
  static async link(options: HostOptions, serverUrl: string, timeoutMs: number, onEvent: HostListener): Promise<SealedHost> {
    const clock = options.clock ?? (() => Date.now());
    const engine = new Engine(engineOptions(options, clock()));
    const host = new SealedHost(options, engine, serverUrl);
    host.on(onEvent);
    await options.vault.stores().settings.put(SERVER_SETTING, { version: SETTING_VERSION, data: utf8.encode(serverUrl) });
    await host.#openTransparency(true);
    const started = engine.beginLink();
    // The engine polls the relay's mailbox on clock ticks.
    host.#startTicks();
    await host.#run(started.actions);
    await host.until(() => host.#accountReady || host.#failures.has(started.intent), timeoutMs, 'device linking');
    const failure = host.#failures.get(started.intent);
    if (failure !== undefined) {
      host.#stop();
      throw new HostError('account-failed', failure.code === 'relay-error' ? failure.detail.replace(/^[a-z- ]+: /, '') : failure.code);
    }
    return host;
  }

  /**
   * The host of the account saved in this unlocked vault. Call `start()` to connect.
   * @throws HostError('no-account' | 'no-server'), VaultError from the stores, SnapshotError/GroupError for damaged records
   */
  static async open(options: HostOptions): Promise<SealedHost> {
    const stores = options.vault.stores();
    const records = await new VaultRecordStore(stores).load();
    if (records === undefined) throw new HostError('no-account', 'this device has no account yet');
    const server = await stores.settings.get(SERVER_SETTING);
    if (server === undefined) throw new HostError('no-server', 'no relay address saved');
    const clock = options.clock ?? (() => Date.now());
    const engine = Engine.restore(engineOptions(options, clock()), records);
    const host = new SealedHost(options, engine, utf8Decoder.decode(server.data));
    for (const info of await host.#records.loadConversations()) host.#conversations.set(info.conversationId, info);
    await host.#openTransparency(false);
    for (const id of host.#conversations.keys()) host.#timers.set(id, engine.conversationInfo(id)?.disappearAfterSeconds ?? 0);
    return host;
  }

  /** Signs in and connects; the relay then delivers what waited. Ticks start. */
  async start(): Promise<void> {
    this.#startTicks();
    // A first tick at once: disappearing messages whose time passed while this device was
    // off are deleted before anything can be shown.
    await this.#transport.dispatch({ type: 'tick', now: this.#clock() });
    await this.#run(this.#engine.start());
  }

  get username(): string {
    return this.#engine.username ?? '';
  }

  get deviceId(): string {
    return this.#engine.deviceId ?? '';
  }

  get stats(): Readonly<EngineStats> {
    return this.#engine.stats;
  }

  get online(): boolean {
    return this.#quiet.online;
  }

  /** The engine, for status displays and tests (epochs). Intents go through the host. */
  get engine(): Engine {
    return this.#engine;
  }

  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: HostListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Conversations known on this device, most recently active first. */
  conversations(): ConversationInfo[] {
    return [...this.#conversations.values()].sort((a, b) => b.lastActivity - a.lastActivity);
  }

  conversation(conversationId: string): ConversationInfo | undefined {
    return this.#conversations.get(conversationId);
  }

  /**
   * The open conversation `target` names: a local name, a username (the 1:1 conversation
   * with that user, most recent first), or an id prefix (at least 4 hex digits).
   * @returns undefined when nothing matches
   * @throws HostError('ambiguous-conversation') for an id prefix matching several
   */
  findConversation(target: string): ConversationInfo | undefined {
    const open = this.conversations().filter((c) => !c.closed);
    const lower = target.toLowerCase();
    const named = open.find((c) => c.name !== null && c.name.toLowerCase() === lower);
    if (named !== undefined) return named;
    const user = normaliseUsername(target);
    if (user.ok) {
      const direct = open.find((c) => c.name === null && sameSet(usersOf(c), [this.username, user.username]));
      if (direct !== undefined) return direct;
    }
    if (/^[0-9a-f]{4,}$/.test(lower)) {
      const matches = this.conversations().filter((c) => c.conversationId.startsWith(lower));
      if (matches.length > 1) throw new HostError('ambiguous-conversation', `${matches.length} conversations start with ${lower}`);
      return matches[0];
    }
    return undefined;
  }

  /**
   * Starts a conversation with `usernames` (one name: a 1:1 conversation), optionally named
   * on this device. Returns its id and the intent (see `outcome`).
   * @throws EngineError('too-many-users'), HostError for a name too long
   */
  async createConversation(usernames: readonly string[], name: string | null = null): Promise<{ conversationId: string; intent: number }> {
    if (name !== null && (name.length === 0 || name.length > MAX_CONVERSATION_NAME)) throw new RangeError(`a name has 1 to ${MAX_CONVERSATION_NAME} characters`);
    // A named group shares its name with every member (MIMI settings content); a 1:1 has none.
    const started = name === null ? this.#engine.createConversation(usernames) : this.#engine.createGroup(usernames, { name });
    const now = this.#clock();
    const info: ConversationInfo = { conversationId: started.value, name, members: [{ username: this.username, deviceId: this.deviceId }], epoch: 0n, closed: false, createdAt: now, lastActivity: now };
    this.#conversations.set(info.conversationId, info);
    this.#write(() => this.#records.saveConversation(info));
    await this.#run(started.actions);
    return { conversationId: started.value, intent: started.intent };
  }

  /** Names a conversation on this device (null removes the name). */
  async rename(conversationId: string, name: string | null): Promise<void> {
    const info = this.#require(conversationId);
    if (name !== null && (name.length === 0 || name.length > MAX_CONVERSATION_NAME)) throw new RangeError(`a name has 1 to ${MAX_CONVERSATION_NAME} characters`);
    const next = { ...info, name };
    this.#conversations.set(conversationId, next);
    this.#write(() => this.#records.saveConversation(next));
    await this.#writes;
  }

  /** Sends a text; returns its message id. @throws HostError('closed'), EngineError as Engine.send */
  async send(conversationId: string, text: string): Promise<string> {
    const info = this.#require(conversationId);
    if (info.closed) throw new HostError('closed', 'this conversation was closed');
    const started = this.#engine.send(conversationId, text);
    await this.#run(started.actions);
    return started.value;
  }

  /** Sends an uploaded attachment (features/attachments) with a caption; returns its message id. */
  async sendAttachment(conversationId: string, attachment: AttachmentRef, caption: string): Promise<string> {
    const info = this.#require(conversationId);
    if (info.closed) throw new HostError('closed', 'this conversation was closed');
    const started = this.#engine.send(conversationId, { kind: 'attachment', attachment, caption, inReplyTo: null });
    await this.#run(started.actions);
    return started.value;
  }

  /**
   * Sets the conversation's disappearing timer for every member (seconds; 0 turns it off).
   * Returns the intent id. @throws HostError('closed'), EngineError('conversation-left' | 'outbox-full'), ContentError('too-large') above a year
   */
  async setDisappearing(conversationId: string, seconds: number): Promise<number> {
    const info = this.#require(conversationId);
    if (info.closed) throw new HostError('closed', 'this conversation was closed');
    const started = this.#engine.changeSettings(conversationId, { disappearAfterSeconds: seconds });
    await this.#run(started.actions);
    return started.intent;
  }

  /** The conversation's disappearing timer in seconds (0: off). */
  disappearAfterSeconds(conversationId: string): number {
    return this.#engine.conversationInfo(conversationId)?.disappearAfterSeconds ?? 0;
  }

  /** Turns delivery and read receipts on or off for this device (saved). */
  async setReceipts(enabled: boolean): Promise<void> {
    await this.#run(this.#engine.setReceipts(enabled));
  }

  get receiptsEnabled(): boolean {
    return this.#engine.receiptsEnabled;
  }

  /** Sends read receipts for messages (hex ids) the user has now seen; nothing when receipts are off. */
  async markRead(conversationId: string, messageIds: readonly string[]): Promise<void> {
    const info = this.#require(conversationId);
    if (info.closed || messageIds.length === 0) return;
    await this.#run(this.#engine.markRead(conversationId, messageIds));
  }

  /** Receipts of one of our recent outgoing messages (undefined: older, incoming or unknown). */
  messageStatus(conversationId: string, messageId: string): ReturnType<Engine['messageStatus']> {
    return this.#engine.messageStatus(conversationId, messageId);
  }

  /** The relay session token (streaming attachment transfers authenticate with it), once signed in. */
  get sessionToken(): Uint8Array | undefined {
    return this.#engine.sessionToken;
  }

  /** Adds every device of `username`; returns the intent id. */
  async addMember(conversationId: string, username: string): Promise<number> {
    return this.addMembers(conversationId, [username]);
  }

  /** Adds every device of each of `usernames` in one commit; returns the intent id. @throws EngineError('too-many-users') */
  async addMembers(conversationId: string, usernames: readonly string[]): Promise<number> {
    this.#require(conversationId);
    const started = this.#engine.addMembers(conversationId, usernames);
    await this.#run(started.actions);
    return started.intent;
  }

  /** Removes every device of `username`; returns the intent id. */
  async removeMember(conversationId: string, username: string): Promise<number> {
    this.#require(conversationId);
    const started = this.#engine.removeMember(conversationId, username);
    await this.#run(started.actions);
    return started.intent;
  }

  /** Leaves a conversation (a member commits our removal; `conversation-closed` follows). Returns the intent id. */
  async leave(conversationId: string): Promise<number> {
    this.#require(conversationId);
    const started = this.#engine.leave(conversationId);
    await this.#run(started.actions);
    return started.intent;
  }

  /** Fetches `username`'s signed device list (to compare safety numbers before any conversation). Returns the intent id. */
  async lookupContact(username: string): Promise<number> {
    const started = this.#engine.lookupContact(username);
    await this.#run(started.actions);
    return started.intent;
  }

  /** Marks a contact verified (or not), pinned to its current identity key; saved. */
  async setVerified(username: string, verified: boolean): Promise<void> {
    await this.#run(this.#engine.setVerified(username, verified));
  }

  /** Accepts a contact's new identity key after comparing the new safety number. */
  async acceptIdentityChange(username: string): Promise<void> {
    await this.#run(this.#engine.acceptIdentityChange(username));
  }

  /** Existing device: approves the new device showing `code`. Returns the intent id. */
  async approveLink(code: string): Promise<number> {
    const started = this.#engine.approveLink(code);
    await this.#run(started.actions);
    return started.intent;
  }

  /** Removes another device of this account from the account and every conversation. Returns the intent id. */
  async removeDevice(deviceId: string): Promise<number> {
    const started = this.#engine.removeDevice(deviceId);
    await this.#run(started.actions);
    return started.intent;
  }

  /** The error an intent failed with, or undefined (still running or done). */
  outcome(intent: number): EngineError | undefined {
    return this.#failures.get(intent);
  }

  /**
   * The last `limit` messages of a conversation, oldest first.
   * @throws VaultError from the stores
   */
  async history(conversationId: string, limit: number): Promise<StoredMessage[]> {
    await this.#writes;
    return this.#records.lastMessages(conversationId, limit);
  }

  /** Resolves when `predicate` holds. @throws HostError('timeout' | 'transport-failed') */
  async until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      this.#throwIfFailed();
      if (Date.now() > deadline) throw new HostError('timeout', `${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
    this.#throwIfFailed();
  }

  /**
   * Resolves once online, caught up, with no request, SEND or write outstanding: what was
   * started reached the relay and what waited was processed and saved.
   * @throws HostError('timeout' (detail says what is pending) | 'transport-failed')
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Receipts still waiting go out now: a one-shot command exits after settling.
      await this.#sendReceipts();
      await this.#transport.idle();
      await this.#writes;
      this.#throwIfFailed();
      if (this.#quiet.settled() && this.#engine.pendingDeliveryReceipts === 0) {
        // One more turn: an answer handled just now may have started more.
        await this.#transport.idle();
        await this.#writes;
        if (this.#quiet.settled()) return;
      }
      if (Date.now() > deadline) throw new HostError('timeout', `the relay did not settle within ${timeoutMs} ms (${this.#quiet.describe()}; ${this.#engine.describeWaiting()})`);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  }

  /** Stops ticks and the transport, waits for pending writes, locks the vault. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    // Receipts still waiting leave before the socket closes (best effort: their SENT is not awaited).
    await this.#sendReceipts();
    this.#stop();
    await this.#transport.idle().catch(() => undefined);
    await this.#writes.catch(() => undefined);
    await this.#vault.lock();
    this.#emit({ type: 'locked' });
  }

  #stop(): void {
    this.#closed = true;
    this.#kt?.close();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#receiptTimer !== undefined) clearTimeout(this.#receiptTimer);
    this.#receiptTimer = undefined;
    this.#transport.close();
  }

  /** After a step that showed messages: their delivery receipts leave shortly (engineOptions). */
  #scheduleReceipts(): void {
    if (this.#receiptTimer !== undefined || this.#closed || this.#engine.pendingDeliveryReceipts === 0) return;
    this.#receiptTimer = setTimeout(() => {
      this.#receiptTimer = undefined;
      void this.#sendReceipts();
    }, DELIVERY_RECEIPT_DELAY_MS);
    (this.#receiptTimer as { unref?: () => void }).unref?.();
  }

  /** Encrypts and sends the delivery receipts that wait, if any. */
  async #sendReceipts(): Promise<void> {
    if (this.#closed || this.#engine.pendingDeliveryReceipts === 0) return;
    await this.#run(this.#engine.sendDeliveryReceipts());
  }

  #startTicks(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => void this.#transport.dispatch({ type: 'tick', now: this.#clock() }), this.#tickMs);
    // In Node an interval keeps the process alive; the socket is what should.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #throwIfFailed(): void {
    const failure = this.#fatal ?? this.#transport.failure;
    if (failure !== undefined) throw new HostError('transport-failed', failure instanceof Error ? failure.message : 'unknown');
  }

  #require(conversationId: string): ConversationInfo {
    const info = this.#conversations.get(conversationId);
    if (info === undefined) throw new HostError('unknown-conversation', conversationId.slice(0, 16));
    return info;
  }

  async #run(actions: Action[]): Promise<void> {
    this.#quiet.actions(actions);
    await this.#transport.run(actions);
  }

  /** The engine as the transport sees it: every event and every answer passes the observer. */
  #handle(event: EngineEvent): Action[] {
    this.#quiet.event(event);
    const actions = this.#engine.handle(event);
    this.#quiet.actions(actions);
    this.#scheduleReceipts();
    // Key transparency starts once the engine knows our account id (a session answer).
    if (this.#kt !== undefined && this.#kt.client === undefined) this.#kt.attach();
    if (event.type === 'socket-down' && this.#announcedOnline && !this.#closed) {
      this.#announcedOnline = false;
      this.#emit({ type: 'offline' });
    }
    return actions;
  }

  #emit(event: HostEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A UI's bug must not stop the host.
      }
    }
  }

  #write(task: () => Promise<void>): void {
    this.#writes = this.#writes.then(task).catch((error: unknown) => {
      if (this.#fatal === undefined) {
        this.#fatal = error;
        this.#emit({ type: 'fatal', error });
      }
    });
  }

  #onAction(action: Action): void {
    if (!this.#announcedOnline && this.#quiet.online && this.#quiet.settled()) {
      this.#announcedOnline = true;
      this.#emit({ type: 'online' });
    }
    this.#kt?.onAction(action);
    switch (action.type) {
      case 'account-ready':
        this.#accountReady = true;
        break;
      case 'show':
        this.#write(async () => {
          const message = await this.#records.saveShown(action.message, this.#clock());
          this.#touch(action.message.conversationId, message.receivedAt);
          this.#emit({ type: 'message', conversationId: action.message.conversationId, message });
        });
        break;
      case 'conversation': {
        const now = this.#clock();
        const old = this.#conversations.get(action.conversationId);
        const shared = this.#engine.conversationInfo(action.conversationId)?.name;
        const info: ConversationInfo = {
          conversationId: action.conversationId,
          name: shared !== undefined && shared !== '' ? shared : (old?.name ?? null),
          members: action.members,
          epoch: action.epoch,
          closed: false,
          createdAt: old?.createdAt ?? now,
          lastActivity: now,
        };
        this.#conversations.set(info.conversationId, info);
        this.#write(() => this.#records.saveConversation(info));
        this.#emit({ type: 'conversation', conversation: info });
        break;
      }
      case 'conversation-closed':
        this.#markClosed(action.conversationId);
        this.#emit({ type: 'conversation-closed', conversationId: action.conversationId });
        break;
      case 'member-unverified':
        if (action.left) this.#markClosed(action.conversationId);
        this.#emit({ type: 'member-unverified', conversationId: action.conversationId, usernames: action.usernames, left: action.left });
        break;
      case 'decrypt-failure':
        this.#emit({ type: 'decrypt-failure', reason: action.reason, conversationId: action.conversationId });
        break;
      case 'intent-failed':
        if (this.#failures.size >= MAX_REMEMBERED_FAILURES) this.#failures.delete(this.#failures.keys().next().value!);
        this.#failures.set(action.intent, action.error);
        this.#emit({ type: 'intent-failed', intent: action.intent, error: action.error });
        break;
      case 'sign-in-failed':
        this.#emit({ type: 'sign-in-failed', code: action.code });
        break;
      case 'conversation-settings': {
        const old = this.#conversations.get(action.conversationId);
        if (old !== undefined && action.name !== '' && action.name !== old.name) {
          const info = { ...old, name: action.name };
          this.#conversations.set(info.conversationId, info);
          this.#write(() => this.#records.saveConversation(info));
        }
        if ((this.#timers.get(action.conversationId) ?? 0) !== action.disappearAfterSeconds) {
          this.#timers.set(action.conversationId, action.disappearAfterSeconds);
          this.#write(async () => {
            const message = await this.#records.saveTimerLine(action.conversationId, action.changedBy, action.changedBy.username === this.username, action.disappearAfterSeconds, this.#clock());
            this.#emit({ type: 'message', conversationId: action.conversationId, message });
          });
        }
        this.#emit({ type: 'conversation-settings', conversationId: action.conversationId, name: action.name, disappearAfterSeconds: action.disappearAfterSeconds, changedBy: action.changedBy.username });
        break;
      }
      case 'message-status':
        this.#emit({ type: 'message-status', conversationId: action.conversationId, messageId: action.messageId, sent: action.sent, deliveredTo: action.deliveredTo, readBy: action.readBy });
        break;
      case 'expired':
        this.#write(() => this.#records.deleteExpired(action.conversationId, action.messageIds));
        this.#emit({ type: 'expired', conversationId: action.conversationId, messageIds: action.messageIds });
        break;
      case 'identity-changed':
        this.#emit({ type: 'identity-changed', username: action.username, verified: action.verified });
        break;
      case 'link-offer':
        this.#emit({ type: 'link-offer', code: action.code, verificationCode: action.verificationCode, expiresAt: action.expiresAt });
        break;
      case 'device-linked':
        this.#emit({ type: 'device-linked', deviceId: action.deviceId, verificationCode: action.verificationCode });
        break;
      case 'devices':
        this.#emit({ type: 'devices', devices: action.devices });
        break;
      case 'device-removed':
        this.#emit({ type: 'device-removed' });
        break;
      default:
        break;
    }
  }

  #markClosed(conversationId: string): void {
    const old = this.#conversations.get(conversationId);
    if (old === undefined) return;
    const info = { ...old, closed: true };
    this.#conversations.set(conversationId, info);
    this.#write(() => this.#records.saveConversation(info));
  }

  /**
   * Activity is kept in memory only: writing the conversation record for every message
   * would cost one more durable write (an fsync) per message; it is saved with the next
   * membership change, so after a restart the order is that of the last change.
   */
  #touch(conversationId: string, at: number): void {
    const old = this.#conversations.get(conversationId);
    if (old !== undefined) this.#conversations.set(conversationId, { ...old, lastActivity: at });
  }
}

/** Usernames of a conversation's members, without repeats. */
export function usersOf(info: ConversationInfo): string[] {
  return [...new Set(info.members.map((m) => m.username))];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
