/**
 * The one error every decoder of this package throws. However malformed the input, callers
 * see a DecodeError and never a RangeError or TypeError.
 */
export type DecodeErrorCode =
  | 'truncated' // fewer bytes than the structure needs
  | 'trailing-bytes' // bytes left after a complete structure
  | 'too-large' // a length or count above its named limit
  | 'invalid-value' // an enum, flag, range or canonical-order rule broken
  | 'version-too-old' // below MIN_PROTOCOL_VERSION: the peer must upgrade
  | 'version-unknown' // above PROTOCOL_VERSION: we must upgrade
  | 'unknown-type'; // a frame type this version does not define

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly code: DecodeErrorCode,
    /** What was being decoded; never contains the bytes themselves. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
