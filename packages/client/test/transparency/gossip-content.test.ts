import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ContentError } from '../../src/content/cbor-errors.ts';
import { decodeMessageContent, encodeMessageContent, KT_CHECKPOINT_EXTENSION } from '../../src/content/message.ts';
import { decodeMimiContent, encodeMimiContent } from '../../src/content/mimi.ts';
import { compareGossip, encodeGossipCheckpoint, GOSSIP_CHECKPOINT_BYTES } from '../../src/transparency/checkpoint-gossip.ts';
import { trustPolicy } from '../../src/transparency/trust-policy.ts';
import { TestLog } from './support/test-log.ts';

const random = (n: number) => new Uint8Array(randomBytes(n));

test('a message carries the sender checkpoint in the sealed.ktCheckpoint extension; the receiver compares it with its own', () => {
  const log = new TestLog().append(4);
  const { fullTreeHead } = log.checkpoint();
  if (fullTreeHead.headType !== 'updated') throw new Error('unreachable');
  const signed = { treeSize: 4, timestamp: log.time, root: log.root(), signature: fullTreeHead.treeHead.signature };
  const gossip = encodeGossipCheckpoint(signed);
  const bytes = encodeMessageContent({ body: { kind: 'text', text: 'hi', inReplyTo: null }, sentAt: 1, expires: null, ktCheckpoint: gossip }, random);
  const back = decodeMessageContent(bytes);
  assert.deepEqual(back.ktCheckpoint, gossip);
  assert.deepEqual(back.body, { kind: 'text', text: 'hi', inReplyTo: null });
  assert.deepEqual(compareGossip(trustPolicy(log.config, 0), signed, back.ktCheckpoint!), { kind: 'consistent' });
  // Without a checkpoint nothing is added.
  const plain = decodeMessageContent(encodeMessageContent({ body: { kind: 'text', text: 'x', inReplyTo: null }, sentAt: 1, expires: null }, random));
  assert.equal(plain.ktCheckpoint, undefined);
});

test('a checkpoint extension of the wrong type or size is invalid content', () => {
  const ok = encodeMessageContent({ body: { kind: 'text', text: 'hi', inReplyTo: null }, sentAt: 1, expires: null, ktCheckpoint: new Uint8Array(GOSSIP_CHECKPOINT_BYTES) }, random);
  const mimi = decodeMimiContent(ok);
  for (const bad of [new Uint8Array(GOSSIP_CHECKPOINT_BYTES - 1), new Uint8Array(GOSSIP_CHECKPOINT_BYTES + 1), 'text', 7]) {
    const bytes = encodeMimiContent({ ...mimi, otherExtensions: [[KT_CHECKPOINT_EXTENSION, bad]] });
    assert.throws(() => decodeMessageContent(bytes), (e) => e instanceof ContentError && e.code === 'invalid-content');
  }
});
