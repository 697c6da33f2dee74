// The NATS bus event codec: round trips, inline bounds, and strict rejection of malformed input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUS_CODEC_VERSION,
  BusCodecError,
  MAX_BUS_ENTRIES,
  MAX_BUS_INLINE_BYTES,
  decodeBusEvent,
  encodeBusEvent,
} from '../../src/bus/nats-codec.ts';
import type { BusEvent } from '../../src/bus/bus.ts';
import type { DeviceId, QueueEntry } from '../../src/storage/types.ts';

const dev = '00112233445566778899aabbccddeeff' as DeviceId;
const entry = (seq: number, size = 5): QueueEntry => ({
  seq,
  kind: seq % 2 === 0 ? 'commit' : 'application',
  receivedAt: 1_700_000_000_000 + seq,
  payload: new Uint8Array(size).fill(seq & 0xff),
});

function rejects(bytes: Uint8Array, code: string): void {
  assert.throws(() => decodeBusEvent(bytes), (e: unknown) => e instanceof BusCodecError && e.code === code);
}

describe('NATS bus codec', () => {
  it('round-trips every event type', () => {
    const events: BusEvent[] = [
      { type: 'entries', deviceId: dev, lastSeq: 7, entries: [entry(6), entry(7, 0)] },
      { type: 'entries', deviceId: dev, lastSeq: Number.MAX_SAFE_INTEGER },
      { type: 'revoked', deviceId: dev },
      { type: 'key-packages-low', deviceId: dev, remaining: 3 },
      { type: 'devices-changed', deviceId: dev, version: 7 },
    ];
    for (const event of events) assert.deepEqual(decodeBusEvent(encodeBusEvent(event)), event);
  });

  it('drops inline entries (never the event) beyond the size or count bound', () => {
    const big: BusEvent = { type: 'entries', deviceId: dev, lastSeq: 1, entries: [entry(1, MAX_BUS_INLINE_BYTES)] };
    assert.deepEqual(decodeBusEvent(encodeBusEvent(big)), { type: 'entries', deviceId: dev, lastSeq: 1 });
    const many = Array.from({ length: MAX_BUS_ENTRIES + 1 }, (_, i) => entry(i + 1, 1));
    const decoded = decodeBusEvent(encodeBusEvent({ type: 'entries', deviceId: dev, lastSeq: many.length, entries: many }));
    assert.deepEqual(decoded, { type: 'entries', deviceId: dev, lastSeq: many.length });
  });

  it('refuses to encode a device id that is not a plain hex subject token', () => {
    for (const bad of ['', 'ABCD', 'ab.cd', 'ab*', '>', 'a'.repeat(65), 'ab cd']) {
      assert.throws(
        () => encodeBusEvent({ type: 'revoked', deviceId: bad as DeviceId }),
        (e: unknown) => e instanceof BusCodecError && e.code === 'bad-device-id',
      );
    }
    assert.throws(
      () => encodeBusEvent({ type: 'entries', deviceId: dev, lastSeq: -1 }),
      (e: unknown) => e instanceof BusCodecError && e.code === 'bad-number',
    );
  });

  it('rejects every truncation of a valid event', () => {
    const good = encodeBusEvent({ type: 'entries', deviceId: dev, lastSeq: 2, entries: [entry(1), entry(2)] });
    for (let n = 0; n < good.length; n++) {
      assert.throws(() => decodeBusEvent(good.subarray(0, n)), BusCodecError, `prefix of length ${n}`);
    }
  });

  it('rejects a wrong version, type, kind, trailing bytes, oversized counts and numbers', () => {
    const good = encodeBusEvent({ type: 'entries', deviceId: dev, lastSeq: 1, entries: [entry(1)] });
    const idEnd = 3 + dev.length;
    const mutate = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    rejects(mutate(0, BUS_CODEC_VERSION + 1), 'bad-version');
    rejects(mutate(1, 0), 'bad-type');
    rejects(mutate(1, 5), 'bad-type');
    rejects(mutate(3, 'G'.charCodeAt(0)), 'bad-device-id');
    rejects(mutate(2, 65), 'bad-device-id');
    rejects(mutate(idEnd + 8 + 2 + 8, 9), 'bad-kind'); // kind byte of the first entry
    rejects(Uint8Array.from([...good, 0]), 'trailing-bytes');
    const tooMany = good.slice();
    new DataView(tooMany.buffer).setUint16(idEnd + 8, MAX_BUS_ENTRIES + 1);
    rejects(tooMany, 'too-many-entries');
    const hugeSeq = good.slice();
    new DataView(hugeSeq.buffer).setBigUint64(idEnd, 2n ** 63n);
    rejects(hugeSeq, 'bad-number');
    const hugeLength = good.slice();
    new DataView(hugeLength.buffer).setUint32(idEnd + 8 + 2 + 8 + 1 + 8, 0xffffffff);
    rejects(hugeLength, 'truncated');
  });

  it('copies payloads out of the received buffer', () => {
    const bytes = encodeBusEvent({ type: 'entries', deviceId: dev, lastSeq: 1, entries: [entry(1)] });
    const event = decodeBusEvent(bytes);
    bytes.fill(0);
    assert.equal(event.type, 'entries');
    if (event.type === 'entries') assert.deepEqual(event.entries?.[0]?.payload, new Uint8Array(5).fill(1));
  });
});
