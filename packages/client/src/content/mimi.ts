/**
 * MIMI content (draft-ietf-mimi-content, CDDL `mimiContent`) as typed values, and its
 * CBOR encoding through our deterministic subset.
 *
 *   mimiContent = [
 *     salt: bstr .size 16,
 *     replaces: null / MessageId,          ; edit (with a body) or delete (with a NullPart)
 *     topicId: bstr,                       ; Sealed: always empty
 *     expires: null / Expiration,          ; Expiration = [relative: bool, time: uint .size 4]
 *     inReplyTo: null / MessageId,
 *     mimiExtensions: { ? 1 => senderUri tstr, ? 2 => roomUri tstr, * name => value },
 *     nestedPart: [disposition, language: tstr, (NullPart // SinglePart // ...)]
 *   ]
 *   MessageId = bstr .size 32
 *   NullPart = (cardinality: 0)   SinglePart = (cardinality: 1, contentType: tstr, content: bstr)
 *   ExternalPart = (cardinality: 2, contentType: tstr, url: tstr, expires: uint .size 4,
 *                   size: uint .size 8, encAlg: uint .size 2, key: bstr, nonce: bstr,
 *                   aad: bstr, hashAlg: uint .size 1, contentHash: bstr,
 *                   description: tstr, filename: tstr)
 *
 * What Sealed uses: salt, replaces, expires, inReplyTo, the senderUri/roomUri extensions
 * (optional), and NullPart, SinglePart or ExternalPart bodies (attachments: the file is
 * fetched from `url`, decrypted with `key`, checked against `contentHash`; see
 * features/attachments/). MultiPart is not decoded yet: it is refused with
 * ContentError('unsupported') so a newer peer's message is reported, not misread.
 *
 * Sealed-specific extension: SENT_AT_EXTENSION ("sealed.sentAt", a text name as the CDDL's
 * `unknownExtension` allows) holds the sender's clock in milliseconds since the Unix epoch.
 * MIMI derives a hub timestamp outside the content; Sealed's relay timestamps are not
 * authenticated, so the sender's own claim travels inside the encrypted content.
 * Other extensions are kept as opaque values so they re-encode unchanged.
 */
import { ContentError } from './cbor-errors.ts';
import { decodeCbor } from './cbor-decode.ts';
import { encodeCbor } from './cbor-encode.ts';
import { CborMap, type CborKey, type CborValue } from './cbor-value.ts';
import { MAX_EXTENSION_VALUE_BYTES, MAX_EXTERNAL_AAD_BYTES, MAX_EXTERNAL_DESCRIPTION_BYTES, MAX_EXTERNAL_FILENAME_BYTES, MAX_EXTERNAL_KEY_BYTES, MAX_EXTERNAL_URL_BYTES, MAX_CONTENT_TYPE_BYTES } from './limits.ts';

/** 16 random bytes in every message, so equal texts give different message ids. */
export const SALT_BYTES = 16;
/** MessageId = bstr .size 32 (draft-ietf-mimi-content). */
export const MESSAGE_ID_BYTES = 32;
/** Sealed extension: sender's clock (ms since the Unix epoch) as a uint. */
export const SENT_AT_EXTENSION = 'sealed.sentAt';
const SENDER_URI = 1;
const ROOM_URI = 2;
const NULL_PART = 0;
const SINGLE_PART = 1;
const EXTERNAL_PART = 2;
/** ExternalPart is `cardinality` plus 12 fields; with disposition and language, 15 items. */
const EXTERNAL_PART_ITEMS = 15;
const MAX_U16 = 0xffff;
const MAX_U8 = 0xff;
const MAX_DISPOSITION = 255;
const MAX_EXPIRATION_TIME = 0xffff_ffff;

/** baseDispos of the draft: render (1) is what a text message uses. */
export const Disposition = { unspecified: 0, render: 1, reaction: 2, profile: 3, inline: 4, icon: 5, attachment: 6, session: 7, preview: 8 } as const;

export interface Expiration {
  /** true: `time` seconds after receipt; false: absolute seconds since the Unix epoch. */
  readonly relative: boolean;
  readonly time: number;
}

/** ExternalPart of the draft: content stored elsewhere, encrypted, named by its hash. */
export interface ExternalBody {
  readonly cardinality: 'external';
  readonly contentType: string;
  readonly url: string;
  /** Seconds since the Unix epoch after which `url` may be gone (0: unknown). */
  readonly expires: number;
  /** Size in bytes of the stored (encrypted) content. */
  readonly size: number;
  /** AEAD algorithm code point (IANA "AEAD Algorithms"; Sealed uses a private-use value, see features/attachments/). */
  readonly encAlg: number;
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
  readonly aad: Uint8Array;
  /** Hash algorithm code point (IANA "Named Information Hash Algorithm"; Sealed's value: see features/attachments/). */
  readonly hashAlg: number;
  readonly contentHash: Uint8Array;
  readonly description: string;
  readonly filename: string;
}

export type MimiBody =
  | { readonly cardinality: 'null' }
  | { readonly cardinality: 'single'; readonly contentType: string; readonly content: Uint8Array }
  | ExternalBody;

export interface MimiPart {
  readonly disposition: number;
  readonly language: string;
  readonly body: MimiBody;
}

export interface MimiContent {
  readonly salt: Uint8Array;
  readonly replaces: Uint8Array | null;
  readonly topicId: Uint8Array;
  readonly expires: Expiration | null;
  readonly inReplyTo: Uint8Array | null;
  readonly senderUri?: string | undefined;
  readonly roomUri?: string | undefined;
  /** Sealed extension SENT_AT_EXTENSION. */
  readonly sentAt?: number | undefined;
  /** Extensions we do not interpret, kept for re-encoding. */
  readonly otherExtensions: readonly (readonly [CborKey, CborValue])[];
  readonly part: MimiPart;
}

function invalid(detail: string): ContentError {
  return new ContentError('invalid-content', detail);
}

function bytesField(value: CborValue | undefined, field: string, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid(`${field} is not a byte string`);
  if (length !== undefined && value.length !== length) throw invalid(`${field} of ${value.length} bytes`);
  return value;
}

function optionalId(value: CborValue | undefined, field: string): Uint8Array | null {
  return value === null ? null : bytesField(value, field, MESSAGE_ID_BYTES);
}

function uintField(value: CborValue | undefined, field: string, max: number): number {
  if (typeof value !== 'number' || value < 0 || value > max) throw invalid(`${field} is not a uint up to ${max}`);
  return value;
}

function textField(value: CborValue | undefined, field: string): string {
  if (typeof value !== 'string') throw invalid(`${field} is not a text string`);
  return value;
}

function boundedText(value: CborValue | undefined, field: string, maxBytes: number): string {
  const text = textField(value, field);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a cheap bound before encoding.
  if (text.length * 3 > maxBytes && new TextEncoder().encode(text).length > maxBytes) throw new ContentError('too-large', `${field} above ${maxBytes} bytes`);
  return text;
}

function boundedBytes(value: CborValue | undefined, field: string, maxBytes: number): Uint8Array {
  const bytes = bytesField(value, field);
  if (bytes.length > maxBytes) throw new ContentError('too-large', `${field} of ${bytes.length} bytes`);
  return bytes;
}

function decodeExternal(items: readonly CborValue[]): ExternalBody {
  if (items.length !== EXTERNAL_PART_ITEMS) throw invalid('ExternalPart does not have 13 fields');
  return {
    cardinality: 'external',
    contentType: boundedText(items[3], 'contentType', MAX_CONTENT_TYPE_BYTES),
    url: boundedText(items[4], 'url', MAX_EXTERNAL_URL_BYTES),
    expires: uintField(items[5], 'external.expires', MAX_EXPIRATION_TIME),
    size: uintField(items[6], 'size', Number.MAX_SAFE_INTEGER),
    encAlg: uintField(items[7], 'encAlg', MAX_U16),
    key: boundedBytes(items[8], 'key', MAX_EXTERNAL_KEY_BYTES),
    nonce: boundedBytes(items[9], 'nonce', MAX_EXTERNAL_KEY_BYTES),
    aad: boundedBytes(items[10], 'aad', MAX_EXTERNAL_AAD_BYTES),
    hashAlg: uintField(items[11], 'hashAlg', MAX_U8),
    contentHash: boundedBytes(items[12], 'contentHash', MAX_EXTERNAL_KEY_BYTES),
    description: boundedText(items[13], 'description', MAX_EXTERNAL_DESCRIPTION_BYTES),
    filename: boundedText(items[14], 'filename', MAX_EXTERNAL_FILENAME_BYTES),
  };
}

function decodeExpiration(value: CborValue | undefined): Expiration | null {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length !== 2) throw invalid('expires is not [relative, time]');
  const [relative, time] = value as readonly CborValue[];
  if (typeof relative !== 'boolean') throw invalid('expires.relative is not a bool');
  return { relative, time: uintField(time, 'expires.time', MAX_EXPIRATION_TIME) };
}

function decodePart(value: CborValue | undefined): MimiPart {
  if (!Array.isArray(value) || value.length < 3) throw invalid('nestedPart is not an array of at least 3');
  const items = value as readonly CborValue[];
  const disposition = uintField(items[0], 'disposition', MAX_DISPOSITION);
  const language = textField(items[1], 'language');
  const cardinality = uintField(items[2], 'cardinality', 3);
  if (cardinality === NULL_PART) {
    if (items.length !== 3) throw invalid('NullPart with extra fields');
    return { disposition, language, body: { cardinality: 'null' } };
  }
  if (cardinality === SINGLE_PART) {
    if (items.length !== 5) throw invalid('SinglePart is not (cardinality, contentType, content)');
    return { disposition, language, body: { cardinality: 'single', contentType: textField(items[3], 'contentType'), content: bytesField(items[4], 'content') } };
  }
  if (cardinality === EXTERNAL_PART) return { disposition, language, body: decodeExternal(items) };
  throw new ContentError('unsupported', `nestedPart cardinality ${cardinality} (multipart) is not decoded yet`);
}

function decodeExtensions(value: CborValue | undefined): Pick<MimiContent, 'senderUri' | 'roomUri' | 'sentAt' | 'otherExtensions'> {
  if (!(value instanceof CborMap)) throw invalid('mimiExtensions is not a map');
  let senderUri: string | undefined;
  let roomUri: string | undefined;
  let sentAt: number | undefined;
  const otherExtensions: [CborKey, CborValue][] = [];
  for (const [key, item] of value.entries) {
    if (key === SENDER_URI) senderUri = textField(item, 'senderUri');
    else if (key === ROOM_URI) roomUri = textField(item, 'roomUri');
    else if (key === SENT_AT_EXTENSION) sentAt = uintField(item, SENT_AT_EXTENSION, Number.MAX_SAFE_INTEGER);
    else {
      if (encodeCbor(item).length > MAX_EXTENSION_VALUE_BYTES) throw new ContentError('too-large', 'extension value above 4096 bytes');
      otherExtensions.push([key, item]);
    }
  }
  return { senderUri, roomUri, sentAt, otherExtensions };
}

/**
 * Decodes MIMI content (draft-ietf-mimi-content `mimiContent`).
 * @throws ContentError: any code of decodeCbor; 'invalid-content' when the CBOR does not
 *   match the CDDL; 'too-large' for an ExternalPart field above its bound; 'unsupported'
 *   for MultiPart bodies
 */
export function decodeMimiContent(bytes: Uint8Array): MimiContent {
  const value = decodeCbor(bytes);
  if (!Array.isArray(value) || value.length !== 7) throw invalid('mimiContent is not an array of 7');
  const items = value as readonly CborValue[];
  return {
    salt: bytesField(items[0], 'salt', SALT_BYTES),
    replaces: optionalId(items[1], 'replaces'),
    topicId: bytesField(items[2], 'topicId'),
    expires: decodeExpiration(items[3]),
    inReplyTo: optionalId(items[4], 'inReplyTo'),
    ...decodeExtensions(items[5]),
    part: decodePart(items[6]),
  };
}

function encodeBody(body: MimiBody): CborValue[] {
  switch (body.cardinality) {
    case 'null':
      return [NULL_PART];
    case 'single':
      return [SINGLE_PART, body.contentType, body.content];
    case 'external':
      if (body.encAlg > MAX_U16 || body.hashAlg > MAX_U8 || body.expires > MAX_EXPIRATION_TIME) throw new RangeError('ExternalPart code point or expiry out of range');
      return [EXTERNAL_PART, body.contentType, body.url, body.expires, body.size, body.encAlg, body.key, body.nonce, body.aad, body.hashAlg, body.contentHash, body.description, body.filename];
  }
}

/**
 * The deterministic CBOR encoding of `content`.
 * @throws RangeError for values outside the CDDL (wrong salt or id length, bad numbers):
 *   a programming error on the sending side
 */
export function encodeMimiContent(content: MimiContent): Uint8Array {
  if (content.salt.length !== SALT_BYTES) throw new RangeError('salt length');
  for (const id of [content.replaces, content.inReplyTo]) if (id !== null && id.length !== MESSAGE_ID_BYTES) throw new RangeError('message id length');
  const extensions: (readonly [CborKey, CborValue])[] = [];
  if (content.senderUri !== undefined) extensions.push([SENDER_URI, content.senderUri]);
  if (content.roomUri !== undefined) extensions.push([ROOM_URI, content.roomUri]);
  if (content.sentAt !== undefined) extensions.push([SENT_AT_EXTENSION, content.sentAt]);
  extensions.push(...content.otherExtensions);
  const { part } = content;
  const body = encodeBody(part.body);
  const expires: CborValue = content.expires === null ? null : [content.expires.relative, content.expires.time];
  return encodeCbor([
    content.salt,
    content.replaces,
    content.topicId,
    expires,
    content.inReplyTo,
    new CborMap(extensions),
    [part.disposition, part.language, ...body],
  ]);
}
