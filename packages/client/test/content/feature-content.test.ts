// Typed content of the conversation features: attachments (MIMI ExternalPart), receipts
// (MIMI message status) and conversation settings; round trips and malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { encodeCbor } from '../../src/content/cbor-encode.ts';
import { ContentError, type ContentErrorCode } from '../../src/content/cbor-errors.ts';
import { CborMap, type CborValue } from '../../src/content/cbor-value.ts';
import { ATTACHMENT_URL_PREFIX, type AttachmentRef, SEALED_CHUNK_HASH_LIST, SEALED_CHUNKED_AES_256_GCM } from '../../src/content/attachment-ref.ts';
import { decodeConversationSettings, encodeConversationSettings } from '../../src/content/conversation-settings.ts';
import { decodeMessageContent, encodeMessageContent, type ContentBody, type MessageContent } from '../../src/content/message.ts';
import { decodeMessageStatusReport, encodeMessageStatusReport, MESSAGE_STATUS_CONTENT_TYPE, MAX_STATUSES_PER_REPORT } from '../../src/content/message-status.ts';
import { decodeMimiContent, encodeMimiContent, SENT_AT_EXTENSION } from '../../src/content/mimi.ts';

const random = (n: number) => nodeProvider.randomBytes(n);
const salt = new Uint8Array(16).fill(7);
const ext = new CborMap([[SENT_AT_EXTENSION, 5]]);
const id = (b: number) => new Uint8Array(32).fill(b);

const ref: AttachmentRef = {
  url: ATTACHMENT_URL_PREFIX + 'ab'.repeat(32),
  contentType: 'image/png',
  filename: 'cat.png',
  size: 123_456,
  expires: 1_900_000_000,
  key: new Uint8Array(32).fill(1),
  nonce: new Uint8Array(7).fill(2),
  contentHash: new Uint8Array(32).fill(3),
};

function rejectsContent(value: CborValue, code: ContentErrorCode): void {
  assert.throws(() => decodeMessageContent(encodeCbor(value)), (e: unknown) => e instanceof ContentError && e.code === code, code);
}

function externalPart(overrides: Partial<Record<number, CborValue>> = {}, length = 15): CborValue[] {
  const fields: CborValue[] = [6, '', 2, 'image/png', ref.url, ref.expires, ref.size, SEALED_CHUNKED_AES_256_GCM, ref.key, ref.nonce, new Uint8Array(0), SEALED_CHUNK_HASH_LIST, ref.contentHash, 'a cat', 'cat.png'];
  for (const [i, v] of Object.entries(overrides)) fields[Number(i)] = v!;
  return fields.slice(0, length);
}

test('attachments, receipts and settings round-trip through MIMI content, byte for byte', () => {
  const cases: MessageContent<ContentBody>[] = [
    { body: { kind: 'attachment', attachment: ref, caption: 'a cat', inReplyTo: id(4) }, sentAt: 9, expires: { relative: true, time: 60 } },
    { body: { kind: 'status', report: { timestamp: 77, statuses: [{ messageId: id(5), status: 1 }, { messageId: id(6), status: 2 }] } }, sentAt: 10, expires: null },
    { body: { kind: 'settings', settings: { name: 'Climbing', topic: undefined, disappearAfterSeconds: 3600 } }, sentAt: 11, expires: null },
  ];
  for (const content of cases) {
    const bytes = encodeMessageContent(content, random);
    assert.deepEqual(decodeMessageContent(bytes), content);
    assert.deepEqual(encodeMimiContent(decodeMimiContent(bytes)), bytes);
  }
});

test('ExternalPart follows the CDDL field order; malformed ones are refused typed', () => {
  const good = [salt, null, new Uint8Array(0), null, null, ext, externalPart()];
  const decoded = decodeMessageContent(encodeCbor(good));
  assert.equal(decoded.body.kind, 'attachment');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({}, 14)], 'invalid-content');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, [...externalPart(), 'extra']], 'invalid-content');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 8: new Uint8Array(65) })], 'too-large');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 4: 'x'.repeat(2049) })], 'too-large');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 14: 'é'.repeat(200) })], 'too-large');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 7: 0x1_0000 })], 'invalid-content');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 6: 'big' })], 'invalid-content');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 9: 'nonce' })], 'invalid-content');
  // Another algorithm (plain AES-256-GCM, sha-256) is valid MIMI but not Sealed's construction: reported, not misread.
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 7: 2 })], 'unsupported');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 11: 1 })], 'unsupported');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 4: 'https://example.org/x' })], 'unsupported');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, externalPart({ 10: new Uint8Array(1) })], 'unsupported');
  rejectsContent([salt, id(1), new Uint8Array(0), null, null, ext, externalPart()], 'unsupported');
});

test('message status reports: strict decoding and bounds', () => {
  const report = { timestamp: 5, statuses: [{ messageId: id(1), status: 2 }] };
  assert.deepEqual(decodeMessageStatusReport(encodeMessageStatusReport(report)), report);
  const bad: [CborValue, ContentErrorCode][] = [
    [[5], 'invalid-content'],
    [[5, []], 'invalid-content'],
    [[-1, [[id(1), 1]]], 'invalid-content'],
    [[5, [[new Uint8Array(31), 1]]], 'invalid-content'],
    [[5, [[id(1), 256]]], 'invalid-content'],
    [[5, [[id(1)]]], 'invalid-content'],
    [[5, Array.from({ length: MAX_STATUSES_PER_REPORT + 1 }, () => [id(1), 1])], 'too-large'],
  ];
  for (const [value, code] of bad) assert.throws(() => decodeMessageStatusReport(encodeCbor(value)), (e: unknown) => e instanceof ContentError && e.code === code, JSON.stringify(code));
  assert.throws(() => encodeMessageStatusReport({ timestamp: 1, statuses: [] }), RangeError);
  // A receipt that also claims to reply or replace is refused.
  const part = [0, '', 1, MESSAGE_STATUS_CONTENT_TYPE, encodeMessageStatusReport(report)];
  rejectsContent([salt, null, new Uint8Array(0), null, id(2), ext, part], 'invalid-content');
  rejectsContent([salt, null, new Uint8Array(0), null, null, ext, [0, '', 1, MESSAGE_STATUS_CONTENT_TYPE, new Uint8Array([0xff])]], 'unsupported');
});

test('conversation settings: strict decoding and bounds', () => {
  assert.deepEqual(decodeConversationSettings(encodeConversationSettings({ topic: 't' })), { name: undefined, topic: 't', disappearAfterSeconds: undefined });
  const bad: [CborValue, ContentErrorCode][] = [
    [new CborMap([]), 'invalid-content'],
    [[1, 'x'], 'invalid-content'],
    [new CborMap([[1, 5]]), 'invalid-content'],
    [new CborMap([[4, 'x']]), 'invalid-content'],
    [new CborMap([['name', 'x']]), 'invalid-content'],
    [new CborMap([[3, -1]]), 'invalid-content'],
    [new CborMap([[3, 365 * 24 * 3600 + 1]]), 'too-large'],
    [new CborMap([[1, 'n'.repeat(129)]]), 'too-large'],
    [new CborMap([[2, 't'.repeat(1025)]]), 'too-large'],
  ];
  for (const [value, code] of bad) assert.throws(() => decodeConversationSettings(encodeCbor(value)), (e: unknown) => e instanceof ContentError && e.code === code, code);
  assert.throws(() => encodeConversationSettings({}), RangeError);
  assert.throws(() => encodeConversationSettings({ disappearAfterSeconds: 1.5 }), (e: unknown) => e instanceof ContentError);
});
