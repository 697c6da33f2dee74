/**
 * What the host keeps beside the engine's own records, in the vault's encrypted stores:
 * the messages shown (history), what it knows of each conversation (members, local name,
 * closed), and the relay's address. Deterministic CBOR (content/), versioned, strict:
 * a record that does not decode is reported, never half-read.
 *
 *   message      = [version 2, senderUsername tstr, senderDevice tstr, outgoing bool,
 *                   sentAt uint, receivedAt uint, kind tstr, text tstr / null,
 *                   target bstr / null, inReplyTo bstr / null, edited bool, deleted bool,
 *                   attachment / null]            ; version 1: the same without the last field
 *   kind         = "text" / "edit" / "delete" / "attachment" / "other" / "timer"
 *                  ; "timer": a system line (text: the new timer in seconds, "0" = off)
 *   attachment   = [url tstr, contentType tstr, filename tstr, size uint, expires uint,
 *                   key bstr, nonce bstr, contentHash bstr]
 *   conversation = [version 1, name tstr / null, members [* [username tstr, device tstr]],
 *                   epoch uint, closed bool, createdAt uint, lastActivity uint]
 */
import { decodeCbor } from '../content/cbor-decode.ts';
import { encodeCbor } from '../content/cbor-encode.ts';
import type { CborValue } from '../content/cbor-value.ts';
import type { SenderRef } from '../engine/actions.ts';
import type { AttachmentRef } from '../content/attachment-ref.ts';

export const MESSAGE_RECORD_VERSION = 2;
export const CONVERSATION_RECORD_VERSION = 1;

/** Largest host record we decode: a message is at most one text (64 KiB bound in content/limits) plus a few fields. */
export const MAX_HOST_RECORD_BYTES = 256 * 1024;
/** Members kept per conversation record: the relay's recipient bound (MAX_CONVERSATION_USERS x 16 devices). */
export const MAX_RECORD_MEMBERS = 1024;

export class HostRecordError extends Error {
  override readonly name = 'HostRecordError';
  constructor(readonly detail: string) {
    super(`host record: ${detail}`);
  }
}

/** One message as the history shows it (after edits and deletes were applied). */
export interface StoredMessage {
  readonly messageId: string;
  readonly sender: SenderRef;
  readonly outgoing: boolean;
  readonly sentAt: number;
  readonly receivedAt: number;
  /**
   * 'other': a kind this host does not render yet (text holds `<kind>`). 'timer': a system
   * line, the conversation's disappearing timer was set by `sender` (text holds the seconds,
   * "0" for off); made by this host, never received as content.
   */
  readonly kind: 'text' | 'edit' | 'delete' | 'attachment' | 'other' | 'timer';
  readonly text: string | null;
  readonly target: Uint8Array | null;
  readonly inReplyTo: Uint8Array | null;
  readonly edited: boolean;
  readonly deleted: boolean;
  /** For kind 'attachment': the reference (with the file's key) to download it. */
  readonly attachment: AttachmentRef | null;
}

export interface ConversationInfo {
  readonly conversationId: string;
  /** A name given on this device (shared group names are not built yet). */
  readonly name: string | null;
  readonly members: readonly SenderRef[];
  readonly epoch: bigint;
  /** We were removed (or left): nothing more can be sent. */
  readonly closed: boolean;
  readonly createdAt: number;
  readonly lastActivity: number;
}

const str = (v: CborValue | undefined, what: string): string => {
  if (typeof v !== 'string') throw new HostRecordError(`${what} is not text`);
  return v;
};
const uint = (v: CborValue | undefined, what: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new HostRecordError(`${what} is not an unsigned integer`);
  return v;
};
const bool = (v: CborValue | undefined, what: string): boolean => {
  if (typeof v !== 'boolean') throw new HostRecordError(`${what} is not a boolean`);
  return v;
};
const bytesOrNull = (v: CborValue | undefined, what: string): Uint8Array | null => {
  if (v === null) return null;
  if (!(v instanceof Uint8Array)) throw new HostRecordError(`${what} is not bytes`);
  return v;
};
const strOrNull = (v: CborValue | undefined, what: string): string | null => (v === null ? null : str(v, what));

function array(bytes: Uint8Array, length: number, version: number, what: string, older?: { readonly version: number; readonly length: number }): readonly CborValue[] {
  let value: CborValue;
  try {
    value = decodeCbor(bytes, MAX_HOST_RECORD_BYTES);
  } catch (error) {
    throw new HostRecordError(`${what} does not decode (${error instanceof Error ? error.message : 'CBOR'})`);
  }
  if (!Array.isArray(value)) throw new HostRecordError(`${what} is not an array`);
  const items = value as readonly CborValue[];
  const expected = older !== undefined && items[0] === older.version ? older.length : length;
  if (items[0] !== version && (older === undefined || items[0] !== older.version)) throw new HostRecordError(`${what} version ${String(items[0])} is not ${version}`);
  if (items.length !== expected) throw new HostRecordError(`${what} has ${items.length} fields, not ${expected}`);
  return items;
}

function encodeAttachment(a: AttachmentRef | null): CborValue {
  return a === null ? null : [a.url, a.contentType, a.filename, a.size, a.expires, a.key, a.nonce, a.contentHash];
}

function decodeAttachment(v: CborValue | undefined): AttachmentRef | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v) || v.length !== 8) throw new HostRecordError('attachment is not an 8-field array');
  const f = v as readonly CborValue[];
  const bytes = (x: CborValue | undefined, what: string) => {
    const b = bytesOrNull(x, what);
    if (b === null) throw new HostRecordError(`${what} is null`);
    return b;
  };
  return { url: str(f[0], 'url'), contentType: str(f[1], 'contentType'), filename: str(f[2], 'filename'), size: uint(f[3], 'size'), expires: uint(f[4], 'expires'), key: bytes(f[5], 'key'), nonce: bytes(f[6], 'nonce'), contentHash: bytes(f[7], 'contentHash') };
}

export function encodeMessageRecord(m: Omit<StoredMessage, 'messageId'>): Uint8Array {
  return encodeCbor([MESSAGE_RECORD_VERSION, m.sender.username, m.sender.deviceId, m.outgoing, m.sentAt, m.receivedAt, m.kind, m.text, m.target, m.inReplyTo, m.edited, m.deleted, encodeAttachment(m.attachment)]);
}

/** @throws HostRecordError for anything but a version-2 (or version-1) message record */
export function decodeMessageRecord(messageId: string, bytes: Uint8Array): StoredMessage {
  const f = array(bytes, 13, MESSAGE_RECORD_VERSION, 'message record', { version: 1, length: 12 });
  const kind = str(f[6], 'kind');
  if (kind !== 'text' && kind !== 'edit' && kind !== 'delete' && kind !== 'attachment' && kind !== 'other' && kind !== 'timer') throw new HostRecordError(`unknown message kind ${kind}`);
  return {
    messageId,
    sender: { username: str(f[1], 'sender'), deviceId: str(f[2], 'device') },
    outgoing: bool(f[3], 'outgoing'),
    sentAt: uint(f[4], 'sentAt'),
    receivedAt: uint(f[5], 'receivedAt'),
    kind,
    text: strOrNull(f[7], 'text'),
    target: bytesOrNull(f[8], 'target'),
    inReplyTo: bytesOrNull(f[9], 'inReplyTo'),
    edited: bool(f[10], 'edited'),
    deleted: bool(f[11], 'deleted'),
    attachment: decodeAttachment(f[12]),
  };
}

export function encodeConversationRecord(c: Omit<ConversationInfo, 'conversationId'>): Uint8Array {
  if (c.members.length > MAX_RECORD_MEMBERS) throw new HostRecordError(`${c.members.length} members > ${MAX_RECORD_MEMBERS}`);
  // Epochs are u64 in MLS; a conversation will not see 2^53 commits.
  return encodeCbor([CONVERSATION_RECORD_VERSION, c.name, c.members.map((m) => [m.username, m.deviceId]), Number(c.epoch), c.closed, c.createdAt, c.lastActivity]);
}

/** @throws HostRecordError for anything but a version-1 conversation record */
export function decodeConversationRecord(conversationId: string, bytes: Uint8Array): ConversationInfo {
  const f = array(bytes, 7, CONVERSATION_RECORD_VERSION, 'conversation record');
  const list = f[2];
  if (!Array.isArray(list) || list.length > MAX_RECORD_MEMBERS) throw new HostRecordError('members is not a bounded array');
  const members = (list as readonly CborValue[]).map((m) => {
    if (!Array.isArray(m) || m.length !== 2) throw new HostRecordError('member is not a pair');
    const pair = m as readonly CborValue[];
    return { username: str(pair[0], 'member username'), deviceId: str(pair[1], 'member device') };
  });
  return {
    conversationId,
    name: strOrNull(f[1], 'name'),
    members,
    epoch: BigInt(uint(f[3], 'epoch')),
    closed: bool(f[4], 'closed'),
    createdAt: uint(f[5], 'createdAt'),
    lastActivity: uint(f[6], 'lastActivity'),
  };
}
