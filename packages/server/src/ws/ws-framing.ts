/**
 * WebSocket framing of the server's binary messages (RFC 6455 section 5.2), so a socket's
 * frames of one event-loop turn can be packed into one buffer and written at once.
 *
 *   byte 0     FIN (0x80) | opcode 0x2 (binary)           = 0x82
 *   byte 1     MASK bit 0 (a server never masks, 5.1) | payload length:
 *                0..125: the length itself
 *                126:    a u16 length follows (126..65,535)
 *                127:    a u64 length follows (65,536..2^53-1 here)
 *   then the payload.
 *
 * Only unfragmented binary messages without extensions: the gateway turns per-message
 * deflate off, so no RSV bit is ever set.
 */

/** Header bytes of a binary message of `length` payload bytes. */
export function wsHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 0x1_0000 ? 4 : 10;
}

/**
 * Writes the header of a binary message of `length` payload bytes at `offset`; returns the
 * offset where the payload goes.
 * @throws RangeError for a length that is not a safe non-negative integer (a programming error).
 */
export function writeWsHeader(target: Uint8Array, offset: number, length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('websocket payload length');
  target[offset] = 0x82;
  if (length < 126) {
    target[offset + 1] = length;
    return offset + 2;
  }
  if (length < 0x1_0000) {
    target[offset + 1] = 126;
    target[offset + 2] = length >>> 8;
    target[offset + 3] = length & 0xff;
    return offset + 4;
  }
  target[offset + 1] = 127;
  const high = Math.floor(length / 0x1_0000_0000);
  const low = length >>> 0;
  for (let i = 0; i < 4; i++) {
    target[offset + 2 + i] = (high >>> (24 - 8 * i)) & 0xff;
    target[offset + 6 + i] = (low >>> (24 - 8 * i)) & 0xff;
  }
  return offset + 10;
}
