/**
 * A fault-injecting proxy in front of one relay node, on 127.0.0.1. Clients point their base
 * URL at it; HTTP requests pass through (now and then answered by a dropped connection), and
 * each WebSocket is bridged message by message to the node, where seeded faults delay,
 * duplicate and reorder frames in either direction or cut the connection.
 *
 * Reordering and duplication are stronger than what TCP itself can do to one connection; they
 * stand for what a relay could do when pushes reach a node by several paths (NATS), and for
 * retries of any layer in between. The client must survive them without losing or
 * double-showing a message.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import type { Rng } from './rng.ts';

export interface FaultProfile {
  /** Probability that a frame is held back before it goes on (order kept unless reordered). */
  readonly delayProbability: number;
  readonly maxDelayMs: number;
  readonly duplicateProbability: number;
  /** Probability that a frame is swapped with the one after it. */
  readonly reorderProbability: number;
  /** Probability, per frame, that the whole connection is cut after it. */
  readonly dropProbability: number;
  /** Probability that an HTTP request is answered by a reset connection. */
  readonly httpResetProbability: number;
}

export const NO_FAULTS: FaultProfile = {
  delayProbability: 0, maxDelayMs: 0, duplicateProbability: 0, reorderProbability: 0, dropProbability: 0, httpResetProbability: 0,
};

/**
 * Session frames (the client's AUTH, the relay's READY) open a connection and are never
 * duplicated or swapped: no path can reorder a connection's first frame. Every other frame
 * (SEND, ACK, SENT, ERROR, DELIVER, NOTICE) may be.
 */
const SESSION_FRAME_TYPES: ReadonlySet<number> = new Set([0x01, 0x81]);

function isSessionFrame(data: RawData): boolean {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  return bytes.length >= 2 && SESSION_FRAME_TYPES.has(bytes[1]!);
}

/** How long a frame held for a swap waits for a successor before it goes on alone. */
const REORDER_HOLD_MS = 30;
/** Bound on frames waiting in one direction of one bridge (a stalled peer is cut beyond it). */
const MAX_PENDING_FRAMES = 10_000;

export interface FaultCounts {
  delayed: number;
  duplicated: number;
  reordered: number;
  dropped: number;
  httpResets: number;
  connections: number;
}

/** One direction of a bridged WebSocket: frames go out in order, through the faults. */
class Lane {
  private tail: Promise<void> = Promise.resolve();
  private held: { data: RawData; binary: boolean } | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  private pending = 0;

  constructor(
    private readonly out: () => WebSocket | undefined,
    private readonly proxy: FaultProxy,
    private readonly cut: () => void,
  ) {}

  push(data: RawData, binary: boolean): void {
    const faults = this.proxy.faults;
    const rng = this.proxy.rng;
    if (++this.pending > MAX_PENDING_FRAMES) return this.cut();
    const session = isSessionFrame(data);
    if (session) {
      const held = this.held;
      this.release();
      if (held !== undefined) this.forward(held, false);
      this.forward({ data, binary }, false);
      return;
    }
    if (this.held !== undefined) {
      // The held frame goes after this one: the swap.
      const first = { data, binary };
      const second = this.held;
      this.release();
      this.forward(first);
      this.forward(second);
      return;
    }
    if (rng.chance(faults.reorderProbability)) {
      this.proxy.counts.reordered++;
      this.held = { data, binary };
      this.heldTimer = setTimeout(() => {
        const alone = this.held;
        this.release();
        if (alone !== undefined) this.forward(alone);
      }, REORDER_HOLD_MS);
      return;
    }
    this.forward({ data, binary });
  }

  private release(): void {
    this.held = undefined;
    if (this.heldTimer !== undefined) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
  }

  private forward(frame: { data: RawData; binary: boolean }, mayDuplicate = true): void {
    const faults = this.proxy.faults;
    const rng = this.proxy.rng;
    const wait = rng.chance(faults.delayProbability) ? rng.int(1, Math.max(1, faults.maxDelayMs)) : 0;
    const twice = mayDuplicate && rng.chance(faults.duplicateProbability);
    const cutAfter = rng.chance(faults.dropProbability);
    if (wait > 0) this.proxy.counts.delayed++;
    if (twice) this.proxy.counts.duplicated++;
    this.tail = this.tail.then(async () => {
      if (wait > 0) await delay(wait);
      const socket = this.out();
      this.pending--;
      if (socket === undefined || socket.readyState !== WebSocket.OPEN) return;
      socket.send(frame.data, { binary: frame.binary });
      if (twice) socket.send(frame.data, { binary: frame.binary });
      if (cutAfter) {
        this.proxy.counts.dropped++;
        this.cut();
      }
    });
  }

  close(): void {
    this.release();
  }
}

export class FaultProxy {
  readonly counts: FaultCounts = { delayed: 0, duplicated: 0, reordered: 0, dropped: 0, httpResets: 0, connections: 0 };
  faults: FaultProfile;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  private readonly cuts = new Set<() => void>();
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(
    private upstream: URL,
    readonly rng: Rng,
    faults: FaultProfile,
  ) {
    this.faults = faults;
    this.server = createServer((req, res) => this.passHttp(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (client) => this.bridge(client, req.url ?? '/')));
  }

  /** Starts a proxy to `upstream` (an http://127.0.0.1:port base URL) on a free loopback port. */
  static async start(upstream: string, rng: Rng, faults: FaultProfile = NO_FAULTS): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(upstream), rng, faults);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Points new connections at another node (after a restart on a new port). */
  retarget(upstream: string): void {
    this.upstream = new URL(upstream);
  }

  /** Cuts every bridged WebSocket now (a network blip for every client behind this proxy). */
  cutAll(): number {
    const n = this.cuts.size;
    for (const cut of [...this.cuts]) cut();
    return n;
  }

  async close(): Promise<void> {
    this.cutAll();
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private passHttp(req: IncomingMessage, res: ServerResponse): void {
    if (this.rng.chance(this.faults.httpResetProbability)) {
      this.counts.httpResets++;
      req.socket.destroy();
      return;
    }
    const upstream = httpRequest(
      { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  }

  private bridge(client: WebSocket, path: string): void {
    this.counts.connections++;
    const wsUrl = `${this.upstream.origin.replace(/^http/, 'ws')}${path}`;
    const node = new WebSocket(wsUrl, { maxPayload: 4 * 1024 * 1024 });
    let closed = false;
    const cut = () => {
      if (closed) return;
      closed = true;
      this.cuts.delete(cut);
      toNode.close();
      toClient.close();
      client.terminate();
      node.terminate();
    };
    this.cuts.add(cut);
    // Frames from the client wait (in order, in the lane) until the node's socket is open.
    const early: { data: RawData; binary: boolean }[] = [];
    const toNode = new Lane(() => (node.readyState === WebSocket.OPEN ? node : undefined), this, cut);
    const toClient = new Lane(() => client, this, cut);
    client.on('message', (data, binary) => (node.readyState === WebSocket.OPEN ? toNode.push(data, binary) : early.push({ data, binary })));
    node.on('open', () => {
      for (const frame of early.splice(0)) toNode.push(frame.data, frame.binary);
    });
    node.on('message', (data, binary) => toClient.push(data, binary));
    for (const socket of [client, node]) {
      socket.on('close', cut);
      socket.on('error', cut);
    }
  }
}
