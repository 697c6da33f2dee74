import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DecodeError, type DecodeErrorCode } from '../src/binary/decode-error.ts';
import { decodeClientFrame, encodeClientFrame, type SendFrame } from '../src/frames/client.ts';
import { MAX_ACK_SEQS, MAX_GROUP_ID_BYTES, MAX_MESSAGE_BYTES, MAX_RECIPIENTS_PER_SEND } from '../src/limits.ts';

function rejects(data: Uint8Array, code: DecodeErrorCode): void {
  assert.throws(() => decodeClientFrame(data), (e: unknown) => e instanceof DecodeError && e.code === code);
}

const id = (n: number) => new Uint8Array(16).fill(n);
const send: SendFrame = {
  type: 'send',
  requestId: 7,
  clientMessageId: id(1),
  kind: 'commit',
  epoch: 2 ** 40 + 3,
  groupId: new Uint8Array([1, 2, 3]),
  recipients: [id(2), id(3)],
  payload: new Uint8Array([9, 8, 7]),
};

describe('client frames', () => {
  it('round-trips AUTH, SEND, ACK', () => {
    for (const frame of [{ type: 'auth' as const, token: new Uint8Array(32).fill(5) }, send, { type: 'ack' as const, seqs: [1, 2, 2 ** 53 - 1] }]) {
      assert.deepEqual(decodeClientFrame(encodeClientFrame(frame)), frame);
    }
  });

  it('SEND layout starts with version 1 and type 2 (documented layout)', () => {
    const bytes = encodeClientFrame(send);
    assert.deepEqual([...bytes.subarray(0, 6)], [1, 2, 0, 0, 0, 7]);
    assert.equal(bytes.length, 2 + 4 + 16 + 1 + 8 + 1 + 3 + 2 + 32 + 4 + 3);
  });

  it('property: re-encoding a decoded SEND gives the same bytes', () => {
    fc.assert(
      fc.property(
        fc.record({
          requestId: fc.nat({ max: 0xffff_ffff }),
          epoch: fc.maxSafeNat(),
          kind: fc.constantFrom('application', 'commit', 'proposal', 'welcome' as const),
          groupId: fc.uint8Array({ minLength: 1, maxLength: MAX_GROUP_ID_BYTES }),
          recipients: fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 5 }),
          payload: fc.uint8Array({ minLength: 1, maxLength: 64 }),
        }),
        (r) => {
          const bytes = encodeClientFrame({ type: 'send', clientMessageId: id(1), ...r });
          assert.deepEqual(encodeClientFrame(decodeClientFrame(bytes)), bytes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects bad versions with distinct errors, unknown types, empty input', () => {
    const bytes = encodeClientFrame(send);
    rejects(new Uint8Array([]), 'truncated');
    rejects(new Uint8Array([0, 2]), 'version-too-old');
    rejects(new Uint8Array([2, 2]), 'version-unknown');
    rejects(new Uint8Array([1, 0x7f]), 'unknown-type');
    rejects(new Uint8Array([1, 0x84]), 'unknown-type');
    const old = bytes.slice();
    old[0] = 0;
    rejects(old, 'version-too-old');
  });

  it('rejects every truncation and any trailing byte', () => {
    for (const frame of [encodeClientFrame(send), encodeClientFrame({ type: 'auth', token: new Uint8Array(32) }), encodeClientFrame({ type: 'ack', seqs: [1, 2] })]) {
      for (let cut = 0; cut < frame.length; cut++) {
        assert.throws(() => decodeClientFrame(frame.subarray(0, cut)), DecodeError, `cut at ${cut}`);
      }
      const longer = new Uint8Array(frame.length + 1);
      longer.set(frame);
      assert.throws(() => decodeClientFrame(longer), (e: unknown) => e instanceof DecodeError && (e.code === 'trailing-bytes' || e.code === 'invalid-value'));
    }
  });

  it('rejects out-of-range fields: kind, empty/oversized group id, recipients, payload, ack count, u64 > 2^53', () => {
    const bytes = encodeClientFrame(send);
    const kindAt = 2 + 4 + 16;
    const badKind = bytes.slice();
    badKind[kindAt] = 9;
    rejects(badKind, 'invalid-value');
    const groupLenAt = kindAt + 1 + 8;
    const zeroGroup = bytes.slice();
    zeroGroup[groupLenAt] = 0;
    rejects(zeroGroup, 'invalid-value');
    const bigGroup = bytes.slice();
    bigGroup[groupLenAt] = MAX_GROUP_ID_BYTES + 1;
    rejects(bigGroup, 'too-large');
    const countAt = groupLenAt + 1 + 3;
    const noRecipients = bytes.slice();
    noRecipients[countAt] = 0;
    noRecipients[countAt + 1] = 0;
    rejects(noRecipients, 'invalid-value');
    const manyRecipients = bytes.slice();
    manyRecipients[countAt] = (MAX_RECIPIENTS_PER_SEND + 1) >> 8;
    manyRecipients[countAt + 1] = (MAX_RECIPIENTS_PER_SEND + 1) & 0xff;
    rejects(manyRecipients, 'too-large');
    const payloadLenAt = countAt + 2 + 32;
    const hugePayload = bytes.slice();
    new DataView(hugePayload.buffer).setUint32(payloadLenAt, MAX_MESSAGE_BYTES + 1);
    rejects(hugePayload, 'too-large');
    const zeroPayload = bytes.slice(0, payloadLenAt + 4);
    new DataView(zeroPayload.buffer).setUint32(payloadLenAt, 0);
    rejects(zeroPayload, 'invalid-value');
    const bigEpoch = bytes.slice();
    bigEpoch[kindAt + 1] = 0x00;
    bigEpoch[kindAt + 2] = 0x20;
    rejects(bigEpoch, 'invalid-value');
    rejects(new Uint8Array([1, 3, 0, 0]), 'invalid-value');
    const manyAcks = new Uint8Array([1, 3, (MAX_ACK_SEQS + 1) >> 8, (MAX_ACK_SEQS + 1) & 0xff]);
    rejects(manyAcks, 'too-large');
    rejects(new Uint8Array([1, 3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]), 'truncated');
  });

  it('fuzz: random bytes only ever throw DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(1, 2, 3), (tail, type) => {
        for (const data of [tail, new Uint8Array([1, type, ...tail])]) {
          try {
            decodeClientFrame(data);
          } catch (error) {
            assert.ok(error instanceof DecodeError, String(error));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('encoders refuse out-of-bound fields (programming errors)', () => {
    assert.throws(() => encodeClientFrame({ ...send, recipients: [] }), RangeError);
    assert.throws(() => encodeClientFrame({ ...send, epoch: -1 }), RangeError);
    assert.throws(() => encodeClientFrame({ type: 'ack', seqs: [] }), RangeError);
    assert.throws(() => encodeClientFrame({ type: 'auth', token: new Uint8Array(31) }), RangeError);
  });
});
