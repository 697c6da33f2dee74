/**
 * Builds and starts one server node: storage and bus (chosen by config, PostgreSQL and
 * NATS loaded lazily), services, the HTTP edge and the WebSocket gateway, the expiry sweeper.
 * `close()` is the graceful shutdown: stop accepting, drain sockets, finish in-flight
 * writes, then release the bus and the database.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AttachmentBlobStore } from './attachments/blob-store.ts';
import { FsBlobStore } from './attachments/fs-blob-store.ts';
import type { Bus } from './bus/bus.ts';
import { MemoryBus } from './bus/memory.ts';
import type { Config } from './config.ts';
import { ServerError, toServerError } from './errors.ts';
import { discardBody } from './http/body.ts';
import { sendError } from './http/respond.ts';
import { buildRouter } from './http/routes.ts';
import { DEFAULT_WEB_DIR, loadWebAssets, type WebAssets } from './http/static-web.ts';
import { jsonLogger, type Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { RateLimiter } from './rate-limit.ts';
import { buildServices, type Services } from './services/services.ts';
import type { Storage } from './storage/storage.ts';
import { DAY_MS } from './storage/types.ts';
import { Gateway } from './ws/gateway.ts';
import { randomBytes } from './keys/ed25519.ts';
import { TransparencyService } from './transparency/kt-service.ts';

export interface StartOptions {
  /** Injected stores (tests); by default opened from config. */
  readonly storage?: Storage;
  readonly bus?: Bus;
  readonly blobs?: AttachmentBlobStore;
  readonly log?: Logger;
  readonly now?: () => number;
}

export interface RunningServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly storage: Storage;
  readonly metrics: Metrics;
  readonly services: Services;
  readonly gateway: Gateway;
  /** Key transparency (epochs, proofs); absent when the storage has no transparency tables. */
  readonly transparency: TransparencyService | undefined;
  /** The web client served at `/`, when built (its bundle hash is printed at start). */
  readonly web: WebAssets | undefined;
  /** Runs one expiry sweep now (tests; the timer runs it every sweepIntervalMs). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** How long shutdown waits for in-flight requests and writes. */
const SHUTDOWN_WAIT_MS = 10_000;

async function openStorage(config: Config): Promise<Storage> {
  if (config.storage === 'postgres') {
    // Lazy: SQLite users never load `pg`. Module path kept in a variable so the type checker
    // does not require the scale-out back end to exist in every checkout.
    const path = './storage/postgres/open.ts';
    const mod = (await import(path)) as { openPostgresStorage(o: { url: string }): Promise<Storage> };
    return mod.openPostgresStorage({ url: config.postgresUrl });
  }
  const { openSqliteStorage } = await import('./storage/sqlite/open.ts');
  return openSqliteStorage({ dataDir: config.dataDir, synchronous: config.sqliteSynchronous });
}

/**
 * The NATS bus's status callback: one log line per change (disconnected, reconnected,
 * closed). Only the state is logged: no subject (subjects hold device ids), no server URL.
 */
export function busStatusLogger(log: Logger): (status: string) => void {
  return (status) => log.log(status === 'disconnected' ? 'warn' : 'info', `bus ${status}`, { event: 'bus-status', busStatus: status });
}

async function openBus(config: Config, log: Logger): Promise<Bus> {
  if (config.bus === 'nats') {
    const path = './bus/nats.ts';
    const mod = (await import(path)) as { openNatsBus(o: { url: string; onStatus: (status: string) => void }): Promise<Bus> };
    return mod.openNatsBus({ url: config.natsUrl, onStatus: busStatusLogger(log) });
  }
  return new MemoryBus();
}

async function openBlobs(config: Config, storage: Storage): Promise<AttachmentBlobStore> {
  if (config.storage === 'postgres') {
    const path = './storage/postgres/blob-store.ts';
    const mod = (await import(path)) as { openPostgresBlobStore(s: Storage): AttachmentBlobStore };
    return mod.openPostgresBlobStore(storage);
  }
  return new FsBlobStore(join(config.dataDir, 'attachments'));
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? jsonLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const metrics = new Metrics();
  const storage = options.storage ?? (await openStorage(config));
  const bus = options.bus ?? (await openBus(config, log));
  const blobs = options.blobs ?? (await openBlobs(config, storage));
  const services = buildServices({ storage, bus, config, now, log, metrics }, blobs);
  const transparency =
    storage.transparency === undefined
      ? undefined
      : await TransparencyService.open(
          { store: storage.transparency, now, random: randomBytes, log },
          { epochMs: config.ktEpochMs ?? 60_000, auditorKeys: config.ktAuditors ?? [], ...(config.ktRequiredAuditors === undefined ? {} : { requiredAuditors: config.ktRequiredAuditors }) },
        );
  transparency?.start();

  let inFlight = 0;
  let draining = false;
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight++;
    return work.finally(() => inFlight--);
  };

  const perMinute = (n: number) => ({ perSecond: n / 60, burst: n });
  const router = buildRouter({
    services,
    limits: { register: new RateLimiter(perMinute(config.registerPerMinute), now), claim: new RateLimiter(perMinute(config.claimPerMinute), now) },
    renderMetrics: () => metrics.render(),
    isDraining: () => draining,
    ...(transparency === undefined ? {} : { transparency }),
  });
  const gateway = new Gateway(
    { services, bus, metrics, log, track, sendLimiter: new RateLimiter({ perSecond: config.sendPerSecond, burst: config.sendBurst }, now) },
    { handshakeTimeoutMs: config.handshakeTimeoutMs, idleTimeoutMs: config.idleTimeoutMs },
  );

  const webDir = config.webDir ?? 'auto';
  const web = webDir === 'none' ? undefined : loadWebAssets(webDir === 'auto' ? DEFAULT_WEB_DIR : webDir);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const match = router.match(req.method ?? 'GET', path);
    const route = typeof match === 'object' ? match.route.pattern : 'unmatched';
    try {
      if (draining && path !== '/healthz') throw new ServerError('unavailable', 'shutting down');
      if (match === undefined && web?.serve(req, res, path) === true) return;
      if (match === undefined) throw new ServerError('not-found', 'no such endpoint');
      if (match === 'method-not-allowed') throw new ServerError('not-found', 'method not allowed here');
      await track(match.route.handler({ req, res, params: match.params }));
    } catch (error) {
      const e = toServerError(error);
      if (e.code === 'internal') log.log('error', 'request failed', { event: 'http-error', route, reason: error instanceof Error ? error.name : 'unknown' });
      if (e.code === 'rate-limited') metrics.inc('sealed_rate_limited_total', { limit: route });
      metrics.inc('sealed_errors_total', { code: e.code });
      // A refused body is not read further: close the connection after answering.
      if (!req.complete) {
        res.setHeader('connection', 'close');
        discardBody(req);
      }
      sendError(res, e);
    } finally {
      metrics.inc('sealed_http_requests_total', { route, status: String(res.statusCode) });
      log.log('debug', 'request', { event: 'http', method: req.method ?? '', route, status: res.statusCode, durationMs: Math.round(performance.now() - started) });
    }
  };

  const server: Server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // How often Node checks the two timeouts above (its default, 30 s, would let a slow-loris linger).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => void handle(req, res),
  );
  server.maxConnections = config.maxConnections;
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => gateway.handleUpgrade(req, socket, head));
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  const sweep = async (): Promise<void> => {
    const t = now();
    // received_at is the start of the receive day: one day of slack keeps every entry for at
    // least the full retention period (it goes between retention and retention + 1 day).
    const expired = await track(storage.queue.expire(t - config.retentionMs - DAY_MS, t));
    await track(storage.queue.expireGroups(t - config.groupRetentionMs - DAY_MS));
    metrics.inc('sealed_entries_expired_total', {}, expired);
    await track(storage.sessions.deleteExpiredSessions(t));
    await track(storage.challenges.deleteExpiredChallenges(t));
    await track(services.links.sweep());
    await track(services.attachments.sweep());
  };
  const sweeper = setInterval(() => {
    sweep().catch((error: unknown) => log.log('error', 'sweep failed', { event: 'sweep', reason: error instanceof Error ? error.name : 'unknown' }));
  }, config.sweepIntervalMs);
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  log.log('info', 'listening', { event: 'listening', host: address.address, port: address.port, storage: storage.backend, bus: config.bus });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      clearInterval(sweeper);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
      const deadline = Date.now() + SHUTDOWN_WAIT_MS;
      // Bounded by SHUTDOWN_WAIT_MS: in-flight requests and writes finish before the database closes.
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      server.closeIdleConnections();
      server.closeAllConnections();
      await stopped;
      await bus.close();
      await transparency?.close();
      await storage.close();
      log.log('info', 'stopped', { event: 'stopped' });
    })();
    return closing;
  };

  return { url: `http://${host}:${address.port}`, host: address.address, port: address.port, storage, metrics, services, gateway, transparency, web, sweep, close };
}
