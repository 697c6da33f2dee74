/**
 * Deterministic encoding of the CBOR subset (RFC 8949 §4.2.1 "Core Deterministic Encoding"):
 * shortest argument form, definite lengths only, map keys sorted by the bytewise
 * lexicographic order of their encodings, no duplicate keys.
 *
 *   initial byte = major type (3 bits) << 5 | additional info (5 bits)
 *   argument:  value < 24 in the additional info; else 24/25/26/27 followed by 1/2/4/8 bytes
 *   major types used: 0 uint, 1 negative int (-1 - n), 2 bstr, 3 tstr, 4 array, 5 map,
 *                     7 simple (20 false, 21 true, 22 null)
 */
import { CborMap, type CborValue } from './cbor-value.ts';

const utf8 = new TextEncoder();

/** A growing output buffer; bytes are written in place (no array per byte: receipt state is encoded per message). */
class ByteSink {
  private buffer = new Uint8Array(256);
  private length = 0;

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  push(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** `value` as `count` big-endian bytes (count <= 4). */
  uint(value: number, count: number): void {
    this.reserve(count);
    for (let i = count - 1; i >= 0; i--) this.buffer[this.length++] = (value >>> (8 * i)) & 0xff;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Major type and argument in the shortest form (§4.2.1). */
function head(sink: ByteSink, major: number, argument: number): void {
  const top = major << 5;
  if (argument < 24) sink.byte(top | argument);
  else if (argument <= 0xff) {
    sink.byte(top | 24);
    sink.uint(argument, 1);
  } else if (argument <= 0xffff) {
    sink.byte(top | 25);
    sink.uint(argument, 2);
  } else if (argument <= 0xffff_ffff) {
    sink.byte(top | 26);
    sink.uint(argument, 4);
  } else {
    const out = new Uint8Array(9);
    out[0] = top | 27;
    new DataView(out.buffer).setBigUint64(1, BigInt(argument));
    sink.push(out);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function encodeInto(sink: ByteSink, value: CborValue): void {
  if (value === null) sink.byte(0xf6);
  else if (value === false) sink.byte(0xf4);
  else if (value === true) sink.byte(0xf5);
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError('CBOR subset: integers must be safe integers');
    if (value >= 0) head(sink, 0, value);
    else head(sink, 1, -1 - value);
  } else if (typeof value === 'string') {
    const bytes = utf8.encode(value);
    head(sink, 3, bytes.length);
    sink.push(bytes);
  } else if (value instanceof Uint8Array) {
    head(sink, 2, value.length);
    sink.push(value);
  } else if (value instanceof CborMap) {
    const encoded = value.entries.map(([key, item]) => ({ key: encodeCbor(key), item }));
    encoded.sort((x, y) => compareBytes(x.key, y.key));
    for (let i = 1; i < encoded.length; i++) {
      if (compareBytes(encoded[i - 1]!.key, encoded[i]!.key) === 0) throw new RangeError('CBOR subset: duplicate map key');
    }
    head(sink, 5, encoded.length);
    for (const { key, item } of encoded) {
      sink.push(key);
      encodeInto(sink, item);
    }
  } else {
    head(sink, 4, value.length);
    for (const item of value) encodeInto(sink, item);
  }
}

/**
 * The one deterministic encoding of `value` (RFC 8949 §4.2.1).
 * @throws RangeError for a value outside the subset (a non-safe integer, a duplicate map
 *   key): a programming error, never caused by received data
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const sink = new ByteSink();
  encodeInto(sink, value);
  return sink.finish();
}

/**
 * A CBOR array whose items are given already encoded (each one CBOR data item, e.g. from
 * `encodeCbor`): the same bytes as `encodeCbor` of the decoded items, for records that keep
 * the encodings of items that did not change (engine/feature-state.ts).
 */
export function encodeCborArrayOfEncoded(items: readonly Uint8Array[]): Uint8Array {
  const sink = new ByteSink();
  head(sink, 4, items.length);
  for (const item of items) sink.push(item);
  return sink.finish();
}
