// The codec core (RFC 9420 §2.1): varints, exact lengths, bounded sizes, no trailing bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError, type DecodeErrorCode } from '../../src/codec/errors.ts';
import { MAX_NESTING_DEPTH, MAX_VARINT, MAX_VECTOR_BYTES } from '../../src/codec/limits.ts';
import { decode, Reader } from '../../src/codec/reader.ts';
import { readVarint } from '../../src/codec/varint.ts';
import { encode, Writer } from '../../src/codec/writer.ts';

function rejects(f: () => unknown, code: DecodeErrorCode): void {
  assert.throws(f, (error: unknown) => error instanceof DecodeError && error.code === code);
}

/** `value` in a varint of exactly `size` bytes, minimal or not. */
function varintOfSize(value: number, size: 1 | 2 | 4): Uint8Array {
  const out = new Uint8Array(size);
  let rest = value;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = rest & 0xff;
    rest = Math.floor(rest / 256);
  }
  out[0]! |= size === 1 ? 0 : size === 2 ? 0x40 : 0x80;
  return out;
}

/**
 * A Uint8Array that records every copy made of it: a decoder that rejects a length before
 * allocating never calls slice().
 */
class CopyCountingBytes extends Uint8Array {
  copies = 0;
  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    this.copies++;
    return Uint8Array.prototype.slice.call(this, start, end) as Uint8Array<ArrayBuffer>;
  }
}

test('varint: every value round-trips through the minimal encoding', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_VARINT }), (value) => {
      const bytes = new Writer().varint(value).finish();
      assert.equal(bytes.length, value < 64 ? 1 : value < 16384 ? 2 : 4);
      assert.deepEqual(readVarint(bytes, 0), [value, bytes.length]);
    }),
    { numRuns: 500 },
  );
});

test('varint: non-minimal encodings are rejected (RFC 9420 §2.1.2)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 16383 }), fc.constantFrom(2 as const, 4 as const), (value, size) => {
      fc.pre(value < (size === 2 ? 64 : 16384)); // only encodings longer than needed
      rejects(() => new Reader(varintOfSize(value, size)).varint(), 'non-minimal-varint');
    }),
    { numRuns: 500 },
  );
  rejects(() => new Reader(Uint8Array.of(0x40, 0x3f)).varint(), 'non-minimal-varint');
  rejects(() => new Reader(Uint8Array.of(0x80, 0x00, 0x3f, 0xff)).varint(), 'non-minimal-varint');
  rejects(() => new Reader(Uint8Array.of(0x80, 0, 0, 0)).varint(), 'non-minimal-varint');
});

test('varint: prefix 0b11 is invalid, short input is truncated, the writer refuses values above 2^30 - 1', () => {
  for (const first of [0xc0, 0xff]) rejects(() => new Reader(Uint8Array.of(first, 0, 0, 0, 0, 0, 0, 0)).varint(), 'invalid-varint');
  rejects(() => new Reader(new Uint8Array(0)).varint(), 'truncated');
  rejects(() => new Reader(Uint8Array.of(0x40)).varint(), 'truncated');
  rejects(() => new Reader(Uint8Array.of(0x80, 0x00, 0x40)).varint(), 'truncated');
  // The reader's end bounds the varint, not the underlying buffer.
  rejects(() => new Reader(Uint8Array.of(0x40, 0x40), 0, 1).varint(), 'truncated');
  assert.throws(() => new Writer().varint(MAX_VARINT + 1), RangeError);
  assert.throws(() => new Writer().varint(-1), RangeError);
});

test('a 1 GiB length prefix on a 10-byte buffer is rejected without allocating', () => {
  const bytes = new CopyCountingBytes(10);
  bytes.set([0xbf, 0xff, 0xff, 0xff]); // 2^30 - 1
  rejects(() => new Reader(bytes).opaque(), 'too-large');
  rejects(() => new Reader(bytes).vector((r) => r.uint8(), 'items', 10), 'too-large');
  // Under the codec bound but over what is there: truncated, still without a copy.
  const underBound = new CopyCountingBytes(10);
  underBound.set(varintOfSize(MAX_VECTOR_BYTES, 4));
  rejects(() => new Reader(underBound).opaque(), 'truncated');
  rejects(() => new Reader(underBound).vector((r) => r.uint8(), 'items', 10), 'truncated');
  // A per-field bound is checked before the bytes are looked at.
  const smallField = new CopyCountingBytes(10);
  smallField.set([0x40, 0x41]); // 65
  rejects(() => new Reader(smallField).opaque('hash', 64), 'too-large');
  assert.equal(bytes.copies + underBound.copies + smallField.copies, 0);
});

test('vectors: exact byte length, item count bounded, no bytes left inside', () => {
  const items = (r: Reader) => r.uint16();
  assert.deepEqual(decode((r) => r.vector(items, 'items', 3), Uint8Array.of(4, 0, 1, 0, 2), 'items'), [1, 2]);
  rejects(() => decode((r) => r.vector(items, 'items', 3), Uint8Array.of(3, 0, 1, 0, 2), 'items'), 'truncated'); // item crosses the vector's end
  rejects(() => decode((r) => r.vector(items, 'items', 1), Uint8Array.of(4, 0, 1, 0, 2), 'items'), 'too-large');
  rejects(() => decode((r) => r.vector(items, 'items', 3, 2), Uint8Array.of(4, 0, 1, 0, 2), 'items'), 'too-large');
  rejects(() => decode((r) => r.uint8(), Uint8Array.of(1, 2), 'one byte'), 'trailing-bytes');
});

test('optional: only 0 and 1 are presence flags; nesting is bounded', () => {
  assert.equal(decode((r) => r.optional((x) => x.uint8(), 'o'), Uint8Array.of(0), 'o'), undefined);
  assert.equal(decode((r) => r.optional((x) => x.uint8(), 'o'), Uint8Array.of(1, 7), 'o'), 7);
  rejects(() => decode((r) => r.optional((x) => x.uint8(), 'o'), Uint8Array.of(2, 7), 'o'), 'invalid-value');
  const nested = (r: Reader): unknown => r.optional(nested, 'nested');
  decode(nested, Uint8Array.from([...new Array<number>(MAX_NESTING_DEPTH - 1).fill(1), 0]), 'nested');
  rejects(() => decode(nested, Uint8Array.from([...new Array<number>(MAX_NESTING_DEPTH + 1).fill(1), 0]), 'nested'), 'too-large');
});

test('writer: integers outside their width are programming errors, never silently wrapped', () => {
  assert.throws(() => new Writer().uint8(256), RangeError);
  assert.throws(() => new Writer().uint8(-1), RangeError);
  assert.throws(() => new Writer().uint16(0x1_0000), RangeError);
  assert.throws(() => new Writer().uint16(1.5), RangeError);
  assert.throws(() => new Writer().uint32(2 ** 32), RangeError);
  assert.throws(() => new Writer().uint32(Number.NaN), RangeError);
  assert.throws(() => new Writer().uint64(-1n), RangeError);
  assert.throws(() => new Writer().uint64(2n ** 64n), RangeError);
  assert.deepEqual(new Writer().uint8(255).uint16(0xffff).uint32(0xffff_ffff).finish(), new Uint8Array(7).fill(0xff));
});

test('writer: zeros() writes zero bytes even over stale buffer contents', () => {
  const writer = new Writer(8);
  writer.vector([0xaa, 0xbb, 0xcc], (w, b) => w.uint8(b)); // shifts left, leaving stale bytes behind
  writer.zeros(5);
  assert.deepEqual(writer.finish(), Uint8Array.of(3, 0xaa, 0xbb, 0xcc, 0, 0, 0, 0, 0));
  assert.throws(() => new Writer().zeros(-1), RangeError);
});

test('reader: zeroPadding consumes zeros and rejects any other byte', () => {
  const reader = new Reader(Uint8Array.of(9, 0, 0, 0));
  reader.uint8();
  assert.equal(reader.zeroPadding(), 3);
  reader.finish('padding');
  const bad = new Reader(Uint8Array.of(0, 0, 1));
  rejects(() => bad.zeroPadding(), 'invalid-value');
});

test('vector prefixes of every size re-encode minimally', () => {
  for (const length of [0, 63, 64, 16383, 16384]) {
    const body = new Uint8Array(length);
    const bytes = encode((w, b: Uint8Array) => w.vector([...b], (x, v) => x.uint8(v)), body);
    assert.deepEqual(decode((r) => r.opaque(), bytes, 'opaque'), body);
    assert.deepEqual(encode((w, b: Uint8Array) => w.opaque(b), body), bytes);
  }
});
