/**
 * The conversation meta record keeps the encodings of entries that did not change
 * (feature-state.ts): its bytes must stay exactly those of encoding the whole record, after
 * any change (a new message, a receipt, an expiry moved, an entry evicted), and load back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import { encodeCbor } from '../../src/content/cbor-encode.ts';
import type { CborValue } from '../../src/content/cbor-value.ts';
import type { Conversation } from '../../src/engine/conversation.ts';
import { loadConversationMeta, MAX_PERSISTED_RECEIPTS, metaOf, saveConversationMeta } from '../../src/engine/feature-state.ts';

const id = (n: number) => toHex(new Uint8Array(32).fill(n % 256).map((b, i) => (i === 0 ? n >> 8 : b)));

function reference(conversation: Conversation): Uint8Array {
  const meta = metaOf(conversation);
  const stamp = (s: { at: number; device: string } | undefined): CborValue => (s === undefined ? null : [s.at, s.device]);
  return encodeCbor([
    2,
    meta.name,
    meta.topic,
    meta.disappearAfterSeconds,
    [...meta.expiries].map(([i, at]) => [fromHex(i)!, at]),
    meta.leaving,
    [...meta.outgoing].slice(-MAX_PERSISTED_RECEIPTS).map(([i, s]) => [fromHex(i)!, s.sent, [...s.deliveredTo], [...s.readBy]]),
    [...meta.incoming].slice(-MAX_PERSISTED_RECEIPTS).map((i) => fromHex(i)!),
    [stamp(meta.stamps.name), stamp(meta.stamps.topic), stamp(meta.stamps.timer)],
  ]);
}

const bytesOf = (conversation: Conversation) => {
  const action = saveConversationMeta(conversation);
  assert.equal(action.type, 'save');
  return action.type === 'save' ? action.bytes : new Uint8Array();
};

test('meta record: cached entry encodings give the bytes of the whole record after every kind of change, and load back', () => {
  const conversation = { id: 'ab' } as Conversation;
  const meta = metaOf(conversation);
  meta.name = 'family';
  meta.stamps.name = { at: 5, device: 'd1' };
  assert.deepEqual(bytesOf(conversation), reference(conversation));
  for (let n = 0; n < MAX_PERSISTED_RECEIPTS + 40; n++) {
    meta.outgoing.set(id(n), { sent: false, deliveredTo: new Set(), readBy: new Set() });
    meta.incoming.add(id(1000 + n));
    if (n % 3 === 0) meta.expiries.set(id(n), 1_000_000 + n);
    if (n % 7 === 0) assert.deepEqual(bytesOf(conversation), reference(conversation), `after ${n} messages`);
  }
  const recent = meta.outgoing.get(id(MAX_PERSISTED_RECEIPTS + 30))!;
  recent.sent = true;
  assert.deepEqual(bytesOf(conversation), reference(conversation), 'sent');
  recent.deliveredTo.add('bob');
  assert.deepEqual(bytesOf(conversation), reference(conversation), 'delivered');
  recent.readBy.add('bob');
  recent.deliveredTo.add('carol');
  assert.deepEqual(bytesOf(conversation), reference(conversation), 'read');
  meta.expiries.set(id(3), 42);
  meta.expiries.delete(id(6));
  meta.incoming.delete(id(1000 + MAX_PERSISTED_RECEIPTS + 39));
  meta.leaving = true;
  meta.disappearAfterSeconds = 3600;
  const bytes = bytesOf(conversation);
  assert.deepEqual(bytes, reference(conversation), 'expiry moved, entries removed, flags changed');

  const loaded = { id: 'ab' } as Conversation;
  loadConversationMeta(loaded, bytes);
  assert.deepEqual(bytesOf(loaded), bytes);
  assert.equal(metaOf(loaded).outgoing.get(id(MAX_PERSISTED_RECEIPTS + 30))!.readBy.has('bob'), true);
});

test('a lazy meta save is encoded when the transport reads it (after the step\'s displays), from the state of that moment, once', () => {
  const conversation = { id: 'cd' } as Conversation;
  const meta = metaOf(conversation);
  meta.incoming.add(id(1));
  const action = saveConversationMeta(conversation, true);
  assert.ok(action.type === 'save' && action.lazy === true);
  // Changed after the action was made, before it is read: the record written is the current one.
  meta.incoming.add(id(2));
  const first = action.bytes;
  assert.deepEqual(first, reference(conversation));
  assert.equal(action.bytes, first, 'encoded once');
  const eager = saveConversationMeta(conversation);
  assert.ok(eager.type === 'save' && eager.lazy === undefined);
  assert.deepEqual(eager.bytes, first);
});
