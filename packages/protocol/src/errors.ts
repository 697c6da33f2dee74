/**
 * The one table of error codes of the Sealed protocol. HTTP responses carry
 * `{"error": {"code": "<name>", "message": "..."}}` with the status below; WebSocket ERROR
 * frames carry the numeric `wire` value (and a `value` whose meaning is given per code).
 * The same table is printed in packages/protocol/README.md; a test keeps the two equal.
 */

export const ERROR_CODES = {
  'bad-request': { wire: 1, status: 400, meaning: 'Malformed input: wrong type, missing field, bad encoding, trailing bytes.' },
  unauthorized: { wire: 2, status: 401, meaning: 'No session, an expired or revoked session, or a failed challenge signature.' },
  forbidden: { wire: 3, status: 403, meaning: 'Authenticated, but this device may not do this (e.g. read another queue).' },
  'not-found': { wire: 4, status: 404, meaning: 'No such account, device, attachment or endpoint.' },
  'username-taken': { wire: 5, status: 409, meaning: 'Registration with a username that already exists.' },
  'invalid-username': { wire: 6, status: 400, meaning: 'The username breaks the rules of username.ts (value: none).' },
  'invalid-signature': { wire: 7, status: 400, meaning: 'A signature (device list, registration proof) does not verify.' },
  'version-not-increasing': { wire: 8, status: 409, meaning: 'A device list whose version is not above the stored one.' },
  'rate-limited': { wire: 9, status: 429, meaning: 'Too many requests; retry after `retryAfterMs` (ERROR value: milliseconds).' },
  'too-large': { wire: 10, status: 413, meaning: 'A body, frame, field or count above its limit in limits.ts.' },
  'stale-epoch': { wire: 11, status: 409, meaning: 'A commit for an epoch that is not the group\'s current one, or an application message more than MAX_APPLICATION_EPOCH_LAG epochs behind it; nothing is queued (ERROR value: current epoch).' },
  'queue-full': { wire: 12, status: 507, meaning: 'A recipient device\'s queue is at its bound; nothing was queued (ERROR value: recipient index).' },
  'unknown-recipient': { wire: 13, status: 404, meaning: 'A recipient device does not exist; nothing was queued (ERROR value: recipient index).' },
  'limit-reached': { wire: 14, status: 409, meaning: 'A per-device store bound (key packages) would be exceeded.' },
  'unsupported-version': { wire: 15, status: 400, meaning: 'A protocol version this server does not speak (too old or unknown).' },
  'out-of-order': { wire: 16, status: 400, meaning: 'A frame not allowed in this state (e.g. SEND before AUTH, AUTH twice).' },
  unavailable: { wire: 17, status: 503, meaning: 'The server is shutting down or overloaded; retry elsewhere or later.' },
  internal: { wire: 18, status: 500, meaning: 'A server fault; details are in the server log, never in the response.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

const BY_WIRE = new Map<number, ErrorCode>(Object.entries(ERROR_CODES).map(([code, row]) => [row.wire, code as ErrorCode]));

/** The code of a wire number, or undefined when this version does not define it. */
export function errorCodeFromWire(wire: number): ErrorCode | undefined {
  return BY_WIRE.get(wire);
}

/** True when `value` is one of the error code names. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/**
 * WebSocket close codes the server uses (RFC 6455 §7.4: 1000-2999 are standard, 4000-4999
 * private).
 */
export const CLOSE_CODES = {
  /** Normal close requested by the client. */
  normal: 1000,
  /** The server is shutting down; reconnect (to another node). */
  goingAway: 1001,
  /** A frame that does not decode (bad version, type, length, trailing bytes). */
  protocolError: 1002,
  /** A WebSocket message above MAX_CLIENT_FRAME_BYTES. */
  tooLarge: 1009,
  /** AUTH failed: unknown, expired or revoked session token. */
  unauthorized: 4001,
  /** No AUTH frame within the handshake timeout. */
  authTimeout: 4002,
  /** The device was removed from its account while connected. */
  revoked: 4003,
  /** No traffic (not even a pong) within the idle timeout. */
  idle: 4004,
  /** Too many frames too fast. */
  rateLimited: 4008,
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
