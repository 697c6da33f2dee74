/**
 * What the web client keeps about each conversation and message for display, stored in the
 * vault's encrypted conversation and message stores (so history survives lock, reload and
 * restart, and is never on disk in clear). Encoded as versioned JSON: these records never
 * leave the device, and the vault's envelope authenticates them.
 */
import type { AttachmentRef } from '@sealed/client/content/attachment-ref';
import type { SenderRef } from '@sealed/client/engine/actions';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import type { StoredRecord } from '@sealed/client/store/envelope';

export const VIEW_RECORD_VERSION = 1;

/**
 * Longest text kept for a list preview: 140 characters. The list shows one line; the full
 * text stays in the message record.
 */
export const PREVIEW_CHARS = 140;

export interface MessageView {
  readonly id: string;
  readonly conversationId: string;
  readonly sender: SenderRef;
  readonly outgoing: boolean;
  text: string;
  readonly sentAt: number;
  /** Hex id of the message this one answers, or null. */
  readonly replyTo: string | null;
  edited: boolean;
  deleted: boolean;
  /** An attachment message: the reference (with its key; the record is encrypted by the vault). */
  attachment?: StoredAttachment;
  /** Outgoing only: the relay stored it (one check mark), then receipts by account. */
  sent?: boolean;
  deliveredTo?: string[];
  readBy?: string[];
}

export interface ConversationView {
  readonly id: string;
  members: SenderRef[];
  epoch: string;
  unread: number;
  lastAt: number;
  preview: string;
  /** True once we were removed or left: read-only. */
  closed: boolean;
  /** Set when a member's leaf did not match their verified device list. */
  warning: string | null;
  /** Shared settings (conversation-settings actions), when set by a member. */
  name?: string;
  disappearAfterSeconds?: number;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Thrown for a stored view of an unknown version or shape (the vault authenticated it, so this is a bug or a downgrade). */
export class ViewRecordError extends Error {
  override readonly name = 'ViewRecordError';
}

export function encodeView(value: MessageView | ConversationView): StoredRecord {
  return { version: VIEW_RECORD_VERSION, data: utf8.encode(JSON.stringify(value)) };
}

function decodeObject(record: StoredRecord): Record<string, unknown> {
  if (record.version !== VIEW_RECORD_VERSION) throw new ViewRecordError(`view record version ${record.version}`);
  const value: unknown = JSON.parse(utf8Decoder.decode(record.data));
  if (typeof value !== 'object' || value === null) throw new ViewRecordError('view record is not an object');
  return value as Record<string, unknown>;
}

export function decodeMessageView(record: StoredRecord): MessageView {
  const o = decodeObject(record);
  if (typeof o['id'] !== 'string' || typeof o['text'] !== 'string' || typeof o['sentAt'] !== 'number') throw new ViewRecordError('message view fields');
  return o as unknown as MessageView;
}

export function decodeConversationView(record: StoredRecord): ConversationView {
  const o = decodeObject(record);
  if (typeof o['id'] !== 'string' || !Array.isArray(o['members'])) throw new ViewRecordError('conversation view fields');
  return o as unknown as ConversationView;
}

export function previewOf(text: string): string {
  return text.length <= PREVIEW_CHARS ? text : `${text.slice(0, PREVIEW_CHARS - 1)}…`;
}

/** An AttachmentRef with its bytes as hex, for the JSON view record. */
export interface StoredAttachment {
  readonly url: string;
  readonly contentType: string;
  readonly filename: string;
  readonly size: number;
  readonly expires: number;
  readonly key: string;
  readonly nonce: string;
  readonly contentHash: string;
}

export function storeAttachment(ref: AttachmentRef): StoredAttachment {
  return { url: ref.url, contentType: ref.contentType, filename: ref.filename, size: ref.size, expires: ref.expires, key: toHex(ref.key), nonce: toHex(ref.nonce), contentHash: toHex(ref.contentHash) };
}

export function attachmentOf(stored: StoredAttachment): AttachmentRef {
  const bytes = (hex: string) => {
    const value = fromHex(hex);
    if (value === undefined) throw new ViewRecordError('attachment field is not hex');
    return value;
  };
  return { ...stored, key: bytes(stored.key), nonce: bytes(stored.nonce), contentHash: bytes(stored.contentHash) };
}
