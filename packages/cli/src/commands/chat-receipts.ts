/**
 * Receipts inside `sealed chat`: our messages' states as lines (`* read by bob: "see you"`)
 * when another account reports delivery or reading, and read receipts for the messages of
 * others this chat has shown (sent only when receipts are on: the engine checks).
 */
import type { SealedHost } from '@sealed/client/host/host';
import type { HostEvent } from '@sealed/client/host/events';
import type { StoredMessage } from '@sealed/client/host/records';
import { safeText } from '../render.ts';

/** Characters of a message quoted in a receipt line. */
const SNIPPET_CHARS = 40;
/** Messages remembered for receipt lines: a long chat forgets the oldest (their receipts show their id). */
const MAX_REMEMBERED = 1000;

interface Known {
  readonly snippet: string;
  delivered: Set<string>;
  read: Set<string>;
}

export class ChatReceipts {
  readonly #known = new Map<string, Known>();

  constructor(
    private readonly host: SealedHost,
    private readonly conversationId: string,
    private readonly me: string,
  ) {}

  /** Remembers a message shown in this chat; returns the id to mark read (another account's message), if any. */
  shown(message: StoredMessage): string | undefined {
    if (this.#known.size >= MAX_REMEMBERED) this.#known.delete(this.#known.keys().next().value!);
    const text = message.attachment === null ? (message.text ?? '') : message.attachment.filename;
    const snippet = safeText(text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}...` : text);
    const state = message.outgoing ? this.host.messageStatus(this.conversationId, message.messageId) : undefined;
    this.#known.set(message.messageId, { snippet, delivered: new Set(state?.deliveredTo ?? []), read: new Set(state?.readBy ?? []) });
    const fromOther = !message.outgoing && message.sender.username !== this.me;
    return fromOther && (message.kind === 'text' || message.kind === 'attachment') ? message.messageId : undefined;
  }

  /** A line for a receipt that tells something new (delivered to / read by someone), else undefined. */
  line(event: Extract<HostEvent, { type: 'message-status' }>): string | undefined {
    if (event.conversationId !== this.conversationId) return undefined;
    const known = this.#known.get(event.messageId);
    const quote = known === undefined ? `message ${event.messageId.slice(0, 8)}` : `"${known.snippet}"`;
    const newlyRead = event.readBy.filter((u) => known?.read.has(u) !== true);
    const newlyDelivered = event.deliveredTo.filter((u) => known?.delivered.has(u) !== true && !event.readBy.includes(u));
    if (known !== undefined) {
      known.delivered = new Set(event.deliveredTo);
      known.read = new Set(event.readBy);
    }
    if (newlyRead.length > 0) return `* read by ${newlyRead.join(', ')}: ${quote}`;
    if (newlyDelivered.length > 0) return `* delivered to ${newlyDelivered.join(', ')}: ${quote}`;
    return undefined;
  }
}
