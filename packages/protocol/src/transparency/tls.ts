/**
 * TLS presentation language helpers (RFC 8446 §3) for the key-transparency structures:
 * vectors with 1-, 2- or 4-octet length prefixes, optional<T> as a presence octet (0/1),
 * fixed-size opaque fields. Reading is strict: each length is checked against the caller's
 * bound before anything is read, presence octets other than 0/1 are invalid.
 */
import { DecodeError } from '../binary/decode-error.ts';
import { Reader } from '../binary/reader.ts';

/** Reads TLS vectors and optionals on top of the strict Reader. */
export class TlsReader extends Reader {
  /** opaque field[length]. */
  fixed(length: number, what: string): Uint8Array {
    return this.bytes(length, what);
  }

  /** A length prefix of `octets`, at most `max`. */
  length(octets: 1 | 2 | 4, max: number, what: string): number {
    const len = octets === 1 ? this.u8(what) : octets === 2 ? this.u16(what) : this.u32(what);
    if (len > max) throw new DecodeError('too-large', `${what}: ${len} > ${max}`);
    return len;
  }

  /** opaque v<0..2^(8*octets)-1>, at most `max` octets. */
  vector(octets: 1 | 2 | 4, max: number, what: string): Uint8Array {
    return this.bytes(this.length(octets, max, what), what);
  }

  /** A vector of fixed-size items (e.g. HashValue list<0..2^16-1>), at most `maxItems`. */
  fixedList(octets: 1 | 2 | 4, itemBytes: number, maxItems: number, what: string): Uint8Array[] {
    const len = this.length(octets, maxItems * itemBytes, what);
    if (len % itemBytes !== 0) throw new DecodeError('invalid-value', `${what}: ${len} octets is not a whole number of ${itemBytes}-octet items`);
    const out: Uint8Array[] = [];
    for (let i = 0; i < len / itemBytes; i++) out.push(this.bytes(itemBytes, what));
    return out;
  }

  /**
   * A vector of variable-size structs: the prefix counts octets (TLS); items are read with
   * `item` until exactly that many octets are consumed, at most `maxItems` of them.
   */
  structList<T>(octets: 1 | 2 | 4, maxOctets: number, maxItems: number, what: string, item: (r: TlsReader) => T): T[] {
    const inner = new TlsReader(this.vector(octets, maxOctets, what));
    const out: T[] = [];
    while (inner.remaining > 0) {
      if (out.length === maxItems) throw new DecodeError('too-large', `${what}: more than ${maxItems} items`);
      out.push(item(inner));
    }
    return out;
  }

  /** optional<T>: presence octet 0 (absent) or 1 (present). */
  optional<T>(what: string, read: (r: this) => T): T | undefined {
    const flag = this.u8(what);
    if (flag === 0) return undefined;
    if (flag !== 1) throw new DecodeError('invalid-value', `${what}: presence octet ${flag}`);
    return read(this);
  }
}

/** Collects encoded parts and joins them once. */
export class TlsWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private push(part: Uint8Array): this {
    this.parts.push(part);
    this.length += part.length;
    return this;
  }

  u8(value: number): this {
    return this.push(Uint8Array.of(value & 0xff));
  }

  u16(value: number): this {
    return this.push(Uint8Array.of(value >>> 8, value & 0xff));
  }

  u32(value: number): this {
    return this.push(Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff));
  }

  /** `value` must be a safe non-negative integer (encoders validate first). */
  u64(value: number): this {
    return this.u32(Math.floor(value / 0x1_0000_0000)).u32(value >>> 0);
  }

  bytes(value: Uint8Array): this {
    return this.push(value);
  }

  /** A length prefix of `octets` then the bytes. */
  vector(octets: 1 | 2 | 4, value: Uint8Array): this {
    if (octets === 1) this.u8(value.length);
    else if (octets === 2) this.u16(value.length);
    else this.u32(value.length);
    return this.push(value);
  }

  /** A length-prefixed vector whose content another writer builds. */
  nested(octets: 1 | 2 | 4, build: (w: TlsWriter) => void): this {
    const inner = new TlsWriter();
    build(inner);
    return this.vector(octets, inner.finish());
  }

  optional<T>(value: T | undefined, write: (w: this, v: T) => void): this {
    if (value === undefined) return this.u8(0);
    this.u8(1);
    write(this, value);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

/**
 * Runs `read` over all of `bytes` and rejects trailing bytes; also checks the canonical
 * rule (re-encoding gives the input back), so one value has one encoding.
 */
export function decodeStrict<T>(bytes: Uint8Array, what: string, read: (r: TlsReader) => T, encode: (value: T) => Uint8Array): T {
  const r = new TlsReader(bytes);
  const value = read(r);
  r.finish(what);
  const again = encode(value);
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) throw new DecodeError('invalid-value', `${what}: not the canonical encoding`);
  return value;
}
