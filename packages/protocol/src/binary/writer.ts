/**
 * Writes into one pre-sized buffer: encoders compute the exact length first, so encoding
 * allocates once and never copies while growing.
 */
export class Writer {
  private offset: number;
  private readonly end: number;
  readonly buffer: Uint8Array;

  /**
   * A fresh buffer of `length` bytes, or (with `target`) the `length` bytes of `target` from
   * `offset`: a caller packing many frames into one buffer lets each encoder write in place.
   * @throws RangeError when `target` is too short for `length` bytes from `offset`.
   */
  constructor(length: number, target?: Uint8Array, offset = 0) {
    if (target !== undefined && (offset < 0 || offset + length > target.length)) throw new RangeError('writer target too short');
    this.buffer = target ?? new Uint8Array(length);
    this.offset = target === undefined ? 0 : offset;
    this.end = this.offset + length;
  }

  u8(value: number): this {
    this.buffer[this.offset++] = value;
    return this;
  }

  u16(value: number): this {
    this.buffer[this.offset++] = value >>> 8;
    this.buffer[this.offset++] = value & 0xff;
    return this;
  }

  u32(value: number): this {
    this.buffer[this.offset++] = value >>> 24;
    this.buffer[this.offset++] = (value >>> 16) & 0xff;
    this.buffer[this.offset++] = (value >>> 8) & 0xff;
    this.buffer[this.offset++] = value & 0xff;
    return this;
  }

  /** `value` must be a safe non-negative integer (callers validate). */
  u64(value: number): this {
    this.u32(Math.floor(value / 0x1_0000_0000));
    return this.u32(value >>> 0);
  }

  bytes(value: Uint8Array): this {
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  /** The buffer, after checking its span was filled exactly (an encoder bug otherwise). */
  finish(): Uint8Array {
    if (this.offset !== this.end) throw new Error(`encoder stopped at ${this.offset}, span ends at ${this.end}`);
    return this.buffer;
  }
}
