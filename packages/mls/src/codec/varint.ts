/**
 * RFC 9420 §2.1.2 variable-length integer (QUIC's, with minimal encoding required).
 *
 *   prefix 00: 1 byte,  6 bits, 0 ..= 63
 *   prefix 01: 2 bytes, 14 bits, 64 ..= 16383
 *   prefix 10: 4 bytes, 30 bits, 16384 ..= 2^30 - 1
 *   prefix 11: invalid
 */
import { DecodeError } from './errors.ts';
import { MAX_VARINT } from './limits.ts';

/** Encoded size of `value` in bytes (1, 2 or 4). */
export function varintSize(value: number): 1 | 2 | 4 {
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  return 4;
}

/**
 * Writes `value` at `offset` of `out` and returns the offset after it.
 * @throws RangeError when value is not an integer in 0 ..= 2^30 - 1 (a programming error, not input).
 */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VARINT) throw new RangeError(`varint out of range: ${value}`);
  if (value < 0x40) {
    out[offset] = value;
    return offset + 1;
  }
  if (value < 0x4000) {
    out[offset] = 0x40 | (value >>> 8);
    out[offset + 1] = value & 0xff;
    return offset + 2;
  }
  out[offset] = 0x80 | (value >>> 24);
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
  return offset + 4;
}

/**
 * Reads a varint at `offset`; returns [value, next offset].
 * @throws DecodeError truncated | invalid-varint | non-minimal-varint
 */
export function readVarint(data: Uint8Array, offset: number): [number, number] {
  if (offset >= data.length) throw new DecodeError('truncated', 'varint');
  const first = data[offset]!;
  const prefix = first >>> 6;
  if (prefix === 3) throw new DecodeError('invalid-varint', 'prefix 0b11');
  const length = 1 << prefix;
  if (offset + length > data.length) throw new DecodeError('truncated', 'varint');
  let value = first & 0x3f;
  for (let i = 1; i < length; i++) value = value * 256 + data[offset + i]!;
  if (prefix >= 1 && value < 2 ** (8 * (length / 2) - 2)) throw new DecodeError('non-minimal-varint', `value ${value} in ${length} bytes`);
  return [value, offset + length];
}
