/** The one place where errors become HTTP responses. */
import type { ServerResponse } from 'node:http';
import { ERROR_CODES } from '@sealed/protocol/errors';
import { errorBodyJson } from '@sealed/protocol/http';
import type { ServerError } from '../errors.ts';

export function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** Status and body from the error table; `internal` never carries its detail to the client. */
export function sendError(res: ServerResponse, error: ServerError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const row = ERROR_CODES[error.code];
  const message = error.code === 'internal' ? 'internal error' : error.detail;
  if (error.code === 'rate-limited') res.setHeader('retry-after', String(Math.max(1, Math.ceil(error.value / 1000))));
  sendJson(res, row.status, errorBodyJson({ code: error.code, message }));
}
