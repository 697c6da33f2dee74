/**
 * Sealed's message content as the application sees it (text, reply, edit, delete), mapped
 * onto MIMI content (mimi.ts):
 *
 *   text    SinglePart "text/plain;charset=utf-8", disposition render, inReplyTo for a reply
 *   edit    replaces = the edited message's id, SinglePart with the new text
 *   delete  replaces = the deleted message's id, NullPart (the draft's "retraction")
 *   every   salt (16 random bytes), sentAt (Sealed extension), expires (disappearing messages)
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
import { decodeMimiContent, Disposition, encodeMimiContent, type Expiration, type MimiContent, SALT_BYTES } from './mimi.ts';

export const TEXT_CONTENT_TYPE = 'text/plain;charset=utf-8';
const MESSAGE_ID_LABEL = new TextEncoder().encode('sealed message id v1\0');

export type MessageBody =
  | { readonly kind: 'text'; readonly text: string; readonly inReplyTo: Uint8Array | null }
  | { readonly kind: 'edit'; readonly target: Uint8Array; readonly text: string }
  | { readonly kind: 'delete'; readonly target: Uint8Array };

export interface MessageContent {
  readonly body: MessageBody;
  /** Sender's clock, ms since the Unix epoch (Sealed extension). */
  readonly sentAt: number;
  readonly expires: Expiration | null;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Encodes `content` as MIMI content with a fresh salt from `random`.
 * @throws ContentError('too-large') for a text above MAX_TEXT_BYTES
 */
export function encodeMessageContent(content: MessageContent, random: (length: number) => Uint8Array): Uint8Array {
  const { body } = content;
  let mimi: Omit<MimiContent, 'salt'>;
  const base = { topicId: new Uint8Array(0), expires: content.expires, sentAt: content.sentAt, otherExtensions: [] };
  const textPart = (text: string) => {
    const bytes = utf8.encode(text);
    if (bytes.length > MAX_TEXT_BYTES) throw new ContentError('too-large', `text of ${bytes.length} bytes`);
    return { disposition: Disposition.render, language: '', body: { cardinality: 'single', contentType: TEXT_CONTENT_TYPE, content: bytes } } as const;
  };
  if (body.kind === 'text') mimi = { ...base, replaces: null, inReplyTo: body.inReplyTo, part: textPart(body.text) };
  else if (body.kind === 'edit') mimi = { ...base, replaces: body.target, inReplyTo: null, part: textPart(body.text) };
  else mimi = { ...base, replaces: body.target, inReplyTo: null, part: { disposition: Disposition.render, language: '', body: { cardinality: 'null' } } };
  return encodeMimiContent({ ...mimi, salt: random(SALT_BYTES) });
}

/**
 * Decodes MIMI content into a Sealed message.
 * @throws ContentError as decodeMimiContent; 'invalid-content' for a body Sealed does not
 *   show (a content type other than UTF-8 text, a NullPart without `replaces`, no sentAt)
 */
export function decodeMessageContent(bytes: Uint8Array): MessageContent {
  const mimi = decodeMimiContent(bytes);
  if (mimi.sentAt === undefined) throw new ContentError('invalid-content', 'no sealed.sentAt extension');
  const { body } = mimi.part;
  let decoded: MessageBody;
  if (body.cardinality === 'null') {
    if (mimi.replaces === null) throw new ContentError('invalid-content', 'NullPart without replaces');
    decoded = { kind: 'delete', target: mimi.replaces };
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
  return { body: decoded, sentAt: mimi.sentAt, expires: mimi.expires };
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
