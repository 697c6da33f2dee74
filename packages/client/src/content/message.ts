/**
 * Sealed's message content as the application sees it, mapped onto MIMI content (mimi.ts):
 *
 *   text        SinglePart "text/plain;charset=utf-8", disposition render, inReplyTo for a reply
 *   edit        replaces = the edited message's id, SinglePart with the new text
 *   delete      replaces = the deleted message's id, NullPart (the draft's "retraction")
 *   attachment  ExternalPart, disposition attachment (attachment-ref.ts), inReplyTo for a reply
 *   status      SinglePart "application/mimi-message-status" (receipts, message-status.ts)
 *   settings    SinglePart of conversation-settings.ts (name, topic, disappearing timer),
 *               disposition session
 *   every       salt (16 random bytes), sentAt (Sealed extension), expires (disappearing messages)
 *
 * Message id: MessageId is 32 bytes derived by hashing (draft-ietf-mimi-content); Sealed
 * computes SHA-256("sealed message id v1\0" || groupId length u8 || groupId || sender leaf
 * credential identity length u16 || identity || content bytes). The salt inside the
 * content makes it unique per message. NOT YET CHECKED byte-for-byte against the draft's
 * own derivation (which hashes sender and room URIs): interop with other MIMI clients will
 * need that alignment; ids are only compared inside Sealed today.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { ContentError } from './cbor-errors.ts';
import { MAX_TEXT_BYTES } from './limits.ts';
import { ATTACHMENT_URL_PREFIX, type AttachmentRef, SEALED_CHUNK_HASH_LIST, SEALED_CHUNKED_AES_256_GCM } from './attachment-ref.ts';
import { CONVERSATION_SETTINGS_CONTENT_TYPE, type ConversationSettings, decodeConversationSettings, encodeConversationSettings } from './conversation-settings.ts';
import { decodeMessageStatusReport, encodeMessageStatusReport, MESSAGE_STATUS_CONTENT_TYPE, type MessageStatusReport } from './message-status.ts';
import { decodeMimiContent, Disposition, encodeMimiContent, type Expiration, type ExternalBody, type MimiContent, type MimiPart, SALT_BYTES } from './mimi.ts';

export const TEXT_CONTENT_TYPE = 'text/plain;charset=utf-8';
const MESSAGE_ID_LABEL = new TextEncoder().encode('sealed message id v1\0');

export type MessageBody =
  | { readonly kind: 'text'; readonly text: string; readonly inReplyTo: Uint8Array | null }
  | { readonly kind: 'edit'; readonly target: Uint8Array; readonly text: string }
  | { readonly kind: 'delete'; readonly target: Uint8Array }
  | { readonly kind: 'attachment'; readonly attachment: AttachmentRef; readonly caption: string; readonly inReplyTo: Uint8Array | null };

/** Content the engine consumes and never shows as a message: receipts and conversation settings. */
export type ControlBody = { readonly kind: 'status'; readonly report: MessageStatusReport } | { readonly kind: 'settings'; readonly settings: ConversationSettings };

/** Every body the codec knows. */
export type ContentBody = MessageBody | ControlBody;

/** True for the kinds a user sees as a message. */
export function isMessageBody(body: ContentBody): body is MessageBody {
  return body.kind !== 'status' && body.kind !== 'settings';
}

export interface MessageContent<Body extends ContentBody = MessageBody> {
  readonly body: Body;
  /** Sender's clock, ms since the Unix epoch (Sealed extension). */
  readonly sentAt: number;
  readonly expires: Expiration | null;
  /**
   * The sender's latest key-transparency checkpoint (Sealed extension KT_CHECKPOINT_EXTENSION,
   * the 113-octet form of client/transparency/checkpoint-gossip.ts), checked by the receiver
   * against its own. Absent when the sender has none.
   */
  readonly ktCheckpoint?: Uint8Array;
}

/** Sealed extension carrying a gossiped transparency checkpoint (a byte string). */
export const KT_CHECKPOINT_EXTENSION = 'sealed.ktCheckpoint';
/** The gossip checkpoint's exact size (checkpoint-gossip.ts GOSSIP_CHECKPOINT_BYTES). */
const KT_CHECKPOINT_BYTES = 113;

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Encodes `content` as MIMI content with a fresh salt from `random`.
 * @throws ContentError('too-large') for a text above MAX_TEXT_BYTES
 */
export function encodeMessageContent(content: MessageContent<ContentBody>, random: (length: number) => Uint8Array): Uint8Array {
  const { body } = content;
  const otherExtensions: [string, Uint8Array][] = content.ktCheckpoint === undefined ? [] : [[KT_CHECKPOINT_EXTENSION, content.ktCheckpoint]];
  const base = { topicId: new Uint8Array(0), expires: content.expires, sentAt: content.sentAt, otherExtensions, replaces: null, inReplyTo: null };
  const textPart = (text: string): MimiPart => {
    const bytes = utf8.encode(text);
    if (bytes.length > MAX_TEXT_BYTES) throw new ContentError('too-large', `text of ${bytes.length} bytes`);
    return { disposition: Disposition.render, language: '', body: { cardinality: 'single', contentType: TEXT_CONTENT_TYPE, content: bytes } };
  };
  let mimi: Omit<MimiContent, 'salt'>;
  switch (body.kind) {
    case 'text':
      mimi = { ...base, inReplyTo: body.inReplyTo, part: textPart(body.text) };
      break;
    case 'edit':
      mimi = { ...base, replaces: body.target, part: textPart(body.text) };
      break;
    case 'delete':
      mimi = { ...base, replaces: body.target, part: { disposition: Disposition.render, language: '', body: { cardinality: 'null' } } };
      break;
    case 'attachment':
      mimi = { ...base, inReplyTo: body.inReplyTo, part: { disposition: Disposition.attachment, language: '', body: externalOf(body.attachment, body.caption) } };
      break;
    case 'status':
      mimi = { ...base, part: { disposition: Disposition.unspecified, language: '', body: { cardinality: 'single', contentType: MESSAGE_STATUS_CONTENT_TYPE, content: encodeMessageStatusReport(body.report) } } };
      break;
    case 'settings':
      mimi = { ...base, part: { disposition: Disposition.session, language: '', body: { cardinality: 'single', contentType: CONVERSATION_SETTINGS_CONTENT_TYPE, content: encodeConversationSettings(body.settings) } } };
      break;
  }
  return encodeMimiContent({ ...mimi, salt: random(SALT_BYTES) });
}

function externalOf(ref: AttachmentRef, caption: string): ExternalBody {
  return {
    cardinality: 'external',
    contentType: ref.contentType,
    url: ref.url,
    expires: ref.expires,
    size: ref.size,
    encAlg: SEALED_CHUNKED_AES_256_GCM,
    key: ref.key,
    nonce: ref.nonce,
    aad: new Uint8Array(0),
    hashAlg: SEALED_CHUNK_HASH_LIST,
    contentHash: ref.contentHash,
    description: caption,
    filename: ref.filename,
  };
}

function attachmentOf(body: ExternalBody): AttachmentRef {
  // Only Sealed's own construction is opened: another algorithm would be misread.
  if (body.encAlg !== SEALED_CHUNKED_AES_256_GCM || body.hashAlg !== SEALED_CHUNK_HASH_LIST) throw new ContentError('unsupported', `ExternalPart encAlg ${body.encAlg} hashAlg ${body.hashAlg}`);
  if (!body.url.startsWith(ATTACHMENT_URL_PREFIX) || body.aad.length !== 0) throw new ContentError('unsupported', 'ExternalPart url scheme or aad');
  return { url: body.url, contentType: body.contentType, filename: body.filename, size: body.size, expires: body.expires, key: body.key, nonce: body.nonce, contentHash: body.contentHash };
}

/**
 * Decodes MIMI content into a Sealed message.
 * @throws ContentError as decodeMimiContent; 'invalid-content' for a body Sealed does not
 *   show (a NullPart without `replaces`, control content that replaces or replies, no
 *   sentAt); 'unsupported' for another content type or an ExternalPart of another algorithm
 */
export function decodeMessageContent(bytes: Uint8Array): MessageContent<ContentBody> {
  const mimi = decodeMimiContent(bytes);
  if (mimi.sentAt === undefined) throw new ContentError('invalid-content', 'no sealed.sentAt extension');
  const { body } = mimi.part;
  let decoded: ContentBody;
  if (body.cardinality === 'null') {
    if (mimi.replaces === null) throw new ContentError('invalid-content', 'NullPart without replaces');
    decoded = { kind: 'delete', target: mimi.replaces };
  } else if (body.cardinality === 'external') {
    if (mimi.replaces !== null) throw new ContentError('unsupported', 'an edit to an attachment');
    decoded = { kind: 'attachment', attachment: attachmentOf(body), caption: body.description, inReplyTo: mimi.inReplyTo };
  } else if (body.contentType === MESSAGE_STATUS_CONTENT_TYPE || body.contentType === CONVERSATION_SETTINGS_CONTENT_TYPE) {
    if (mimi.replaces !== null || mimi.inReplyTo !== null) throw new ContentError('invalid-content', 'control content with replaces or inReplyTo');
    decoded = body.contentType === MESSAGE_STATUS_CONTENT_TYPE ? { kind: 'status', report: decodeMessageStatusReport(body.content) } : { kind: 'settings', settings: decodeConversationSettings(body.content) };
  } else {
    if (body.contentType !== TEXT_CONTENT_TYPE) throw new ContentError('unsupported', 'content type other than UTF-8 text');
    if (body.content.length > MAX_TEXT_BYTES) throw new ContentError('too-large', `text of ${body.content.length} bytes`);
    let text: string;
    try {
      text = utf8Strict.decode(body.content);
    } catch {
      throw new ContentError('invalid-utf8', 'text body');
    }
    decoded = mimi.replaces === null ? { kind: 'text', text, inReplyTo: mimi.inReplyTo } : { kind: 'edit', target: mimi.replaces, text };
  }
  const kt = mimi.otherExtensions.find(([k]) => k === KT_CHECKPOINT_EXTENSION)?.[1];
  if (kt === undefined) return { body: decoded, sentAt: mimi.sentAt, expires: mimi.expires };
  if (!(kt instanceof Uint8Array) || kt.length !== KT_CHECKPOINT_BYTES) throw new ContentError('invalid-content', `${KT_CHECKPOINT_EXTENSION} is not a ${KT_CHECKPOINT_BYTES}-octet byte string`);
  return { body: decoded, sentAt: mimi.sentAt, expires: mimi.expires, ktCheckpoint: kt };
}

/** The 32-byte message id of encoded content sent by `senderIdentity` in `groupId` (see the file header). */
export function messageIdOf(provider: CryptoProvider, groupId: Uint8Array, senderIdentity: Uint8Array, contentBytes: Uint8Array): Uint8Array {
  if (groupId.length > 255 || senderIdentity.length > 0xffff) throw new RangeError('group id or identity length');
  const input = new Uint8Array(MESSAGE_ID_LABEL.length + 1 + groupId.length + 2 + senderIdentity.length + contentBytes.length);
  let offset = 0;
  input.set(MESSAGE_ID_LABEL, offset);
  offset += MESSAGE_ID_LABEL.length;
  input[offset++] = groupId.length;
  input.set(groupId, offset);
  offset += groupId.length;
  input[offset++] = senderIdentity.length >>> 8;
  input[offset++] = senderIdentity.length & 0xff;
  input.set(senderIdentity, offset);
  offset += senderIdentity.length;
  input.set(contentBytes, offset);
  return provider.hash('SHA-256', input);
}
