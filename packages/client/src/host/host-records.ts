/**
 * What the host keeps in the vault beside the engine's records: what it knows of each
 * conversation (ConversationInfo), and its messages: a record per shown message (an edit or
 * delete applied to its author's message), a system line when the disappearing timer
 * changes, deletion when messages expire, and the history read back oldest first.
 * Portable, like host.ts; the encodings are records.ts.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { fromHex } from '@sealed/protocol/encoding';
import type { Action, SenderRef } from '../engine/actions.ts';
import type { AttachmentRef } from '../content/attachment-ref.ts';
import type { VaultStores } from '../store/vault-stores.ts';
import { HostError } from './errors.ts';
import { MAX_CONVERSATION_PAGES, MAX_HISTORY_PAGES } from './limits.ts';
import {
  CONVERSATION_RECORD_VERSION,
  type ConversationInfo,
  decodeConversationRecord,
  decodeMessageRecord,
  encodeConversationRecord,
  encodeMessageRecord,
  MESSAGE_RECORD_VERSION,
  type StoredMessage,
} from './records.ts';

type ShownMessage = Extract<Action, { type: 'show' }>['message'];

/** @throws HostError('unknown-conversation') for an id that is not hex. */
export function idBytes(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (bytes === undefined) throw new HostError('unknown-conversation', 'id is not hex');
  return bytes;
}

export function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** The record of a shown message. Kinds this host does not render yet are kept as "other" with their kind as text. */
function recordOf(shown: ShownMessage, receivedAt: number): StoredMessage {
  const body = shown.content.body;
  let kind: StoredMessage['kind'] = 'other';
  let text: string | null = `<${body.kind}>`;
  let target: Uint8Array | null = null;
  let inReplyTo: Uint8Array | null = null;
  let attachment: AttachmentRef | null = null;
  if (body.kind === 'text') {
    kind = 'text';
    text = body.text;
    inReplyTo = body.inReplyTo;
  } else if (body.kind === 'edit') {
    kind = 'edit';
    text = body.text;
    target = body.target;
  } else if (body.kind === 'delete') {
    kind = 'delete';
    text = null;
    target = body.target;
  } else if (body.kind === 'attachment') {
    kind = 'attachment';
    text = body.caption;
    inReplyTo = body.inReplyTo;
    attachment = body.attachment;
  }
  return { messageId: shown.messageId, sender: shown.sender, outgoing: shown.outgoing, sentAt: shown.content.sentAt, receivedAt, kind, text, target, inReplyTo, edited: false, deleted: false, attachment };
}

export class HostRecords {
  constructor(
    private readonly stores: VaultStores,
    private readonly provider: CryptoProvider,
  ) {}

  async saveConversation(info: ConversationInfo): Promise<void> {
    await this.stores.conversations.put(idBytes(info.conversationId), { version: CONVERSATION_RECORD_VERSION, data: encodeConversationRecord(info) });
  }

  /** Every conversation record (bounded by MAX_CONVERSATION_PAGES pages). */
  async loadConversations(): Promise<ConversationInfo[]> {
    const out: ConversationInfo[] = [];
    let after: number | undefined;
    for (let page = 0; page < MAX_CONVERSATION_PAGES; page++) {
      const result = await this.stores.conversations.list(after === undefined ? {} : { after });
      for (const item of result.items) out.push(decodeConversationRecord(hexOf(item.conversationId), item.record.data));
      if (result.next === undefined) break;
      after = result.next;
    }
    return out;
  }

  /**
   * Saves a shown message, or applies an edit or delete to its target when we have it and
   * the editor is its author. Returns the record to show (the edited target, or the message).
   */
  async saveShown(shown: ShownMessage, receivedAt: number): Promise<StoredMessage> {
    const conversation = idBytes(shown.conversationId);
    const body = shown.content.body;
    if (body.kind === 'edit' || body.kind === 'delete') {
      const existing = await this.stores.messages.get(conversation, body.target);
      if (existing !== undefined) {
        const target = decodeMessageRecord(hexOf(body.target), existing.data);
        // Only the author of a message may edit or delete it.
        if (target.sender.username === shown.sender.username) {
          const updated: StoredMessage = body.kind === 'edit' ? { ...target, text: body.text, edited: true } : { ...target, text: null, deleted: true };
          await this.putMessage(conversation, body.target, updated);
          return updated;
        }
      }
    }
    const message = recordOf(shown, receivedAt);
    await this.putMessage(conversation, idBytes(shown.messageId), message);
    return message;
  }

  /** A system line: `by` set the disappearing timer to `seconds` (0: off). */
  async saveTimerLine(conversationId: string, by: SenderRef, outgoing: boolean, seconds: number, at: number): Promise<StoredMessage> {
    const messageId = hexOf(this.provider.randomBytes(32));
    const message: StoredMessage = { messageId, sender: by, outgoing, sentAt: at, receivedAt: at, kind: 'timer', text: String(seconds), target: null, inReplyTo: null, edited: false, deleted: false, attachment: null };
    await this.putMessage(idBytes(conversationId), idBytes(messageId), message);
    return message;
  }

  /** Deletes expired messages (disappearing timer). */
  async deleteExpired(conversationId: string, messageIds: readonly string[]): Promise<void> {
    const conversation = idBytes(conversationId);
    for (const id of messageIds) await this.stores.messages.delete(conversation, idBytes(id));
  }

  /** The last `limit` messages of a conversation, oldest first. @throws VaultError from the stores */
  async lastMessages(conversationId: string, limit: number): Promise<StoredMessage[]> {
    const id = idBytes(conversationId);
    const out: StoredMessage[] = [];
    let after: number | undefined;
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const result = await this.stores.messages.list(id, after === undefined ? {} : { after });
      for (const item of result.items) {
        const message = decodeMessageRecord(hexOf(item.messageId), item.message.data);
        if (message.kind === 'text' || message.kind === 'attachment' || message.kind === 'other' || message.kind === 'timer') out.push(message);
        if (out.length > limit) out.shift();
      }
      if (result.next === undefined) break;
      after = result.next;
    }
    return out;
  }

  private putMessage(conversation: Uint8Array, messageId: Uint8Array, message: StoredMessage): Promise<void> {
    return this.stores.messages.put(conversation, messageId, { version: MESSAGE_RECORD_VERSION, data: encodeMessageRecord(message) });
  }
}
