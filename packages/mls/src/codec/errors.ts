/**
 * The one error a decoder throws. Every malformed input, however it is malformed, ends
 * here: callers never see a RangeError or TypeError from parsing attacker bytes.
 */
export type DecodeErrorCode =
  | 'truncated' // fewer bytes than the structure needs
  | 'trailing-bytes' // bytes left after a complete structure (or inside a vector)
  | 'invalid-varint' // prefix 0b11
  | 'non-minimal-varint' // RFC 9420 §2.1.2: more bits than necessary
  | 'too-large' // a length or count above its named limit
  | 'invalid-value' // an enum, optional flag or fixed-length field out of range
  | 'unknown-version'; // a version this code does not know

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly code: DecodeErrorCode,
    /** What was being decoded and where; never contains the bytes themselves. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
