// Properties of PrivateMessage unprotection (RFC 9420 §6.3) with fast-check:
// - altering the ciphertext, the sender data or anything the AAD binds (authenticated_data,
//   group_id, epoch, content_type) never yields plaintext, and leaves the receiver's secret
//   tree unchanged: the original message still decrypts afterwards;
// - a consumed generation cannot be replayed (typed error);
// - messages delivered in any order each decrypt exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ProtectionError } from '../../src/protection/errors.ts';
import { protectPrivateMessage, unprotectPrivateMessage, type PrivateMessageState } from '../../src/protection/private-message.ts';
import { signFramedContent } from '../../src/protection/signing.ts';
import type { ContentType } from '../../src/structs/enums.ts';
import type { PrivateMessage } from '../../src/structs/framing.ts';
import { PROVIDERS } from '../vectors/providers.ts';
import { twoMemberEpoch, type Epoch } from './fixtures.ts';

const epoch = twoMemberEpoch(1, PROVIDERS[0]!);

function send(e: Epoch, sender: PrivateMessageState, text: Uint8Array, authenticatedData: Uint8Array): PrivateMessage {
  const signed = signFramedContent(
    e.suite,
    'mls_private_message',
    { groupId: e.groupContext.groupId, epoch: e.groupContext.epoch, sender: { type: 'member', leafIndex: 0 }, authenticatedData, content: { type: 'application', applicationData: text } },
    e.groupContext,
    e.signatureKeys[0]!.privateKey,
  );
  return protectPrivateMessage(e.suite, signed, sender);
}

function flip(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const out = bytes.slice();
  out[index % out.length]! ^= mask;
  return out;
}

type Mutation = (m: PrivateMessage) => PrivateMessage;

const byte = fc.integer({ min: 1, max: 255 });
const mutation: fc.Arbitrary<[string, Mutation]> = fc.oneof(
  fc.tuple(fc.nat(), byte).map(([i, mask]): [string, Mutation] => ['ciphertext bit', (m) => ({ ...m, ciphertext: flip(m.ciphertext, i, mask) })]),
  fc.nat().map((n): [string, Mutation] => ['ciphertext truncated', (m) => ({ ...m, ciphertext: m.ciphertext.subarray(0, n % m.ciphertext.length) })]),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra): [string, Mutation] => ['ciphertext extended', (m) => ({ ...m, ciphertext: new Uint8Array([...m.ciphertext, ...extra]) })]),
  fc.tuple(fc.nat(), byte).map(([i, mask]): [string, Mutation] => ['sender data bit', (m) => ({ ...m, encryptedSenderData: flip(m.encryptedSenderData, i, mask) })]),
  fc.nat().map((n): [string, Mutation] => ['sender data truncated', (m) => ({ ...m, encryptedSenderData: m.encryptedSenderData.subarray(0, n % m.encryptedSenderData.length) })]),
  fc.tuple(fc.nat(), byte).map(([i, mask]): [string, Mutation] => ['authenticated_data bit', (m) => ({ ...m, authenticatedData: flip(m.authenticatedData, i, mask) })]),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra): [string, Mutation] => ['authenticated_data extended', (m) => ({ ...m, authenticatedData: new Uint8Array([...m.authenticatedData, ...extra]) })]),
  fc.tuple(fc.nat(), byte).map(([i, mask]): [string, Mutation] => ['group_id bit', (m) => ({ ...m, groupId: flip(m.groupId, i, mask) })]),
  fc.bigInt({ min: 1n, max: 2n ** 63n }).map((d): [string, Mutation] => ['epoch', (m) => ({ ...m, epoch: (m.epoch + d) % 2n ** 64n })]),
  fc.constantFrom<ContentType>('proposal', 'commit').map((t): [string, Mutation] => [`content type ${t}`, (m) => ({ ...m, contentType: t })]),
);

test('an altered PrivateMessage never decrypts and leaves the secret tree unchanged', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 1, maxLength: 16 }), mutation, (text, aad, [, mutate]) => {
      const sender = epoch.state();
      const receiver = epoch.state();
      const original = send(epoch, sender, text, aad);
      const altered = mutate(original);
      assert.throws(() => unprotectPrivateMessage(epoch.suite, altered, receiver, epoch.keyOf), ProtectionError);
      assert.equal(receiver.secretTree.nextGeneration(0, 'application'), 0);
      assert.equal(receiver.secretTree.nodeSecretCount, 1);
      const received = unprotectPrivateMessage(epoch.suite, original, receiver, epoch.keyOf);
      assert.deepEqual(received.content.content, { type: 'application', applicationData: text });
    }),
    { numRuns: 300 },
  );
});

test('a consumed generation cannot be replayed', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), (count, pick) => {
      const sender = epoch.state();
      const receiver = epoch.state();
      const messages = Array.from({ length: count }, (_, i) => send(epoch, sender, new Uint8Array([i]), new Uint8Array(0)));
      for (const m of messages) unprotectPrivateMessage(epoch.suite, m, receiver, epoch.keyOf);
      const replayed = messages[pick % count]!;
      assert.throws(
        () => unprotectPrivateMessage(epoch.suite, replayed, receiver, epoch.keyOf),
        (e: unknown) => e instanceof ProtectionError && e.code === 'replayed-generation',
      );
    }),
    { numRuns: 50 },
  );
});

test('messages delivered in any order decrypt exactly once', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }).chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })), (order) => {
      const sender = epoch.state();
      const receiver = epoch.state();
      const messages = order.map((_, i) => send(epoch, sender, new Uint8Array([i]), new Uint8Array(0)));
      for (const i of order) {
        const got = unprotectPrivateMessage(epoch.suite, messages[i]!, receiver, epoch.keyOf);
        assert.deepEqual(got.content.content, { type: 'application', applicationData: new Uint8Array([i]) });
      }
      assert.equal(receiver.secretTree.retainedCount(0, 'application'), 0);
    }),
    { numRuns: 50 },
  );
});

test('a message from another epoch or signed by someone else changes nothing', () => {
  const other = twoMemberEpoch(1, PROVIDERS[0]!, 9);
  const receiver = epoch.state();
  const foreign = send(other, other.state(), new Uint8Array([1]), new Uint8Array(0));
  assert.throws(() => unprotectPrivateMessage(epoch.suite, foreign, receiver, epoch.keyOf), (e: unknown) => e instanceof ProtectionError && e.code === 'sender-data-auth');
  // Right keys, wrong signer: the content decrypts but the signature does not verify.
  const message = send(epoch, epoch.state(), new Uint8Array([2]), new Uint8Array(0));
  const wrongKey = () => epoch.signatureKeys[1]!.publicKey;
  assert.throws(() => unprotectPrivateMessage(epoch.suite, message, receiver, wrongKey), (e: unknown) => e instanceof ProtectionError && e.code === 'invalid-signature');
  assert.throws(() => unprotectPrivateMessage(epoch.suite, message, receiver, () => undefined), (e: unknown) => e instanceof ProtectionError && e.code === 'unknown-sender');
  assert.equal(receiver.secretTree.nextGeneration(0, 'application'), 0);
  unprotectPrivateMessage(epoch.suite, message, receiver, epoch.keyOf);
});
