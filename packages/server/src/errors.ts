/**
 * The one error type of the server. Services throw it with a protocol error code; the edge
 * maps it to an HTTP status + body or a WebSocket ERROR frame in one place each
 * (http/respond.ts, ws/connection.ts). `detail` is for the log and for the human message;
 * it never contains keys, tokens, payloads or identifiers.
 */
import type { ErrorCode } from '@sealed/protocol/errors';

export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    /** The ERROR frame's value (current epoch, recipient index, retry-after ms), 0 if none. */
    readonly value = 0,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** Any thrown value as a ServerError: unknown failures become `internal`. */
export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  return new ServerError('internal', 'internal error');
}
