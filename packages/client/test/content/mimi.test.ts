import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { decodeCbor } from '../../src/content/cbor-decode.ts';
import { encodeCbor } from '../../src/content/cbor-encode.ts';
import { ContentError, type ContentErrorCode } from '../../src/content/cbor-errors.ts';
import { CborMap, type CborValue } from '../../src/content/cbor-value.ts';
import { decodeMessageContent, encodeMessageContent, messageIdOf, TEXT_CONTENT_TYPE, type MessageContent } from '../../src/content/message.ts';
import { decodeMimiContent, encodeMimiContent, SENT_AT_EXTENSION } from '../../src/content/mimi.ts';

const random = (n: number) => nodeProvider.randomBytes(n);
const id = (b: number) => new Uint8Array(32).fill(b);

function rejects(value: CborValue, code: ContentErrorCode): void {
  assert.throws(() => decodeMessageContent(encodeCbor(value)), (e: unknown) => e instanceof ContentError && e.code === code);
}

const salt = new Uint8Array(16).fill(7);
const textPart = [1, '', 1, TEXT_CONTENT_TYPE, new TextEncoder().encode('hi')];
const ext = new CborMap([[SENT_AT_EXTENSION, 5]]);

test('text, reply, edit and delete round-trip through MIMI content', () => {
  const cases: MessageContent[] = [
    { body: { kind: 'text', text: 'hello \u{1F600}', inReplyTo: null }, sentAt: 1_700_000_000_000, expires: null },
    { body: { kind: 'text', text: 'a reply', inReplyTo: id(1) }, sentAt: 1, expires: { relative: true, time: 3600 } },
    { body: { kind: 'edit', target: id(2), text: 'fixed' }, sentAt: 2, expires: null },
    { body: { kind: 'delete', target: id(3) }, sentAt: 3, expires: { relative: false, time: 0xffff_ffff } },
  ];
  for (const content of cases) {
    const bytes = encodeMessageContent(content, random);
    assert.deepEqual(decodeMessageContent(bytes), content);
    // The MIMI layer re-encodes byte for byte (deterministic).
    assert.deepEqual(encodeMimiContent(decodeMimiContent(bytes)), bytes);
  }
});

test('the encoding follows the mimiContent CDDL field order', () => {
  const bytes = encodeMessageContent({ body: { kind: 'text', text: 'hi', inReplyTo: id(9) }, sentAt: 5, expires: null }, () => salt);
  const decoded = decodeCbor(bytes) as CborValue[];
  assert.equal(decoded.length, 7);
  assert.deepEqual(decoded[0], salt);
  assert.equal(decoded[1], null); // replaces
  assert.deepEqual(decoded[2], new Uint8Array(0)); // topicId
  assert.equal(decoded[3], null); // expires
  assert.deepEqual(decoded[4], id(9)); // inReplyTo
  assert.equal((decoded[5] as CborMap).get(SENT_AT_EXTENSION), 5);
  assert.deepEqual(decoded[6], textPart);
});

test('unknown extensions are kept and re-encoded unchanged; senderUri and roomUri are typed', () => {
  const bytes = encodeCbor([salt, null, new Uint8Array(0), null, null, new CborMap([[1, 'mimi://a/u/alice'], [2, 'mimi://a/r/x'], [SENT_AT_EXTENSION, 5], ['x-other', [1, 2]], [99, true]]), textPart]);
  const mimi = decodeMimiContent(bytes);
  assert.equal(mimi.senderUri, 'mimi://a/u/alice');
  assert.equal(mimi.roomUri, 'mimi://a/r/x');
  assert.equal(mimi.otherExtensions.length, 2);
  assert.deepEqual(encodeMimiContent(mimi), bytes);
});

test('malformed content is refused with a typed error', () => {
  rejects([salt], 'invalid-content');
  rejects([new Uint8Array(15), null, new Uint8Array(0), null, null, ext, textPart], 'invalid-content'); // salt length
  rejects([salt, new Uint8Array(31), new Uint8Array(0), null, null, ext, textPart], 'invalid-content'); // id length
  rejects([salt, null, new Uint8Array(0), [true], null, ext, textPart], 'invalid-content');
  rejects([salt, null, new Uint8Array(0), [1, 2], null, ext, textPart], 'invalid-content');
  rejects([salt, null, new Uint8Array(0), [true, 0x1_0000_0000], null, ext, textPart], 'invalid-content');
  rejects([salt, null, new Uint8Array(0), null, null, new CborMap([]), textPart], 'invalid-content'); // no sentAt
  rejects([salt, null, new Uint8Array(0), null, null, new CborMap([[1, 5], [SENT_AT_EXTENSION, 5]]), textPart], 'invalid-content'); // senderUri not text
  rejects([salt, null, new Uint8Array(0), null, null, ext, [1, '', 0]], 'invalid-content'); // NullPart without replaces
  rejects([salt, null, new Uint8Array(0), null, null, ext, [1, '', 0, 'x']], 'invalid-content');
  rejects([salt, null, new Uint8Array(0), null, null, ext, [1, '', 1, 'text/html', new Uint8Array(1)]], 'unsupported');
  rejects([salt, null, new Uint8Array(0), null, null, ext, [1, '', 3, 0, []]], 'unsupported'); // multipart
  rejects([salt, null, new Uint8Array(0), null, null, ext, [1, '', 1, TEXT_CONTENT_TYPE, Uint8Array.of(0xff)]], 'invalid-utf8');
  rejects([salt, null, new Uint8Array(0), null, null, new CborMap([[SENT_AT_EXTENSION, 5], ['big', new Uint8Array(5000)]]), textPart], 'too-large');
});

test('message ids: 32 bytes, bound to group, sender and content', () => {
  const content = encodeMessageContent({ body: { kind: 'text', text: 'x', inReplyTo: null }, sentAt: 1, expires: null }, random);
  const a = messageIdOf(nodeProvider, Uint8Array.of(1), Uint8Array.of(2), content);
  assert.equal(a.length, 32);
  assert.deepEqual(messageIdOf(nodeProvider, Uint8Array.of(1), Uint8Array.of(2), content), a);
  assert.notDeepEqual(messageIdOf(nodeProvider, Uint8Array.of(9), Uint8Array.of(2), content), a);
  assert.notDeepEqual(messageIdOf(nodeProvider, Uint8Array.of(1), Uint8Array.of(9), content), a);
  // Equal texts get different ids through the salt.
  const again = encodeMessageContent({ body: { kind: 'text', text: 'x', inReplyTo: null }, sentAt: 1, expires: null }, random);
  assert.notDeepEqual(messageIdOf(nodeProvider, Uint8Array.of(1), Uint8Array.of(2), again), a);
});
