/**
 * The conversations and messages this device shows, built from the engine's display
 * actions (`show`, `conversation`, `conversation-closed`, `member-unverified`) and kept in
 * the vault's encrypted stores. Writes are chained so they land in the order the actions
 * came; listeners are told after each change.
 */
import type { Action, ShownMessage } from '@sealed/client/engine/actions';
import type { VaultStores } from '@sealed/client/store/vault-stores';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import { type ConversationView, decodeConversationView, decodeMessageView, encodeView, type MessageView, previewOf, storeAttachment } from './views.ts';

/** Most conversations loaded at unlock (a loop over stored data is bounded). */
export const MAX_LOADED_CONVERSATIONS = 10_000;
/** Most messages loaded per conversation at unlock: the newest screenfuls, not a whole history. */
export const MAX_LOADED_MESSAGES = 5_000;

function idBytes(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (bytes === undefined) throw new RangeError('id is not hex');
  return bytes;
}

export class ChatModel {
  readonly conversations = new Map<string, ConversationView>();
  readonly messages = new Map<string, MessageView[]>();
  /** The conversation on screen: its incoming messages are read at once. */
  openConversation: string | undefined;
  private writes: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  /** First storage failure, shown to the user (never swallowed). */
  failure: unknown;

  constructor(private readonly stores: VaultStores) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Loads what the vault holds (bounded), oldest first. */
  async load(): Promise<void> {
    let after: number | undefined;
    do {
      const page = await this.stores.conversations.list(after === undefined ? {} : { after });
      for (const item of page.items) {
        const view = decodeConversationView(item.record);
        this.conversations.set(view.id, view);
      }
      after = page.next;
    } while (after !== undefined && this.conversations.size < MAX_LOADED_CONVERSATIONS);
    for (const id of this.conversations.keys()) {
      const list: MessageView[] = [];
      let cursor: number | undefined;
      do {
        const page = await this.stores.messages.list(idBytes(id), cursor === undefined ? {} : { after: cursor });
        for (const item of page.items) list.push(decodeMessageView(item.message));
        cursor = page.next;
      } while (cursor !== undefined && list.length < MAX_LOADED_MESSAGES);
      this.messages.set(id, list);
    }
    this.changed();
  }

  /** Resolves once every write queued so far is stored. */
  flushed(): Promise<void> {
    return this.writes;
  }

  private persist(write: () => Promise<unknown>): void {
    this.writes = this.writes.then(write).then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= error;
        this.changed();
      },
    );
  }

  private saveConversation(view: ConversationView): void {
    const record = encodeView(view);
    this.persist(() => this.stores.conversations.put(idBytes(view.id), record));
  }

  private saveMessage(view: MessageView): void {
    const record = encodeView(view);
    this.persist(() => this.stores.messages.put(idBytes(view.conversationId), idBytes(view.id), record));
  }

  private conversation(id: string): ConversationView {
    let view = this.conversations.get(id);
    if (view === undefined) {
      view = { id, members: [], epoch: '0', unread: 0, lastAt: 0, preview: '', closed: false, warning: null };
      this.conversations.set(id, view);
      this.messages.set(id, []);
    }
    return view;
  }

  /** Applies one display action of the engine. */
  apply(action: Action): void {
    switch (action.type) {
      case 'show':
        this.show(action.message);
        break;
      case 'conversation': {
        const view = this.conversation(action.conversationId);
        view.members = [...action.members];
        view.epoch = action.epoch.toString();
        view.lastAt ||= Date.now();
        this.saveConversation(view);
        break;
      }
      case 'conversation-closed': {
        const view = this.conversation(action.conversationId);
        view.closed = true;
        this.saveConversation(view);
        break;
      }
      case 'member-unverified': {
        const view = this.conversation(action.conversationId);
        view.warning = `Not verified against their device list: ${action.usernames.join(', ')}${action.left ? ' (conversation left)' : ''}`;
        if (action.left) view.closed = true;
        this.saveConversation(view);
        break;
      }
      case 'sent':
      case 'message-status': {
        const message = this.messages.get(action.conversationId)?.find((m) => m.id === action.messageId);
        if (message === undefined) return;
        message.sent = true;
        if (action.type === 'message-status') {
          message.deliveredTo = [...action.deliveredTo];
          message.readBy = [...action.readBy];
        }
        this.saveMessage(message);
        break;
      }
      case 'expired': {
        const list = this.messages.get(action.conversationId);
        if (list === undefined) return;
        const gone = new Set(action.messageIds);
        this.messages.set(action.conversationId, list.filter((m) => !gone.has(m.id)));
        // The stored plaintext goes too, not only the row on screen.
        for (const id of gone) this.persist(() => this.stores.messages.delete(idBytes(action.conversationId), idBytes(id)));
        break;
      }
      case 'conversation-settings': {
        const view = this.conversation(action.conversationId);
        view.name = action.name;
        view.disappearAfterSeconds = action.disappearAfterSeconds;
        this.saveConversation(view);
        break;
      }
      default:
        return;
    }
    this.changed();
  }

  private show(message: ShownMessage): void {
    const conversation = this.conversation(message.conversationId);
    const list = this.messages.get(message.conversationId)!;
    const { body, sentAt } = message.content;
    if (body.kind === 'edit' || body.kind === 'delete') {
      const target = list.find((m) => m.id === toHex(body.target));
      // Only the author may change a message; anything else is ignored.
      if (target === undefined || target.sender.username !== message.sender.username) return;
      if (body.kind === 'edit' && !target.deleted) {
        target.text = body.text;
        target.edited = true;
      } else if (body.kind === 'delete') {
        target.text = '';
        target.deleted = true;
      }
      this.saveMessage(target);
      if (list[list.length - 1] === target) conversation.preview = target.deleted ? 'Message deleted' : previewOf(target.text);
      this.saveConversation(conversation);
      return;
    }
    if (body.kind !== 'text' && body.kind !== 'attachment') return;
    if (list.some((m) => m.id === message.messageId)) return;
    const text = body.kind === 'text' ? body.text : body.caption;
    const view: MessageView = {
      id: message.messageId,
      conversationId: message.conversationId,
      sender: message.sender,
      outgoing: message.outgoing,
      text,
      sentAt,
      replyTo: body.inReplyTo === null ? null : toHex(body.inReplyTo),
      edited: false,
      deleted: false,
      ...(body.kind === 'attachment' ? { attachment: storeAttachment(body.attachment) } : {}),
    };
    list.push(view);
    conversation.lastAt = Math.max(conversation.lastAt, sentAt);
    conversation.preview = body.kind === 'attachment' ? `📎 ${previewOf(body.attachment.filename)}` : previewOf(text);
    if (!message.outgoing && this.openConversation !== message.conversationId) conversation.unread++;
    this.saveMessage(view);
    this.saveConversation(conversation);
  }

  /** Marks a conversation read (it is on screen). */
  markRead(id: string): void {
    const view = this.conversations.get(id);
    if (view === undefined || view.unread === 0) return;
    view.unread = 0;
    this.saveConversation(view);
    this.changed();
  }

  /** Conversations, most recent activity first. */
  sorted(): ConversationView[] {
    return [...this.conversations.values()].sort((a, b) => b.lastAt - a.lastAt);
  }
}
