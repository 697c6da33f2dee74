/**
 * Append-only encoder for the TLS presentation language as RFC 9420 §2.1 uses it.
 * One growable buffer; `finish()` hands out a copy the caller owns.
 */
import { MAX_VARINT } from './limits.ts';
import { varintSize, writeVarint } from './varint.ts';

const INITIAL_CAPACITY = 256;

export class Writer {
  private buffer: Uint8Array;
  private length = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.buffer = new Uint8Array(capacity);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  /** @throws RangeError when value is not an integer in 0 ..= 255 (it would not round-trip) */
  uint8(value: number): this {
    if (value >>> 0 !== value || value > 0xff) throw new RangeError(`uint8 out of range: ${value}`);
    this.ensure(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  /** @throws RangeError when value is not an integer in 0 ..= 65535 */
  uint16(value: number): this {
    if (value >>> 0 !== value || value > 0xffff) throw new RangeError(`uint16 out of range: ${value}`);
    this.ensure(2);
    this.buffer[this.length++] = (value >>> 8) & 0xff;
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  /** @throws RangeError when value is not an integer in 0 ..= 2^32 - 1 */
  uint32(value: number): this {
    if (value >>> 0 !== value) throw new RangeError(`uint32 out of range: ${value}`);
    this.ensure(4);
    this.buffer[this.length++] = (value >>> 24) & 0xff;
    this.buffer[this.length++] = (value >>> 16) & 0xff;
    this.buffer[this.length++] = (value >>> 8) & 0xff;
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  /** uint64 from a bigint in 0 ..= 2^64 - 1. */
  uint64(value: bigint): this {
    if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RangeError('uint64 out of range');
    this.uint32(Number(value >> 32n));
    return this.uint32(Number(value & 0xffff_ffffn));
  }

  varint(value: number): this {
    this.ensure(4);
    this.length = writeVarint(this.buffer, this.length, value);
    return this;
  }

  /** Raw bytes with no length prefix (fixed-size fields). */
  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** `count` zero bytes with no length prefix (PrivateMessageContent padding, §6.3.1). */
  zeros(count: number): this {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`bad zero count: ${count}`);
    this.ensure(count);
    // The buffer may hold stale bytes past `length` (vector() shifts left), so fill explicitly.
    this.buffer.fill(0, this.length, this.length + count);
    this.length += count;
    return this;
  }

  /** `opaque data<V>`: varint length then the bytes. */
  opaque(value: Uint8Array): this {
    if (value.length > MAX_VARINT) throw new RangeError('vector too long');
    this.varint(value.length);
    return this.bytes(value);
  }

  /** `T items<V>`: encodes each item into this writer after a varint byte length, patched afterwards. */
  vector<T>(items: readonly T[], encodeItem: (writer: Writer, item: T) => void): this {
    // Reserve the largest prefix, encode, then shift left if a shorter prefix suffices.
    this.ensure(4);
    const start = this.length;
    this.length += 4;
    for (const item of items) encodeItem(this, item);
    const bodyLength = this.length - start - 4;
    if (bodyLength > MAX_VARINT) throw new RangeError('vector too long');
    const size = varintSize(bodyLength);
    if (size !== 4) this.buffer.copyWithin(start + size, start + 4, this.length);
    writeVarint(this.buffer, start, bodyLength);
    this.length -= 4 - size;
    return this;
  }

  /** `optional<T>`: 0, or 1 followed by the value. */
  optional<T>(value: T | undefined, encodeValue: (writer: Writer, value: T) => void): this {
    if (value === undefined) return this.uint8(0);
    this.uint8(1);
    encodeValue(this, value);
    return this;
  }

  /** A fresh copy of everything written. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Encodes one value with `encode` and returns the bytes. */
export function encode<T>(encodeValue: (writer: Writer, value: T) => void, value: T): Uint8Array {
  const writer = new Writer();
  encodeValue(writer, value);
  return writer.finish();
}
