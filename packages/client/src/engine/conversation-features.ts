/**
 * Conversation features on top of the engine's message path: disappearing messages,
 * delivery and read receipts, shared settings (group name, topic, timer). Each is typed
 * MIMI content in an MLS application message (content/), so every device of every member
 * learns it and the relay sees one more ciphertext.
 *
 * - Disappearing: a message's `expires` (MIMI) is set from the conversation timer when
 *   sent (relative: counted from when each device receives it, as Signal counts from
 *   arrival); every device records the deadline, and the first clock `tick` after it emits
 *   `expired` (the host deletes the message and its stored plaintext). A message received
 *   already expired is never shown. Deadlines are saved (meta record) so a restart does not
 *   forget them.
 * - Receipts: a device that shows a message of another account sends `delivered` after
 *   the batch of entries it came in (one report per conversation), or, deferred (hosts),
 *   shortly after the message was shown, with the receipts of the messages shown meanwhile
 *   in the same report; `markRead` sends
 *   `read`. With receipts turned off, none are sent. The sending device keeps, per message,
 *   sent / delivered to / read by (accounts, not devices) and emits `message-status` only
 *   when that changes.
 * - Settings: each field is a last-writer-wins register stamped (sentAt, sender device):
 *   every device keeps the greatest stamp, so concurrent changes converge whatever their
 *   arrival order; a local change is stamped above every stamp this device has seen (a
 *   hybrid logical clock), so a change made after seeing another wins even with a lagging
 *   clock. After our commit adds members, the current settings are sent again (stamped with
 *   the latest change they repeat) so the new members learn them.
 */
import { fromHex, toHex } from '@sealed/protocol/encoding';
import type { ConversationSettings } from '../content/conversation-settings.ts';
import { type ContentBody, type ControlBody, encodeMessageContent, type MessageBody, type MessageContent, messageIdOf } from '../content/message.ts';
import { MessageStatus, MAX_STATUSES_PER_REPORT } from '../content/message-status.ts';
import type { Expiration } from '../content/mimi.ts';
import type { Action, SenderRef, ShownMessage } from './actions.ts';
import { pump } from './commits.ts';
import { type Conversation, rememberMessage } from './conversation.ts';
import type { EngineCore } from './core.ts';
import { EngineError } from './errors.ts';
import { boundedAdd, boundedAddToSet, deviceMetaOf, MAX_PENDING_EXPIRIES, MAX_TRACKED_AUTHORS, MAX_TRACKED_OUTGOING, metaOf, type OutgoingStatus, saveConversationMeta, type SettingStamp } from './feature-state.ts';
import { credentialFor } from './identity.ts';
import { MAX_OUTBOX } from './limits.ts';

/** Id of the last settings message queued per conversation (a second one is not needed while it waits). */
const settingsQueued = new WeakMap<Conversation, string>();

/** The MIMI `expires` of a message sent now in `conversation` (its timer, relative), or null. */
export function disappearingExpiry(conversation: Conversation): Expiration | null {
  const seconds = metaOf(conversation).disappearAfterSeconds;
  return seconds > 0 ? { relative: true, time: seconds } : null;
}

/**
 * Encodes `body`, remembers its id and queues it in the outbox (sent when the conversation
 * can send). Returns the id (hex) and the content.
 * @throws EngineError('outbox-full'), ContentError('too-large')
 */
export function queueContent(core: EngineCore, conversation: Conversation, body: ContentBody, expires: Expiration | null, sentAt: number = core.now): { messageId: string; content: MessageContent<ContentBody> } {
  if (conversation.outbox.length >= MAX_OUTBOX) throw new EngineError('outbox-full', `${MAX_OUTBOX} queued`);
  const account = core.account!;
  const content: MessageContent<ContentBody> = { body, sentAt, expires };
  const bytes = encodeMessageContent(content, (n) => core.provider.randomBytes(n));
  const identity = credentialFor(account.username, account.device.id);
  const messageId = toHex(messageIdOf(core.provider, conversation.groupId, identity.type === 'basic' ? identity.identity : new Uint8Array(0), bytes));
  rememberMessage(conversation, messageId);
  conversation.outbox.push({ content: bytes, messageId });
  return { messageId, content };
}

function queueControl(core: EngineCore, conversation: Conversation, body: ControlBody, sentAt?: number): string {
  const { messageId } = queueContent(core, conversation, body, null, sentAt);
  boundedAddToSet(metaOf(conversation).control, messageId, MAX_TRACKED_OUTGOING);
  return messageId;
}

function settingsAction(conversation: Conversation, changedBy: SenderRef): Action {
  const meta = metaOf(conversation);
  return { type: 'conversation-settings', conversationId: conversation.id, name: meta.name, topic: meta.topic, disappearAfterSeconds: meta.disappearAfterSeconds, changedBy };
}

/** True when `stamp` wins over `current` (last writer wins; equal stamps: the later processed, which is relay order for one sender). */
function wins(stamp: SettingStamp, current: SettingStamp | undefined): boolean {
  if (current === undefined || stamp.at !== current.at) return current === undefined || stamp.at > current.at;
  return stamp.device >= current.device;
}

/**
 * Applies each field of a settings change whose stamp beats the field's current one:
 * concurrent changes converge to the same values on every device, whatever the order in
 * which they arrive (a last-writer-wins register per field).
 */
function applySettings(conversation: Conversation, settings: ConversationSettings, stamp: SettingStamp): void {
  const meta = metaOf(conversation);
  if (settings.name !== undefined && wins(stamp, meta.stamps.name)) {
    meta.name = settings.name;
    meta.stamps.name = stamp;
  }
  if (settings.topic !== undefined && wins(stamp, meta.stamps.topic)) {
    meta.topic = settings.topic;
    meta.stamps.topic = stamp;
  }
  if (settings.disappearAfterSeconds !== undefined && wins(stamp, meta.stamps.timer)) {
    meta.disappearAfterSeconds = settings.disappearAfterSeconds;
    meta.stamps.timer = stamp;
  }
}

/**
 * Changes the conversation's shared settings: applied here at once, sent to every member.
 * @throws EngineError('conversation-left' | 'outbox-full'), ContentError('too-large'), RangeError for an empty change
 */
export function changeSettings(core: EngineCore, conversation: Conversation, settings: ConversationSettings): Action[] {
  if (metaOf(conversation).leaving) throw new EngineError('conversation-left', conversation.id.slice(0, 16));
  // A hybrid logical clock: our change beats every value this device has seen even when
  // our clock lags the sender of that value (causality first, then wall time).
  const meta = metaOf(conversation);
  const seen = [settings.name === undefined ? undefined : meta.stamps.name, settings.topic === undefined ? undefined : meta.stamps.topic, settings.disappearAfterSeconds === undefined ? undefined : meta.stamps.timer];
  const at = Math.max(core.now, ...seen.map((s) => (s === undefined ? 0 : s.at + 1)));
  settingsQueued.set(conversation, queueControl(core, conversation, { kind: 'settings', settings }, at));
  const account = core.account!;
  applySettings(conversation, settings, { at, device: account.deviceIdHex });
  return [saveConversationMeta(conversation), settingsAction(conversation, { username: account.username, deviceId: account.deviceIdHex }), ...pump(core, conversation)];
}

/** After a commit of ours added members: the current settings go out again, for them. */
export function afterMembersAdded(core: EngineCore, conversation: Conversation): void {
  const meta = metaOf(conversation);
  if (meta.name === '' && meta.topic === '' && meta.disappearAfterSeconds === 0) return;
  if (conversation.outbox.length >= MAX_OUTBOX) return;
  // A settings change still waiting in the outbox reaches the new members anyway.
  const queued = settingsQueued.get(conversation);
  if (queued !== undefined && conversation.outbox.some((o) => o.messageId === queued)) return;
  // Stamped with the latest change it repeats, so it does not outrank a concurrent newer change.
  const at = Math.max(...[meta.stamps.name, meta.stamps.topic, meta.stamps.timer].map((s) => s?.at ?? 0));
  settingsQueued.set(conversation, queueControl(core, conversation, { kind: 'settings', settings: { name: meta.name, topic: meta.topic, disappearAfterSeconds: meta.disappearAfterSeconds } }, at));
}

function statusAction(conversation: Conversation, messageId: string, status: OutgoingStatus): Action {
  return { type: 'message-status', conversationId: conversation.id, messageId, sent: status.sent, deliveredTo: [...status.deliveredTo].sort(), readBy: [...status.readBy].sort() };
}

/** Receipts and settings from `sender` (already authenticated by MLS, shown once by id). */
export function onControlContent(core: EngineCore, conversation: Conversation, sender: SenderRef, content: MessageContent<ControlBody>): Action[] {
  const body = content.body;
  if (body.kind === 'settings') {
    applySettings(conversation, body.settings, { at: content.sentAt, device: sender.deviceId });
    return [saveConversationMeta(conversation), settingsAction(conversation, sender)];
  }
  const own = core.account!.username;
  // Our own other devices report too: they are not "delivered to" anyone else.
  if (sender.username === own) return [];
  const meta = metaOf(conversation);
  const actions: Action[] = [];
  for (const { messageId, status } of body.report.statuses) {
    const tracked = meta.outgoing.get(toHex(messageId));
    if (tracked === undefined) continue;
    let changed = false;
    if ((status === MessageStatus.delivered || status === MessageStatus.read) && !tracked.deliveredTo.has(sender.username)) {
      tracked.deliveredTo.add(sender.username);
      changed = true;
    }
    if (status === MessageStatus.read && !tracked.readBy.has(sender.username)) {
      tracked.readBy.add(sender.username);
      changed = true;
    }
    if (changed) actions.push(statusAction(conversation, toHex(messageId), tracked));
  }
  return actions.length > 0 ? [...actions, saveConversationMeta(conversation, true)] : actions;
}

function deadlineOf(expires: Expiration | null, conversation: Conversation, now: number): number | undefined {
  const effective = expires ?? disappearingExpiry(conversation);
  if (effective === null) return undefined;
  return effective.relative ? now + effective.time * 1000 : effective.time * 1000;
}

/**
 * Edits and deletes belong to the author: one whose target this device knows as another
 * account's message is refused (MLS authenticates the sender; MIMI leaves the rule to the
 * client). A target we never saw (before we joined, or forgotten) cannot be checked here:
 * the host applies it only to a message whose stored sender matches.
 */
export function editAllowed(conversation: Conversation, senderUsername: string, body: MessageBody): boolean {
  if (body.kind !== 'edit' && body.kind !== 'delete') return true;
  const author = metaOf(conversation).authors.get(toHex(body.target));
  return author === undefined || author === senderUsername;
}

function onShown(core: EngineCore, message: ShownMessage): boolean {
  const conversation = core.conversations.get(message.conversationId);
  if (conversation === undefined) return true;
  const meta = metaOf(conversation);
  boundedAdd(meta.authors, message.messageId, message.sender.username, MAX_TRACKED_AUTHORS);
  if (meta.leaving && !message.outgoing) return false;
  const deadline = deadlineOf(message.content.expires, conversation, core.now);
  if (deadline !== undefined) {
    if (deadline <= core.now) return false;
    if (meta.expiries.size >= MAX_PENDING_EXPIRIES) {
      // Early deletion is the safe side: the oldest deadline is brought forward to now.
      const oldest = meta.expiries.keys().next().value;
      if (oldest !== undefined) meta.expiries.set(oldest, core.now);
    }
    meta.expiries.set(message.messageId, deadline);
  }
  const own = core.account!.username;
  if (message.outgoing) {
    if (!meta.outgoing.has(message.messageId)) boundedAdd(meta.outgoing, message.messageId, { sent: false, deliveredTo: new Set(), readBy: new Set() }, MAX_TRACKED_OUTGOING);
  } else if (message.sender.username !== own) {
    boundedAddToSet(meta.incoming, message.messageId, MAX_TRACKED_OUTGOING);
    const device = deviceMetaOf(core);
    if (device.receipts) {
      const pending = device.pendingDelivered.get(conversation.id) ?? [];
      pending.push(fromHex(message.messageId)!);
      device.pendingDelivered.set(conversation.id, pending);
    }
  }
  return true;
}

function flushDelivered(core: EngineCore): Action[] {
  const device = deviceMetaOf(core);
  const actions: Action[] = [];
  for (const [conversationId, ids] of device.pendingDelivered) {
    const conversation = core.conversations.get(conversationId);
    if (conversation === undefined || metaOf(conversation).leaving) continue;
    for (let i = 0; i < ids.length; i += MAX_STATUSES_PER_REPORT) {
      const statuses = ids.slice(i, i + MAX_STATUSES_PER_REPORT).map((messageId) => ({ messageId, status: MessageStatus.delivered }));
      if (conversation.outbox.length < MAX_OUTBOX) queueControl(core, conversation, { kind: 'status', report: { timestamp: core.now, statuses } });
    }
    actions.push(...pump(core, conversation));
  }
  device.pendingDelivered.clear();
  return actions;
}

/**
 * Read receipts for messages of other accounts in `conversation` (ids in hex; ids this
 * device did not receive from another account are ignored). Nothing is sent when receipts
 * are off.
 */
export function markRead(core: EngineCore, conversation: Conversation, messageIds: readonly string[]): Action[] {
  if (!deviceMetaOf(core).receipts) return [];
  const meta = metaOf(conversation);
  const ids = [...new Set(messageIds)].filter((id) => meta.incoming.has(id));
  if (ids.length === 0 || meta.leaving) return [];
  for (const id of ids) meta.incoming.delete(id); // read once: never reported twice
  const save = saveConversationMeta(conversation);
  for (let i = 0; i < ids.length; i += MAX_STATUSES_PER_REPORT) {
    const statuses = ids.slice(i, i + MAX_STATUSES_PER_REPORT).map((id) => ({ messageId: fromHex(id)!, status: MessageStatus.read }));
    queueControl(core, conversation, { kind: 'status', report: { timestamp: core.now, statuses } });
  }
  return [save, ...pump(core, conversation)];
}

/**
 * Runs after every intent and event: follows what the engine's actions say (messages
 * shown and sent) and adds what the features need (expiry bookkeeping, receipts, status
 * changes). Shows of a conversation being left and of messages already expired are dropped.
 * `sendReceipts`: the delivery receipts waiting are encrypted and sent now; otherwise they
 * keep waiting (Engine option `deferDeliveryReceipts`).
 */
export function afterActions(core: EngineCore, actions: readonly Action[], sendReceipts = true): Action[] {
  const out: Action[] = [];
  const changedMeta = new Set<Conversation>();
  for (const action of actions) {
    if (action.type === 'show') {
      if (!onShown(core, action.message)) continue;
      // Deadlines and receipt state changed: saved once after the batch.
      const conversation = core.conversations.get(action.message.conversationId);
      if (conversation !== undefined) changedMeta.add(conversation);
    } else if (action.type === 'sent') {
      const conversation = core.conversations.get(action.conversationId);
      if (conversation !== undefined) {
        const meta = metaOf(conversation);
        if (meta.control.has(action.messageId)) continue;
        const tracked = meta.outgoing.get(action.messageId);
        if (tracked !== undefined && !tracked.sent) {
          tracked.sent = true;
          changedMeta.add(conversation);
          out.push(action, statusAction(conversation, action.messageId, tracked));
          continue;
        }
      }
    }
    out.push(action);
  }
  // Lazy: a shown message's expiry and receipt state are durable before its entry is
  // acknowledged (the host's ACK waits), and our own messages' with the next durable write.
  for (const conversation of changedMeta) out.push(saveConversationMeta(conversation, true));
  if (sendReceipts) out.push(...flushDelivered(core));
  return out;
}

/** On a clock tick: every message whose deadline passed is reported `expired` (and forgotten). */
export function expireDue(core: EngineCore): Action[] {
  const actions: Action[] = [];
  for (const conversation of core.conversations.values()) {
    const meta = metaOf(conversation);
    const due: string[] = [];
    for (const [id, at] of meta.expiries) if (at <= core.now) due.push(id);
    if (due.length === 0) continue;
    for (const id of due) {
      meta.expiries.delete(id);
      meta.outgoing.delete(id);
      meta.incoming.delete(id);
    }
    actions.push({ type: 'expired', conversationId: conversation.id, messageIds: due }, saveConversationMeta(conversation));
  }
  return actions;
}

/** A conversation we no longer belong to: its disappearing messages go now (no tick will see them later). */
export function onConversationClosed(conversation: Conversation): Action[] {
  const meta = metaOf(conversation);
  const due = [...meta.expiries.keys()];
  meta.expiries.clear();
  const actions: Action[] = due.length > 0 ? [{ type: 'expired', conversationId: conversation.id, messageIds: due }] : [];
  actions.push({ type: 'delete', record: 'meta', key: conversation.id });
  return actions;
}
