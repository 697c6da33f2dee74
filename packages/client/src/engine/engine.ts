/**
 * The Sealed client engine: a state machine without I/O over mls and protocol (STYLE.md
 * habit 2, like matrix-rust-sdk's OlmMachine). Intents (createAccount, createConversation,
 * send, addMember, removeMember) and events (HTTP answers, relay frames, socket closed,
 * clock ticks) go in; typed actions (actions.ts) come out, for a transport to perform
 * (transport/) and a UI to show. Nothing here reads a clock, the network or a disk.
 *
 * Delivered entries go through the inbox (inbox.ts). What this first version covers and
 * its known gaps: ./README.md.
 */
import type { DeviceListVoucher } from './directory.ts';
import type { CryptoProvider } from '@sealed/crypto/provider';
import { cipherSuite, type CipherSuite, DEFAULT_CIPHER_SUITE } from '@sealed/mls/crypto/cipher-suite';
import { createGroup } from '@sealed/mls/group/create';
import { normaliseUsername } from '@sealed/protocol/username';
import { parseChallengeResponse, parseSessionResponse } from '@sealed/protocol/http';
import { mlsMessageBytes } from '@sealed/mls/structs/mls-message';
import { encodeMessageContent, messageIdOf, type MessageBody } from '../content/message.ts';
import type { Action, SenderRef } from './actions.ts';
import { addKeyPackages, type Account, newAccount, ownKeyPackage, registerRequest, sessionRequest } from './account.ts';
import { conversationAction, pump } from './commits.ts';
import { type Conversation, membersOf, newConversation, rememberMessage } from './conversation.ts';
import { epochAuthenticator } from '@sealed/mls/group/exporter';
import { EngineCore, type EngineStats } from './core.ts';
import { DeviceManager } from './devices/device-manager.ts';
import type { OwnDevice } from './devices/own-devices.ts';
import { afterActions, disappearingExpiry, expireDue } from './conversation-features.ts';
import { identityWarnings } from './contacts.ts';
import { DEVICE_META_KEY, deviceMetaOf, loadConversationMeta, loadDeviceMeta, metaOf, saveDeviceMeta } from './feature-state.ts';
import { leaveStep, startLeave } from './leave.ts';
import { changeSettings, markRead } from './conversation-features.ts';
import { acceptIdentityChange, compareScannedWith, type ContactInfo, contactInfo, markVerified, safetyNumberWith } from './contacts.ts';
import type { ConversationSettings } from '../content/conversation-settings.ts';
import type { SafetyNumber, ScanResult } from '../features/safety-number.ts';
import { parseAccountResponse } from '@sealed/protocol/http';
import { EngineError } from './errors.ts';
import type { EngineEvent } from './events.ts';
import { expireAwaitedRemovals } from './verify-members.ts';
import { Inbox } from './inbox.ts';
import { decodeAccount, saveAccount } from './snapshot.ts';
import { deserializeGroupState } from '@sealed/mls/group/serialize';
import { credentialFor } from './identity.ts';
import { KEY_PACKAGE_TARGET, MAX_CONVERSATION_USERS, MAX_OUTBOX, SELF_UPDATE_AFTER_MESSAGES, SELF_UPDATE_AFTER_MS } from './limits.ts';
import { toHex } from '@sealed/protocol/encoding';

/** Upload answers that mean "not now" (status 0: no answer): the upload is tried again. */
const RETRIED_UPLOAD_ERRORS: ReadonlySet<string> = new Set(['unavailable', 'internal', 'rate-limited']);
/** Uploads of one batch of key packages at most, one tick apart. */
export const MAX_KEY_PACKAGE_UPLOAD_ATTEMPTS = 30;

/** A conversation as `conversationInfo` describes it. */
export interface ConversationInfo {
  readonly conversationId: string;
  readonly name: string;
  readonly topic: string;
  readonly disappearAfterSeconds: number;
  readonly members: readonly SenderRef[];
  /** This device asked to leave and waits for a member to commit it. */
  readonly leaving: boolean;
}

export interface EngineOptions {
  readonly provider: CryptoProvider;
  /** Milliseconds since the Unix epoch at start; later times come with `tick` events. */
  readonly now: number;
  /** MLS cipher suite of new groups and key packages; default 0xF0A1 (X-Wing hybrid). */
  readonly suite?: number;
  /** Key packages kept on the relay (default KEY_PACKAGE_TARGET). */
  readonly keyPackageTarget?: number;
  /**
   * Delivery receipts wait for `sendDeliveryReceipts()` or the next `tick` instead of being
   * encrypted in the step that shows their messages (default false: in that step). A host
   * sets it so a message reaches the screen before its receipt is signed and encrypted, and
   * so the receipts of messages arriving close together go out as one report.
   */
  readonly deferDeliveryReceipts?: boolean;
}

/** What an intent returns: its id (for `intent-failed`) and the actions to perform now. */
export interface Started<T = undefined> {
  readonly intent: number;
  readonly value: T;
  readonly actions: Action[];
}

export class Engine {
  private readonly core: EngineCore;
  private readonly keyPackageTarget: number;
  private readonly deferDeliveryReceipts: boolean;
  /** The key-transparency checkpoint to carry in sent messages (setCheckpointSource). */
  private checkpointSource: (() => Uint8Array | undefined) | undefined;
  /** Delivered entries in order: held while they must wait, released after (inbox.ts). */
  private readonly inbox: Inbox;
  /** Linking, removing and syncing our devices (devices/). */
  private readonly devicesPart: DeviceManager;

  constructor(options: EngineOptions) {
    const suite: CipherSuite = cipherSuite(options.suite ?? DEFAULT_CIPHER_SUITE, options.provider);
    this.core = new EngineCore(options.provider, suite, options.now);
    this.keyPackageTarget = options.keyPackageTarget ?? KEY_PACKAGE_TARGET;
    this.deferDeliveryReceipts = options.deferDeliveryReceipts ?? false;
    this.inbox = new Inbox(this.core, () => this.pumpAll());
    this.devicesPart = new DeviceManager(this.core, (account, then) => this.uploadKeyPackages(account, this.keyPackageTarget, true, then));
  }

  /**
   * An engine for an existing account, from the records its `save` actions produced (the
   * account record and every group record). Call `start()` to sign in and catch up.
   * @throws SnapshotError for a malformed account record, GroupError for a malformed group state
   */
  static restore(options: EngineOptions, records: { readonly account: Uint8Array; readonly groups: readonly Uint8Array[]; readonly meta?: ReadonlyMap<string, Uint8Array> | undefined }): Engine {
    const engine = new Engine(options);
    const core = engine.core;
    const account = decodeAccount(core.suite, records.account);
    core.account = account;
    // Our list as last accepted (every device of the account); refreshed after catch-up.
    core.directory.learn(account.username, account.ownList);
    for (const bytes of records.groups) {
      const conversation = newConversation(deserializeGroupState(bytes, core.provider), core.now);
      core.conversations.set(conversation.id, conversation);
      const meta = records.meta?.get(conversation.id);
      if (meta !== undefined) loadConversationMeta(conversation, meta);
    }
    const deviceMeta = records.meta?.get(DEVICE_META_KEY);
    if (deviceMeta !== undefined) loadDeviceMeta(core, deviceMeta);
    return engine;
  }

  /** Signs in and connects (after `restore`): the relay then delivers what waited. */
  start(): Action[] {
    return this.signIn();
  }

  get stats(): Readonly<EngineStats> {
    return this.core.stats;
  }

  /**
   * From now on, other accounts' device lists must be vouched for by key transparency
   * (engine/directory.ts; client/transparency's TransparencyClient.vouched).
   */
  requireTransparency(voucher: DeviceListVoucher): void {
    this.core.directory.requireTransparency(voucher);
  }

  /**
   * Where `send` gets the key-transparency checkpoint it carries in each message
   * (MessageContent.ktCheckpoint, checked by the receivers against theirs). Undefined: none.
   */
  setCheckpointSource(source: (() => Uint8Array | undefined) | undefined): void {
    this.checkpointSource = source;
  }

  get username(): string | undefined {
    return this.core.account?.username;
  }

  /** Our account id as the relay named it at the last sign-in (undefined before one). */
  get accountId(): Uint8Array | undefined {
    return this.core.accountId;
  }

  /** Our identity public key (undefined before an account exists). */
  get identityKey(): Uint8Array | undefined {
    return this.core.account?.identity.publicKey;
  }

  /** The signed device list this device holds for `username` (our own included), as verified. */
  signedDeviceList(username: string): Uint8Array | undefined {
    return this.core.directory.signedList(username);
  }

  get deviceId(): string | undefined {
    return this.core.account?.deviceIdHex;
  }

  /** The relay session token once signed in: streaming transfers outside the engine (features/attachments/node-transfer.ts) authenticate with it. */
  get sessionToken(): Uint8Array | undefined {
    return this.core.token;
  }

  /** Conversation ids this device is in. */
  conversationIds(): string[] {
    return [...this.core.conversations.keys()];
  }

  /** The member devices of a conversation as this device sees them now. */
  membersOf(conversationId: string): SenderRef[] {
    const conversation = this.core.conversations.get(conversationId);
    return conversation === undefined ? [] : membersOf(conversation.state).map(({ username, deviceId }) => ({ username, deviceId }));
  }

  /**
   * The epoch authenticator (RFC 9420 §8.7) of a conversation's current epoch, hex: members
   * who see the same value share the same epoch; comparing it out of band detects a fork.
   */
  epochAuthenticatorOf(conversationId: string): string | undefined {
    const conversation = this.core.conversations.get(conversationId);
    return conversation === undefined ? undefined : toHex(epochAuthenticator(conversation.state));
  }

  /** The MLS epoch of a conversation (for tests and status displays). */
  epochOf(conversationId: string): bigint | undefined {
    return this.core.conversations.get(conversationId)?.state.groupContext.epoch;
  }

  /**
   * Creates the account: identity and device keys, registration with a signed device list,
   * key packages upload, then `connect` and `account-ready`.
   * @throws EngineError('account-exists'); RangeError-free: a bad username is reported by the relay
   */
  createAccount(username: string): Started {
    if (this.core.account !== undefined) throw new EngineError('account-exists', this.core.account.username);
    const normalised = normaliseUsername(username);
    if (!normalised.ok) throw new EngineError('relay-error', 'invalid-username');
    const core = this.core;
    const account = newAccount(core.provider, normalised.username);
    const intent = core.id();
    const fail = (what: string, code: string): Action[] => [{ type: 'intent-failed', intent, error: new EngineError('relay-error', `${what}: ${code}`) }];
    const actions = [
      core.http({ kind: 'challenge' }, (challenge) => {
        if (!challenge.ok) return fail('challenge', challenge.code);
        const body = registerRequest(core.provider, account, parseChallengeResponse(challenge.body).challenge);
        return [
          core.http({ kind: 'register', body }, (registered) => {
            if (!registered.ok) return fail('register', registered.code);
            ({ token: core.token, accountId: core.accountId } = parseSessionResponse(registered.body));
            core.account = account;
            core.directory.learn(account.username, body.deviceList);
            const upload = this.uploadKeyPackages(account, this.keyPackageTarget, true, () => [
              { type: 'connect', token: core.token! },
              { type: 'account-ready', username: account.username, deviceId: account.deviceIdHex },
            ]);
            return upload;
          }),
        ];
      }),
    ];
    return { intent, value: undefined, actions };
  }

  /**
   * `attempt` and `lastResortAgain`: a retry after an upload without an answer (see below),
   * carrying the same last-resort key package as the first attempt.
   */
  private uploadKeyPackages(account: Account, count: number, withLastResort: boolean, then: () => Action[], attempt = 0, lastResortAgain?: Uint8Array): Action[] {
    const core = this.core;
    const keyPackages = addKeyPackages(core.suite, account, count, core.nowSeconds());
    let lastResort: Uint8Array | undefined = lastResortAgain;
    if (withLastResort) {
      account.lastResort = ownKeyPackage(core.suite, account, core.nowSeconds());
      lastResort = mlsMessageBytes({ wireFormat: 'mls_key_package', keyPackage: account.lastResort.keyPackage });
    }
    if (keyPackages.length === 0 && lastResort === undefined) return then();
    core.replenishing = true;
    // The private keys are saved before the public halves leave the device.
    const save = saveAccount(account);
    const body = lastResort === undefined ? { keyPackages } : { keyPackages, lastResort };
    return [
      save,
      core.http({ kind: 'upload-key-packages', body }, (outcome) => {
        core.replenishing = false;
        if (outcome.ok) core.stats.keyPackagesUploaded += keyPackages.length;
        else if (RETRIED_UPLOAD_ERRORS.has(outcome.code) && attempt + 1 < MAX_KEY_PACKAGE_UPLOAD_ATTEMPTS) {
          // No answer or "not now": the relay may hold none of our key packages, not even the
          // last resort, and nothing would ever tell us (a claim that finds nothing sends no
          // notice): no one could add this device (chaos suite, no-key-packages). Fresh key
          // packages go on the next tick (the same ones could be stored twice, and the second
          // claim of one would fail its Welcome), with the same last resort.
          core.defer(() => this.uploadKeyPackages(account, count, false, () => [], attempt + 1, lastResort));
        }
        return then();
      }),
    ];
  }

  /**
   * A new conversation with `usernames` (a 1:1 conversation is one name): an MLS group of
   * our device, our other devices and every device of every user. Returns its id at once;
   * texts sent before the members joined wait in the outbox.
   * @throws EngineError('no-account' | 'too-many-users')
   */
  createConversation(usernames: readonly string[]): Started<string> {
    const account = this.requireAccount();
    if (usernames.length > MAX_CONVERSATION_USERS) throw new EngineError('too-many-users', `${usernames.length} > ${MAX_CONVERSATION_USERS}`);
    const core = this.core;
    const state = createGroup(core.suite, ownKeyPackage(core.suite, account, core.nowSeconds()));
    const conversation = newConversation(state, core.now);
    core.conversations.set(conversation.id, conversation);
    const others = [...new Set(usernames.map((u) => normaliseUsername(u)).flatMap((n) => (n.ok ? [n.username] : [])))].filter((u) => u !== account.username);
    const intent = core.id();
    conversation.intents.push({ kind: 'add', intent, usernames: [account.username, ...others], retries: 0 });
    return { intent, value: conversation.id, actions: [conversationAction(conversation), ...pump(core, conversation)] };
  }

  /** Adds every device of `username` to a conversation. @throws EngineError('no-account' | 'unknown-conversation') */
  addMember(conversationId: string, username: string): Started {
    return this.addMembers(conversationId, [username]);
  }

  /**
   * Adds every device of each of `usernames` in ONE commit (a group grown by many people
   * at once: one epoch instead of one per person, so every member processes one commit).
   * @throws EngineError('too-many-users') above MAX_CONVERSATION_USERS, as a creation,
   *   ('no-account' | 'unknown-conversation')
   */
  addMembers(conversationId: string, usernames: readonly string[]): Started {
    if (usernames.length > MAX_CONVERSATION_USERS) throw new EngineError('too-many-users', `${usernames.length} > ${MAX_CONVERSATION_USERS}`);
    const conversation = this.requireConversation(conversationId);
    const intent = this.core.id();
    conversation.intents.push({ kind: 'add', intent, usernames: [...usernames], retries: 0 });
    return { intent, value: undefined, actions: pump(this.core, conversation) };
  }

  /**
   * Adds the devices of `username` the conversation lacks (key transparency: devices that
   * were pending when `username` was added). Nothing left to add is success, not a failure.
   * @throws EngineError('no-account' | 'unknown-conversation')
   */
  addMissingDevices(conversationId: string, username: string): Started {
    const conversation = this.requireConversation(conversationId);
    const intent = this.core.id();
    conversation.intents.push({ kind: 'add', intent, usernames: [username], retries: 0, sync: true });
    return { intent, value: undefined, actions: pump(this.core, conversation) };
  }

  /** Removes every device of `username`. @throws EngineError('no-account' | 'unknown-conversation') */
  removeMember(conversationId: string, username: string): Started {
    const conversation = this.requireConversation(conversationId);
    const intent = this.core.id();
    conversation.intents.push({ kind: 'remove', intent, username, retries: 0 });
    return { intent, value: undefined, actions: pump(this.core, conversation) };
  }

  /**
   * Sends a text (or a reply, edit or delete) as MIMI content; shows it at once as outgoing.
   * Returns the message id (hex).
   * @throws EngineError('no-account' | 'unknown-conversation' | 'outbox-full'), ContentError('too-large')
   */
  send(conversationId: string, body: MessageBody | string): Started<string> {
    const account = this.requireAccount();
    const conversation = this.requireConversation(conversationId);
    if (conversation.outbox.length >= MAX_OUTBOX) throw new EngineError('outbox-full', `${MAX_OUTBOX} queued`);
    const core = this.core;
    const typed: MessageBody = typeof body === 'string' ? { kind: 'text', text: body, inReplyTo: null } : body;
    if (metaOf(conversation).leaving) throw new EngineError('conversation-left', conversationId.slice(0, 16));
    const checkpoint = this.checkpointSource?.();
    const content = { body: typed, sentAt: core.now, expires: disappearingExpiry(conversation), ...(checkpoint === undefined ? {} : { ktCheckpoint: checkpoint }) };
    const bytes = encodeMessageContent(content, (n) => core.provider.randomBytes(n));
    const identity = credentialFor(account.username, account.device.id);
    const messageId = toHex(messageIdOf(core.provider, conversation.groupId, identity.type === 'basic' ? identity.identity : new Uint8Array(0), bytes));
    rememberMessage(conversation, messageId);
    conversation.outbox.push({ content: bytes, messageId });
    const shown: Action = { type: 'show', message: { conversationId, messageId, sender: { username: account.username, deviceId: account.deviceIdHex }, outgoing: true, content } };
    return { intent: core.id(), value: messageId, actions: this.afterFeatures([shown, ...pump(core, conversation)]) };
  }

  /**
   * A named group: a conversation with `usernames` whose name (and topic) every member's
   * devices learn (content/conversation-settings.ts).
   * @throws as createConversation and changeSettings
   */
  createGroup(usernames: readonly string[], settings: ConversationSettings): Started<string> {
    const started = this.createConversation(usernames);
    const conversation = this.requireConversation(started.value);
    return { ...started, actions: this.afterFeatures([...started.actions, ...changeSettings(this.core, conversation, settings)]) };
  }

  /**
   * Renames a group, sets its topic, or sets its disappearing timer (seconds, 0 = off), for
   * every member. @throws EngineError('no-account' | 'unknown-conversation' | 'conversation-left' | 'outbox-full'), ContentError('too-large')
   */
  changeSettings(conversationId: string, settings: ConversationSettings): Started {
    const conversation = this.requireConversation(conversationId);
    return { intent: this.core.id(), value: undefined, actions: this.afterFeatures(changeSettings(this.core, conversation, settings)) };
  }

  /** Name, topic, timer and members of a conversation as this device knows them. */
  conversationInfo(conversationId: string): ConversationInfo | undefined {
    const conversation = this.core.conversations.get(conversationId);
    if (conversation === undefined) return undefined;
    const meta = metaOf(conversation);
    const members = membersOf(conversation.state).map(({ username, deviceId }) => ({ username, deviceId }));
    return { conversationId, name: meta.name, topic: meta.topic, disappearAfterSeconds: meta.disappearAfterSeconds, members, leaving: meta.leaving };
  }

  /**
   * Leaves a conversation on all of this account's devices (engine/leave.ts): a Remove
   * proposal that another member commits; `conversation-closed` follows.
   * @throws EngineError('no-account' | 'unknown-conversation')
   */
  leave(conversationId: string): Started {
    const conversation = this.requireConversation(conversationId);
    return { intent: this.core.id(), value: undefined, actions: this.afterFeatures(startLeave(this.core, conversation)) };
  }

  /** Sends read receipts for messages (hex ids) the user has seen, unless receipts are off. */
  markRead(conversationId: string, messageIds: readonly string[]): Action[] {
    const conversation = this.requireConversation(conversationId);
    return this.afterFeatures(markRead(this.core, conversation, messageIds));
  }

  /** Turns delivery and read receipts on or off for this device (saved). */
  setReceipts(enabled: boolean): Action[] {
    this.requireAccount();
    deviceMetaOf(this.core).receipts = enabled;
    return [saveDeviceMeta(this.core)];
  }

  get receiptsEnabled(): boolean {
    return deviceMetaOf(this.core).receipts;
  }

  /** Messages shown whose delivery receipts wait (only with `deferDeliveryReceipts`). */
  get pendingDeliveryReceipts(): number {
    let count = 0;
    for (const ids of deviceMetaOf(this.core).pendingDelivered.values()) count += ids.length;
    return count;
  }

  /**
   * Sends the delivery receipts that wait (`deferDeliveryReceipts`): one report per
   * conversation. A `tick` sends them too.
   */
  sendDeliveryReceipts(): Action[] {
    return this.afterFeatures([], true);
  }

  /**
   * What is known of one of our outgoing messages (the receipts of the latest
   * MAX_TRACKED_OUTGOING per conversation, kept across restarts), or undefined for an
   * older, incoming or unknown message.
   */
  messageStatus(conversationId: string, messageId: string): { readonly sent: boolean; readonly deliveredTo: readonly string[]; readonly readBy: readonly string[] } | undefined {
    const conversation = this.core.conversations.get(conversationId);
    const status = conversation === undefined ? undefined : metaOf(conversation).outgoing.get(messageId);
    if (status === undefined) return undefined;
    return { sent: status.sent, deliveredTo: [...status.deliveredTo].sort(), readBy: [...status.readBy].sort() };
  }

  /** The safety number with `username` (digits and QR payload). @throws EngineError('no-account' | 'unknown-contact') */
  safetyNumber(username: string): SafetyNumber {
    this.requireAccount();
    return safetyNumberWith(this.core, username);
  }

  /** Compares a scanned QR payload with our safety number with `username`. @throws EngineError('no-account' | 'unknown-contact') */
  compareSafetyNumber(username: string, scanned: string): ScanResult {
    this.requireAccount();
    return compareScannedWith(this.core, username, scanned);
  }

  /** Marks `username` verified (or not), pinned to its current identity key. @throws EngineError('no-account' | 'unknown-contact') */
  setVerified(username: string, verified: boolean): Action[] {
    this.requireAccount();
    return markVerified(this.core, username, verified);
  }

  /** What this device knows of `username`'s identity, or undefined before its device list was fetched. */
  contact(username: string): ContactInfo | undefined {
    return contactInfo(this.core, username);
  }

  /** Accepts the new identity key `username` was refused for (after comparing the new safety number). @throws EngineError('unknown-contact') */
  acceptIdentityChange(username: string): Action[] {
    this.requireAccount();
    return acceptIdentityChange(this.core, username);
  }

  /**
   * Fetches `username`'s signed device list (e.g. to compare safety numbers before any
   * conversation); a different identity key than the pinned one gives `identity-changed`.
   * @throws EngineError('no-account')
   */
  lookupContact(username: string): Started {
    this.requireAccount();
    const core = this.core;
    const intent = core.id();
    const action = core.http({ kind: 'get-account', username }, (outcome): Action[] => {
      if (!outcome.ok) return [{ type: 'intent-failed', intent, error: new EngineError('relay-error', `account ${username}: ${outcome.code}`) }];
      try {
        core.directory.learn(username, parseAccountResponse(outcome.body).deviceList);
      } catch (error) {
        return [{ type: 'intent-failed', intent, error: error instanceof EngineError ? error : new EngineError('invalid-device-list', username) }];
      }
      return [];
    });
    return { intent, value: undefined, actions: [action] };
  }

  /**
   * New device: starts linking to an existing account. Emits `link-offer` (the code and
   * QR text to show, and a verification code); then feed `tick` events (every second or
   * so): the engine polls the mailbox until an existing device answers, then signs in,
   * uploads key packages and emits `account-ready`. Fails with `link-expired` after 10 minutes.
   * @throws EngineError('account-exists')
   */
  beginLink(): Started {
    const intent = this.core.id();
    return { intent, value: undefined, actions: this.devicesPart.beginLink(intent) };
  }

  /**
   * Existing device: links the device that shows `code` (devices/link-approve.ts). Emits
   * `device-linked` with the verification code the new device also shows, then adds the
   * device to every conversation.
   * @throws EngineError('no-account' | 'invalid-link-code'); later: intent-failed with
   *   'link-expired' | 'link-rejected' | 'too-many-devices' | 'relay-error'
   */
  approveLink(code: string): Started {
    this.requireAccount();
    const intent = this.core.id();
    return { intent, value: undefined, actions: this.devicesPart.approveLink(intent, code) };
  }

  /**
   * Removes another device of our account: a signed list without it is uploaded (the relay
   * revokes it at once) and it is removed from every conversation.
   * @throws EngineError('no-account' | 'cannot-remove-self' | 'unknown-device')
   */
  removeDevice(deviceIdHex: string): Started {
    this.requireAccount();
    const intent = this.core.id();
    return { intent, value: undefined, actions: this.devicesPart.removeDevice(intent, deviceIdHex) };
  }

  /** Fetches our device list again and brings every conversation in step with it. */
  refreshDevices(): Started {
    this.requireAccount();
    return { intent: this.core.id(), value: undefined, actions: this.devicesPart.refresh() };
  }

  /** Our account's devices as our verified copy of its signed list names them. */
  devices(): OwnDevice[] {
    return this.devicesPart.devices();
  }

  /** After linking: conversations the linking device was in that this one has not joined yet. */
  awaitedConversations(): string[] {
    return this.devicesPart.awaitedConversations();
  }

  /** Feeds one event; returns the actions it causes, in the order they must be performed. */
  handle(event: EngineEvent): Action[] {
    const actions = this.handleEvent(event);
    return event.type === 'tick' ? this.afterFeatures([...actions, ...expireDue(this.core)], true) : this.afterFeatures(actions);
  }

  /**
   * The features' bookkeeping over what an event or intent caused (conversation-features.ts,
   * contacts.ts, leave.ts). `sendReceipts`: delivery receipts of shown messages go out now
   * (always, unless they are deferred).
   */
  private afterFeatures(actions: Action[], sendReceipts = !this.deferDeliveryReceipts): Action[] {
    const core = this.core;
    const leaving = [...core.conversations.values()].flatMap((c) => leaveStep(core, c));
    return [...afterActions(core, [...actions, ...leaving], sendReceipts), ...identityWarnings(core)];
  }

  private handleEvent(event: EngineEvent): Action[] {
    const core = this.core;
    switch (event.type) {
      case 'http-response': {
        const ownBefore = this.devicesPart.ownVersion();
        const actions = core.resolveHttp(event.id, event.outcome);
        // A newer own list learnt meanwhile (verify-members.ts): bring every group in step.
        actions.push(...this.devicesPart.afterEvent(ownBefore));
        return this.inbox.releaseAfter(actions);
      }
      case 'tick':
        core.now = event.now;
        // Awaited removals first: a conversation left for a device whose removal never came
        // must not show the texts that waited for it (entry-readiness.ts).
        return [...core.runDeferred(), ...expireAwaitedRemovals(core), ...this.inbox.expireAhead(), ...this.scheduleSelfUpdates(), ...this.devicesPart.tick()];
      case 'socket-down':
        core.online = false;
        return [];
      case 'socket-closed':
        core.online = false;
        return this.signIn();
      case 'frame': {
        const frame = event.frame;
        switch (frame.type) {
          case 'ready': {
            core.online = true;
            core.session++;
            this.inbox.newSession();
            core.catchUp = frame.queued;
            const actions = [...core.resendPending(), ...core.runDeferred()];
            return core.catchUp === 0 ? [...actions, ...this.pumpAll()] : actions;
          }
          case 'sent':
          case 'error': {
            return this.inbox.releaseAfter(core.resolveSend(frame));
          }
          case 'deliver':
            return this.inbox.deliver(frame.entries);
          case 'notice': {
            // Another device changed our account's list: fetch it and bring every group in step.
            if (frame.notice === 'devices-changed') return this.devicesPart.refresh();
            const account = core.account;
            if (account === undefined || core.replenishing) return [];
            return this.uploadKeyPackages(account, Math.max(0, this.keyPackageTarget - frame.value), false, () => []);
          }
        }
      }
    }
  }

  /** A new session (challenge signed by the device key), then `connect`: the relay redelivers unacknowledged entries. */
  private signIn(): Action[] {
    const core = this.core;
    const account = core.account;
    if (account === undefined) return [];
    return [
      core.http({ kind: 'challenge' }, (challenge) => {
        if (!challenge.ok) return [{ type: 'sign-in-failed', code: challenge.code }];
        return [
          core.http({ kind: 'session', body: sessionRequest(core.provider, account, parseChallengeResponse(challenge.body).challenge) }, (session) => {
            if (!session.ok) return [{ type: 'sign-in-failed', code: session.code }];
            ({ token: core.token, accountId: core.accountId } = parseSessionResponse(session.body));
            return [{ type: 'connect', token: core.token }];
          }),
        ];
      }),
    ];
  }

  /**
   * What incoming processing waits on, as counts and intent kinds only (no ids, names or
   * content): for the host's "did not settle" message, so a stall says where it is.
   */
  describeWaiting(): string {
    const inFlight = [...this.core.conversations.values()].flatMap((c) => (c.inFlight === undefined ? [] : [c.inFlight.intent.kind]));
    return `verifying=${this.core.verifying} in-flight=${inFlight.length === 0 ? 0 : inFlight.join(',')} ${this.inbox.describe()}`;
  }

  /** Moves every conversation forward (after the catch-up: queued intents and texts go out). */
  private pumpAll(): Action[] {
    return [...this.core.retryApplications(), ...[...this.core.conversations.values()].flatMap((c) => pump(this.core, c)), ...this.devicesPart.caughtUp()];
  }

  private scheduleSelfUpdates(): Action[] {
    const core = this.core;
    const actions: Action[] = [];
    for (const conversation of core.conversations.values()) {
      const due = conversation.sentSinceUpdate >= SELF_UPDATE_AFTER_MESSAGES || core.now - conversation.lastCommitAt >= SELF_UPDATE_AFTER_MS;
      if (!due || metaOf(conversation).leaving || conversation.intents.some((i) => i.kind === 'self-update') || conversation.inFlight?.intent.kind === 'self-update') continue;
      conversation.intents.push({ kind: 'self-update', intent: core.id(), retries: 0 });
      actions.push(...pump(core, conversation));
    }
    return actions;
  }

  private requireAccount(): Account {
    const account = this.core.account;
    if (account === undefined) throw new EngineError('no-account', 'create an account first');
    return account;
  }

  private requireConversation(conversationId: string): Conversation {
    this.requireAccount();
    const conversation = this.core.conversations.get(conversationId);
    if (conversation === undefined) throw new EngineError('unknown-conversation', conversationId.slice(0, 16));
    return conversation;
  }
}
