/**
 * The /v1/kt/* endpoints (docs/key-transparency.md, "Wire contract"): binary bodies in,
 * binary bodies out, errors through the one JSON error table. Registered on the main
 * router by http/routes.ts; without a transparency service they answer not-found.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DecodeError } from '@sealed/protocol/binary/decode-error';
import { parseQueryInteger } from '@sealed/protocol/transparency/checkpoint';
import { ServerError } from '../errors.ts';
import { declaredLength } from '../http/body.ts';
import type { Router } from '../http/router.ts';
import type { Caller } from '../services/deps.ts';
import type { TransparencyService } from './kt-service.ts';

/** SearchRequest / MonitorRequest: at most 1+8 + 1+255 + 1+4 octets; 512 leaves room. */
export const MAX_KT_REQUEST_BYTES = 512;
/** AuditorTreeHead: 32 + 8 + 8 + 2 + 64 octets. */
export const MAX_COUNTERSIGNATURE_BYTES = 256;

export interface TransparencyRouteDeps {
  readonly transparency?: TransparencyService;
  /** Authenticates the caller (the main router's bearer-token check). */
  readonly authenticate: (req: IncomingMessage) => Promise<Caller>;
  /** Rate-limits search per device (the account-lookup limiter). */
  readonly limitLookup: (caller: Caller) => void;
}

async function readBinary(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  if (req.headers['content-type'] !== 'application/octet-stream') throw new ServerError('bad-request', 'content-type must be application/octet-stream');
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) throw new ServerError('too-large', `body above ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ServerError('too-large', `body above ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}

function sendBytes(res: ServerResponse, bytes: Uint8Array): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, 'cache-control': 'no-store' });
  res.end(bytes);
}

/** Query parameters: only the `allowed` names, each at most once, strict decimal integers. */
function query(req: IncomingMessage, allowed: readonly string[]): Map<string, number> {
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const out = new Map<string, number>();
  for (const [name] of params) {
    if (!allowed.includes(name)) throw new ServerError('bad-request', `unknown query parameter`);
    if (params.getAll(name).length !== 1) throw new ServerError('bad-request', `${name} given twice`);
  }
  for (const name of allowed) {
    try {
      const v = parseQueryInteger(params.get(name), name);
      if (v !== undefined) out.set(name, v);
    } catch (error) {
      if (error instanceof DecodeError) throw new ServerError('bad-request', error.message);
      throw error;
    }
  }
  return out;
}

function required(q: Map<string, number>, name: string): number {
  const v = q.get(name);
  if (v === undefined) throw new ServerError('bad-request', `${name} is required`);
  return v;
}

export function addTransparencyRoutes<R extends Router>(router: R, deps: TransparencyRouteDeps): R {
  const kt = (): TransparencyService => {
    if (deps.transparency === undefined) throw new ServerError('not-found', 'key transparency is not enabled');
    return deps.transparency;
  };
  router
    .add('GET', '/v1/kt/config', async ({ req, res }) => {
      query(req, []);
      sendBytes(res, kt().configBytes());
    })
    .add('GET', '/v1/kt/checkpoint', async ({ req, res }) => {
      const q = query(req, ['last']);
      sendBytes(res, await kt().checkpoint(q.get('last')));
    })
    .add('GET', '/v1/kt/consistency', async ({ req, res }) => {
      const q = query(req, ['from', 'to']);
      sendBytes(res, await kt().consistency(required(q, 'from'), required(q, 'to')));
    })
    .add('GET', '/v1/kt/audit', async ({ req, res }) => {
      const q = query(req, ['start']);
      sendBytes(res, await kt().audit(required(q, 'start')));
    })
    .add('POST', '/v1/kt/search', async ({ req, res }) => {
      const caller = await deps.authenticate(req);
      deps.limitLookup(caller);
      const service = kt();
      sendBytes(res, await service.search(await readBinary(req, MAX_KT_REQUEST_BYTES)));
    })
    .add('POST', '/v1/kt/monitor', async ({ req, res }) => {
      const caller = await deps.authenticate(req);
      const service = kt();
      sendBytes(res, await service.monitor(caller, await readBinary(req, MAX_KT_REQUEST_BYTES)));
    })
    .add('POST', '/v1/kt/countersignatures', async ({ req, res }) => {
      const service = kt();
      await service.countersign(await readBinary(req, MAX_COUNTERSIGNATURE_BYTES));
      res.writeHead(204, { 'cache-control': 'no-store' });
      res.end();
    });
  return router;
}
