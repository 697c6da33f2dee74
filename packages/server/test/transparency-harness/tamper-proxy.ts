/**
 * The malicious server's front: an HTTP proxy on 127.0.0.1 in front of the REAL server,
 * which forwards every request and lets a test rewrite a response body (or answer a
 * request itself) per path. The server behind it is the real one, with its real storage;
 * together with the log keys read from that storage, the proxy can serve anything a
 * compromised operator could sign.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';

export interface Exchange {
  readonly method: string;
  /** Path and query, e.g. "/v1/kt/audit?start=3". */
  readonly path: string;
  readonly requestBody: Uint8Array;
}

/** Rewrites one response; return undefined to pass it through unchanged. */
export type Tamper = (exchange: Exchange, status: number, body: Uint8Array) => { status: number; body: Uint8Array } | undefined;

/** Longest request body forwarded (the largest kt or account request is far below). */
const MAX_REQUEST_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) reject(new Error('request too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export class TamperProxy {
  /** Active rewrites, tried in order; the first that returns a result wins. */
  readonly tampers: Tamper[] = [];
  /** Every exchange seen (method and path), for assertions. */
  readonly seen: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly sockets: Set<{ destroy(): void }>,
  ) {}

  static async start(target: string): Promise<TamperProxy> {
    const ref: { proxy?: TamperProxy } = {};
    const sockets = new Set<{ destroy(): void }>();
    const server = createServer((req, res) => {
      void (async () => {
        const requestBody = await readBody(req);
        const exchange: Exchange = { method: req.method ?? 'GET', path: req.url ?? '/', requestBody };
        ref.proxy!.seen.push(`${exchange.method} ${exchange.path}`);
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'authorization']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string;
        const upstream = await fetch(target + exchange.path, {
          method: exchange.method,
          headers,
          body: exchange.method === 'GET' || exchange.method === 'HEAD' ? null : (requestBody as Uint8Array<ArrayBuffer>),
          signal: AbortSignal.timeout(15_000),
        });
        let status = upstream.status;
        let body: Uint8Array = new Uint8Array(await upstream.arrayBuffer());
        for (const t of ref.proxy!.tampers) {
          const out = t(exchange, status, body);
          if (out !== undefined) {
            ({ status, body } = out);
            break;
          }
        }
        res.writeHead(status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(body.length) });
        res.end(Buffer.from(body));
      })().catch(() => {
        res.writeHead(502).end();
      });
    });
    // WebSocket upgrades (the relay) are passed through untouched, byte for byte.
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      const url = new URL(target);
      const upstream = connect(Number(url.port), url.hostname, () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      sockets.add(socket);
      sockets.add(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('proxy: no address');
    ref.proxy = new TamperProxy(server, `http://127.0.0.1:${address.port}`, sockets);
    return ref.proxy;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const s of this.sockets) s.destroy();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
