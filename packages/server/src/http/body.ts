/** Reading request bodies with a bound checked before and while reading. */
import type { IncomingMessage } from 'node:http';
import { ServerError } from '../errors.ts';

/** The declared Content-Length, or undefined; a malformed one is a bad request. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  if (!/^\d{1,15}$/.test(header)) throw new ServerError('bad-request', 'content-length');
  return Number(header);
}

/**
 * Reads a JSON body of at most `maxBytes`: refused at once when Content-Length says more,
 * and cut off when the bytes received go past it.
 * @throws ServerError too-large, bad-request (not JSON, wrong content type).
 */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) throw new ServerError('bad-request', 'content-type must be application/json');
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) throw new ServerError('too-large', `body above ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ServerError('too-large', `body above ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ServerError('bad-request', 'body is not JSON');
  }
}

/** Drains what is left of a body we refused, bounded, so keep-alive connections stay usable. */
export function discardBody(req: IncomingMessage): void {
  req.resume();
}
