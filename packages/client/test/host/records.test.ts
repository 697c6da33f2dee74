// The host's own records (history messages, conversation info): round trips, and strict
// decoding of malformed, truncated, re-typed and future-version bytes (typed errors only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCbor } from '../../src/content/cbor-encode.ts';
import { decodeConversationRecord, decodeMessageRecord, encodeConversationRecord, encodeMessageRecord, HostRecordError, MAX_HOST_RECORD_BYTES, MAX_RECORD_MEMBERS } from '../../src/host/records.ts';

const message = {
  sender: { username: 'alice', deviceId: '00'.repeat(16) },
  outgoing: false,
  sentAt: 1_700_000_000_000,
  receivedAt: 1_700_000_000_500,
  kind: 'text' as const,
  text: 'hello ✓',
  target: null,
  inReplyTo: new Uint8Array([1, 2, 3]),
  edited: false,
  deleted: false,
  attachment: null,
};
const withFile = {
  ...message,
  kind: 'attachment' as const,
  text: 'the report',
  attachment: { url: 'sealed-attachment:00ff', contentType: 'application/pdf', filename: 'r.pdf', size: 1234, expires: 1_800_000_000, key: new Uint8Array(32).fill(7), nonce: new Uint8Array(7).fill(1), contentHash: new Uint8Array(32).fill(9) },
};
const conversation = { name: 'trip', members: [{ username: 'alice', deviceId: 'aa' }, { username: 'bob', deviceId: 'bb' }], epoch: 7n, closed: false, createdAt: 1, lastActivity: 2 };

test('message and conversation records round-trip', () => {
  assert.deepEqual(decodeMessageRecord('ab', encodeMessageRecord(message)), { messageId: 'ab', ...message });
  assert.deepEqual(decodeMessageRecord('ab', encodeMessageRecord(withFile)), { messageId: 'ab', ...withFile });
  // A system line: the disappearing timer set to 30 s.
  const timer = { ...message, kind: 'timer' as const, text: '30', inReplyTo: null };
  assert.deepEqual(decodeMessageRecord('ab', encodeMessageRecord(timer)), { messageId: 'ab', ...timer });
  // Version 1 (no attachment field) still loads.
  const v1 = encodeCbor([1, 'alice', 'dev', true, 1, 2, 'text', 'old', null, null, false, false]);
  assert.equal(decodeMessageRecord('ab', v1).attachment, null);
  assert.deepEqual(decodeConversationRecord('cd', encodeConversationRecord(conversation)), { conversationId: 'cd', ...conversation });
  const none = { ...conversation, name: null, closed: true };
  assert.deepEqual(decodeConversationRecord('cd', encodeConversationRecord(none)), { conversationId: 'cd', ...none });
});

test('malformed records are typed errors: truncation, trailing bytes, wrong version, wrong field types, unknown kinds', () => {
  const good = encodeMessageRecord(message);
  const bad: Uint8Array[] = [
    new Uint8Array(0),
    good.subarray(0, good.length - 1),
    Uint8Array.of(...good, 0),
    encodeCbor([3, 'alice', 'dev', false, 1, 2, 'text', 'x', null, null, false, false, null]),
    encodeCbor([2, 'alice', 'dev', false, 1, 2, 'text', 'x', null, null, false, false]),
    encodeCbor([1, 'alice', 'dev', false, 1, 2, 'text', 'x', null, null, false, false, null]),
    encodeCbor([2, 'alice', 'dev', false, 1, 2, 'attachment', 'x', null, null, false, false, ['url']]),
    encodeCbor([2, 'alice', 'dev', false, 1, 2, 'attachment', 'x', null, null, false, false, ['u', 't', 'f', 1, 2, null, new Uint8Array(1), new Uint8Array(1)]]),
    encodeCbor([1, 'alice', 'dev', false, 1, 2, 'text', 'x', null, null, false]),
    encodeCbor([1, 7, 'dev', false, 1, 2, 'text', 'x', null, null, false, false]),
    encodeCbor([1, 'alice', 'dev', 'no', 1, 2, 'text', 'x', null, null, false, false]),
    encodeCbor([1, 'alice', 'dev', false, -1, 2, 'text', 'x', null, null, false, false]),
    encodeCbor([1, 'alice', 'dev', false, 1, 2, 'poll', 'x', null, null, false, false]),
    encodeCbor([1, 'alice', 'dev', false, 1, 2, 'text', 'x', 'not bytes', null, false, false]),
    encodeCbor('a string'),
    new Uint8Array(MAX_HOST_RECORD_BYTES + 1),
  ];
  for (const bytes of bad) assert.throws(() => decodeMessageRecord('ab', bytes), HostRecordError);
  const conversations: Uint8Array[] = [
    encodeCbor([1, 'trip', [['alice']], 1, false, 1, 2]),
    encodeCbor([1, 'trip', 'members', 1, false, 1, 2]),
    encodeCbor([1, 'trip', [], 'one', false, 1, 2]),
    encodeCbor([2, 'trip', [], 1, false, 1, 2]),
    encodeCbor([1, 'trip', Array.from({ length: MAX_RECORD_MEMBERS + 1 }, () => ['a', 'b']), 1, false, 1, 2]),
  ];
  for (const bytes of conversations) assert.throws(() => decodeConversationRecord('cd', bytes), (e: unknown) => e instanceof HostRecordError || (e instanceof Error && e.name === 'ContentError'));
  assert.throws(() => encodeConversationRecord({ ...conversation, members: Array.from({ length: MAX_RECORD_MEMBERS + 1 }, () => ({ username: 'a', deviceId: 'b' })) }), HostRecordError);
});
