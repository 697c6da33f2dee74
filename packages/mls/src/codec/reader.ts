/**
 * Strict decoder for the TLS presentation language as RFC 9420 §2.1 uses it: exact
 * lengths, minimal varints, bounded sizes, no trailing bytes (inside vectors and at the end).
 * Every failure is a DecodeError.
 *
 * Slices returned by `bytes`/`opaque` are copies, so decoded structs never alias the input.
 */
import { DecodeError } from './errors.ts';
import { MAX_NESTING_DEPTH, MAX_VECTOR_BYTES } from './limits.ts';
import { readVarint } from './varint.ts';

export class Reader {
  private offset: number;
  private depth = 0;

  constructor(
    private readonly data: Uint8Array,
    offset = 0,
    private readonly end = data.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  get position(): number {
    return this.offset;
  }

  /** A copy of the bytes read since position `start` (for encoding-memo.ts). */
  consumedSince(start: number): Uint8Array {
    return this.data.slice(start, this.offset);
  }

  private need(count: number, what: string): void {
    if (count > this.end - this.offset) throw new DecodeError('truncated', what);
  }

  uint8(what = 'uint8'): number {
    this.need(1, what);
    return this.data[this.offset++]!;
  }

  uint16(what = 'uint16'): number {
    this.need(2, what);
    const d = this.data;
    const value = (d[this.offset]! << 8) | d[this.offset + 1]!;
    this.offset += 2;
    return value;
  }

  uint32(what = 'uint32'): number {
    this.need(4, what);
    const d = this.data;
    const value = ((d[this.offset]! << 24) >>> 0) + ((d[this.offset + 1]! << 16) | (d[this.offset + 2]! << 8) | d[this.offset + 3]!);
    this.offset += 4;
    return value;
  }

  uint64(what = 'uint64'): bigint {
    const high = this.uint32(what);
    const low = this.uint32(what);
    return (BigInt(high) << 32n) | BigInt(low);
  }

  varint(what = 'varint'): number {
    if (this.offset >= this.end) throw new DecodeError('truncated', what);
    const [value, next] = readVarint(this.data, this.offset);
    if (next > this.end) throw new DecodeError('truncated', what);
    this.offset = next;
    return value;
  }

  /** Exactly `length` raw bytes (a copy). */
  bytes(length: number, what = 'bytes'): Uint8Array {
    this.need(length, what);
    const out = this.data.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /**
   * Consumes every remaining byte as padding that must be all zeros (PrivateMessageContent,
   * RFC 9420 §6.3.1) and returns how many there were. Reads without copying.
   * @throws DecodeError('invalid-value') on a non-zero byte
   */
  zeroPadding(what = 'padding'): number {
    let nonZero = 0;
    for (let i = this.offset; i < this.end; i++) nonZero |= this.data[i]!;
    if (nonZero !== 0) throw new DecodeError('invalid-value', `${what}: non-zero byte`);
    const count = this.end - this.offset;
    this.offset = this.end;
    return count;
  }

  /** `opaque data<V>` with at most `max` bytes (default MAX_VECTOR_BYTES). */
  opaque(what = 'opaque', max = MAX_VECTOR_BYTES): Uint8Array {
    const length = this.varint(what);
    if (length > max) throw new DecodeError('too-large', `${what}: ${length} > ${max}`);
    return this.bytes(length, what);
  }

  /**
   * `T items<V>`: reads a varint byte length, then items until exactly that many bytes are
   * consumed. `maxItems` bounds the count; `maxBytes` the byte length.
   */
  vector<T>(decodeItem: (reader: Reader) => T, what: string, maxItems: number, maxBytes = MAX_VECTOR_BYTES): T[] {
    const length = this.varint(what);
    if (length > maxBytes) throw new DecodeError('too-large', `${what}: ${length} bytes > ${maxBytes}`);
    this.need(length, what);
    const stop = this.offset + length;
    const items: T[] = [];
    const inner = new Reader(this.data, this.offset, stop);
    inner.depth = this.enter(what);
    while (inner.offset < stop) {
      if (items.length >= maxItems) throw new DecodeError('too-large', `${what}: more than ${maxItems} items`);
      items.push(decodeItem(inner));
    }
    this.offset = stop;
    return items;
  }

  /** `optional<T>`: a presence byte of 0 or 1. */
  optional<T>(decodeValue: (reader: Reader) => T, what: string): T | undefined {
    const present = this.uint8(what);
    if (present === 0) return undefined;
    if (present !== 1) throw new DecodeError('invalid-value', `${what}: optional flag ${present}`);
    this.depth = this.enter(what);
    try {
      return decodeValue(this);
    } finally {
      this.depth--;
    }
  }

  private enter(what: string): number {
    if (this.depth + 1 > MAX_NESTING_DEPTH) throw new DecodeError('too-large', `${what}: nesting deeper than ${MAX_NESTING_DEPTH}`);
    return this.depth + 1;
  }

  /** @throws DecodeError('trailing-bytes') when anything is left. */
  finish(what: string): void {
    if (this.offset !== this.end) throw new DecodeError('trailing-bytes', `${what}: ${this.end - this.offset} bytes left`);
  }
}

/**
 * Decodes a whole buffer with `decodeValue` and requires that it consumes every byte.
 * Any non-DecodeError thrown while decoding (a bug) is rethrown as-is so tests see it.
 */
export function decode<T>(decodeValue: (reader: Reader) => T, data: Uint8Array, what: string): T {
  const reader = new Reader(data);
  const value = decodeValue(reader);
  reader.finish(what);
  return value;
}
