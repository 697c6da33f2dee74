import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DecodeError, type DecodeErrorCode } from '../src/binary/decode-error.ts';
import { decodeServerFrame, encodeServerFrame, encodeServerFrameInto, serverFrameLength, type ServerFrame } from '../src/frames/server.ts';
import { MAX_DELIVER_ENTRIES, MAX_DELIVER_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../src/limits.ts';

function rejects(data: Uint8Array, code: DecodeErrorCode): void {
  assert.throws(() => decodeServerFrame(data), (e: unknown) => e instanceof DecodeError && e.code === code);
}

const frames: ServerFrame[] = [
  { type: 'ready', deviceId: new Uint8Array(16).fill(3), queued: 12 },
  { type: 'sent', requestId: 4, epoch: 9, duplicate: true },
  { type: 'sent', requestId: 0xffff_ffff, epoch: 0, duplicate: false },
  { type: 'error', requestId: 4, code: 'stale-epoch', value: 7 },
  {
    type: 'deliver',
    entries: [
      { seq: 1, kind: 'application', receivedAt: 1_764_000_000_000, payload: new Uint8Array([1]) },
      { seq: 2, kind: 'welcome', receivedAt: 1_764_000_000_001, payload: new Uint8Array([2, 3]) },
    ],
  },
  { type: 'notice', notice: 'key-packages-low', value: 3 },
  { type: 'notice', notice: 'devices-changed', value: 7 },
];

describe('server frames', () => {
  it('round-trip every type and re-encode to the same bytes', () => {
    for (const frame of frames) {
      const bytes = encodeServerFrame(frame);
      assert.deepEqual(decodeServerFrame(bytes), frame);
      assert.deepEqual(encodeServerFrame(decodeServerFrame(bytes)), bytes);
    }
  });

  it('reject every truncation and a trailing byte', () => {
    for (const frame of frames) {
      const bytes = encodeServerFrame(frame);
      for (let cut = 0; cut < bytes.length; cut++) assert.throws(() => decodeServerFrame(bytes.subarray(0, cut)), DecodeError);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      rejects(longer, 'trailing-bytes');
    }
  });

  it('reject bad version, type, flag, error code, notice, kind, counts and lengths', () => {
    rejects(new Uint8Array([0, 0x81]), 'version-too-old');
    rejects(new Uint8Array([9, 0x81]), 'version-unknown');
    rejects(new Uint8Array([1, 0x01]), 'unknown-type');
    const sent = encodeServerFrame({ type: 'sent', requestId: 1, epoch: 1, duplicate: false });
    sent[sent.length - 1] = 2;
    rejects(sent, 'invalid-value');
    const error = encodeServerFrame({ type: 'error', requestId: 1, code: 'internal', value: 0 });
    error[6] = 0xff;
    rejects(error, 'invalid-value');
    rejects(new Uint8Array([1, 0x85, 3, 0, 0, 0, 0]), 'invalid-value');
    rejects(new Uint8Array([1, 0x84, 0, 0]), 'invalid-value');
    rejects(new Uint8Array([1, 0x84, (MAX_DELIVER_ENTRIES + 1) >> 8, (MAX_DELIVER_ENTRIES + 1) & 0xff]), 'too-large');
    const deliver = encodeServerFrame(frames[4]!);
    const badKind = deliver.slice();
    badKind[4 + 8] = 0;
    rejects(badKind, 'invalid-value');
    const bigPayload = deliver.slice();
    new DataView(bigPayload.buffer).setUint32(4 + 8 + 1 + 8, MAX_MESSAGE_BYTES + 1);
    rejects(bigPayload, 'too-large');
    const zeroPayload = deliver.slice();
    new DataView(zeroPayload.buffer).setUint32(4 + 8 + 1 + 8, 0);
    rejects(zeroPayload, 'invalid-value');
    rejects(new Uint8Array(MAX_DELIVER_FRAME_BYTES + 1), 'too-large');
  });

  it('fuzz: random bytes only ever throw DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0x81, max: 0x85 }), (tail, type) => {
        for (const data of [tail, new Uint8Array([1, type, ...tail])]) {
          try {
            decodeServerFrame(data);
          } catch (error) {
            assert.ok(error instanceof DecodeError, String(error));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the encoder refuses a DELIVER above its bounds', () => {
    const entry = { seq: 1, kind: 'application' as const, receivedAt: 0, payload: new Uint8Array(MAX_MESSAGE_BYTES) };
    assert.throws(() => encodeServerFrame({ type: 'deliver', entries: [entry, entry] }), RangeError);
    assert.throws(() => encodeServerFrame({ type: 'deliver', entries: [] }), RangeError);
  });
});

it('encodeServerFrameInto writes exactly encodeServerFrame\'s bytes at an offset, touching nothing else', () => {
  const cases: ServerFrame[] = [
    { type: 'sent', requestId: 7, epoch: 2 ** 40, duplicate: true },
    { type: 'error', requestId: 1, code: 'queue-full', value: 3 },
    { type: 'notice', notice: 'key-packages-low', value: 2 },
    { type: 'ready', deviceId: new Uint8Array(16).fill(4), queued: 12 },
    { type: 'deliver', entries: [{ seq: 5, kind: 'commit', receivedAt: 86_400_000, payload: Uint8Array.of(1, 2, 3) }] },
  ];
  for (const frame of cases) {
    const length = serverFrameLength(frame);
    const alone = encodeServerFrame(frame);
    assert.equal(alone.length, length);
    const target = new Uint8Array(length + 5).fill(0xee);
    encodeServerFrameInto(frame, target, 3, length);
    assert.deepEqual(target.subarray(3, 3 + length), alone, frame.type);
    assert.deepEqual([...target.subarray(0, 3), ...target.subarray(3 + length)], [0xee, 0xee, 0xee, 0xee, 0xee]);
    assert.throws(() => encodeServerFrameInto(frame, target, 6, length), RangeError, 'a target too short is refused');
  }
});
