/**
 * A strict big-endian reader: every read checks the bytes exist, lengths are checked
 * against a bound before anything is allocated, `finish()` rejects trailing bytes.
 * `bytes()` returns a subarray (no copy): decoded frames alias the input buffer, which the
 * caller owns and must not modify while using them.
 */
import { DecodeError } from './decode-error.ts';

export class Reader {
  private offset = 0;

  constructor(private readonly data: Uint8Array) {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  private need(count: number, what: string): void {
    if (count > this.data.length - this.offset) throw new DecodeError('truncated', what);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.data[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const d = this.data;
    const value = (d[this.offset]! << 8) | d[this.offset + 1]!;
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const d = this.data;
    const o = this.offset;
    const value = d[o]! * 0x100_0000 + ((d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!);
    this.offset += 4;
    return value;
  }

  /** A u64 that must fit a JS safe integer (2^53 - 1); larger is invalid-value. */
  u64(what: string): number {
    const high = this.u32(what);
    const low = this.u32(what);
    if (high > 0x1f_ffff) throw new DecodeError('invalid-value', `${what} above 2^53-1`);
    return high * 0x1_0000_0000 + low;
  }

  /** Exactly `length` bytes, as a view into the input. */
  bytes(length: number, what: string): Uint8Array {
    this.need(length, what);
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** Throws trailing-bytes unless the input is fully consumed. */
  finish(what: string): void {
    if (this.offset !== this.data.length) throw new DecodeError('trailing-bytes', what);
  }
}
