/**
 * Writes into one pre-sized buffer: encoders compute the exact length first, so encoding
 * allocates once and never copies while growing.
 */
export class Writer {
  private offset = 0;
  readonly buffer: Uint8Array;

  constructor(length: number) {
    this.buffer = new Uint8Array(length);
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

  /** The buffer, after checking it was filled exactly (an encoder bug otherwise). */
  finish(): Uint8Array {
    if (this.offset !== this.buffer.length) throw new Error(`encoder wrote ${this.offset} of ${this.buffer.length} bytes`);
    return this.buffer;
  }
}
