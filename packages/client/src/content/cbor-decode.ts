/**
 * Strict decoder of the CBOR subset that cbor-encode.ts writes (RFC 8949 §4.2.1). It
 * accepts exactly one encoding per value: a non-shortest argument, unsorted or duplicate
 * map keys, indefinite lengths, tags, floats and other simple values are refused, as are
 * trailing bytes. Sizes are checked against the remaining input and the bounds of
 * limits.ts before anything is allocated; nesting is bounded by MAX_CBOR_DEPTH.
 */
import { ContentError } from './cbor-errors.ts';
import { CborMap, type CborKey, type CborValue } from './cbor-value.ts';
import { MAX_CBOR_DEPTH, MAX_CBOR_ITEMS, MAX_CONTENT_BYTES } from './limits.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

class Cursor {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  take(length: number): Uint8Array {
    if (length > this.bytes.length - this.offset) throw new ContentError('truncated', `need ${length} bytes at offset ${this.offset}`);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  byte(): number {
    return this.take(1)[0]!;
  }
}

/** Reads the argument of an item whose additional info is `info`, refusing non-shortest forms. */
function argument(cursor: Cursor, info: number, at: number): number {
  if (info < 24) return info;
  let value: number;
  let minimum: number;
  if (info === 24) {
    value = cursor.byte();
    minimum = 24;
  } else if (info === 25) {
    const b = cursor.take(2);
    value = (b[0]! << 8) | b[1]!;
    minimum = 0x100;
  } else if (info === 26) {
    const b = cursor.take(4);
    value = new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
    minimum = 0x1_0000;
  } else if (info === 27) {
    const b = cursor.take(8);
    const big = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new ContentError('out-of-range', `integer above 2^53-1 at offset ${at}`);
    value = Number(big);
    minimum = 0x1_0000_0000;
  } else if (info === 31) {
    throw new ContentError('unsupported', `indefinite length at offset ${at}`);
  } else {
    throw new ContentError('unsupported', `reserved additional info ${info} at offset ${at}`);
  }
  if (value < minimum) throw new ContentError('not-deterministic', `argument not in shortest form at offset ${at}`);
  return value;
}

function checkCount(count: number, cursor: Cursor, at: number): void {
  if (count > MAX_CBOR_ITEMS) throw new ContentError('too-large', `${count} items at offset ${at}`);
  // Every item takes at least one byte: a count beyond the remaining input cannot be honest.
  if (count > cursor.bytes.length - cursor.offset) throw new ContentError('truncated', `${count} items at offset ${at}`);
}

function decodeItem(cursor: Cursor, depth: number): CborValue {
  const at = cursor.offset;
  const initial = cursor.byte();
  const major = initial >> 5;
  const info = initial & 0x1f;
  switch (major) {
    case 0:
      return argument(cursor, info, at);
    case 1: {
      const n = argument(cursor, info, at);
      // -1 - n must stay a safe integer.
      if (n >= Number.MAX_SAFE_INTEGER) throw new ContentError('out-of-range', `negative integer at offset ${at}`);
      return -1 - n;
    }
    case 2:
      return cursor.take(argument(cursor, info, at)).slice();
    case 3: {
      const bytes = cursor.take(argument(cursor, info, at));
      try {
        return utf8.decode(bytes);
      } catch {
        throw new ContentError('invalid-utf8', `text string at offset ${at}`);
      }
    }
    case 4: {
      if (depth >= MAX_CBOR_DEPTH) throw new ContentError('too-deep', `array at offset ${at}`);
      const count = argument(cursor, info, at);
      checkCount(count, cursor, at);
      const items: CborValue[] = [];
      for (let i = 0; i < count; i++) items.push(decodeItem(cursor, depth + 1));
      return items;
    }
    case 5: {
      if (depth >= MAX_CBOR_DEPTH) throw new ContentError('too-deep', `map at offset ${at}`);
      const count = argument(cursor, info, at);
      checkCount(count, cursor, at);
      const entries: [CborKey, CborValue][] = [];
      let previousKey: Uint8Array | undefined;
      for (let i = 0; i < count; i++) {
        const keyStart = cursor.offset;
        const key = decodeItem(cursor, depth + 1);
        if (typeof key !== 'number' && typeof key !== 'string') throw new ContentError('unsupported', `map key of another type at offset ${keyStart}`);
        const keyBytes = cursor.bytes.subarray(keyStart, cursor.offset);
        if (previousKey !== undefined) {
          const order = compareBytes(previousKey, keyBytes);
          if (order === 0) throw new ContentError('not-deterministic', `duplicate map key at offset ${keyStart}`);
          if (order > 0) throw new ContentError('not-deterministic', `map keys out of order at offset ${keyStart}`);
        }
        previousKey = keyBytes;
        entries.push([key, decodeItem(cursor, depth + 1)]);
      }
      return new CborMap(entries);
    }
    case 6:
      throw new ContentError('unsupported', `tag at offset ${at}`);
    default: {
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22) return null;
      throw new ContentError('unsupported', `simple value or float (info ${info}) at offset ${at}`);
    }
  }
}

/**
 * Decodes exactly one item of the deterministic subset, with no trailing bytes. `maxBytes`
 * defaults to MAX_CONTENT_BYTES (message content); local records pass their own bound.
 * @throws ContentError('too-large' | 'truncated' | 'trailing-bytes' | 'too-deep' | 'unsupported'
 *   | 'not-deterministic' | 'invalid-utf8' | 'out-of-range')
 */
export function decodeCbor(bytes: Uint8Array, maxBytes: number = MAX_CONTENT_BYTES): CborValue {
  if (bytes.length > maxBytes) throw new ContentError('too-large', `${bytes.length} bytes > ${maxBytes}`);
  const cursor = new Cursor(bytes);
  const value = decodeItem(cursor, 0);
  if (cursor.offset !== bytes.length) throw new ContentError('trailing-bytes', `${bytes.length - cursor.offset} bytes after the item`);
  return value;
}
