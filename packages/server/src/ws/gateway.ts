/**
 * The WebSocket edge: accepts upgrades on /v1/ws, enforces the handshake (AUTH) timeout and
 * the idle timeout (ping every half of it; no pong by the next tick closes the socket), and
 * closes every socket gracefully on shutdown.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES } from '@sealed/protocol/errors';
import { MAX_CLIENT_FRAME_BYTES } from '@sealed/protocol/limits';
import { WebSocketServer } from 'ws';
import { Connection, type ConnectionDeps } from './connection.ts';

export interface GatewayOptions {
  readonly handshakeTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

/** How long shutdown waits for clients to answer the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 2_000;

export class Gateway {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
    // Ciphertext does not compress, and deflate state costs memory per socket.
    perMessageDeflate: false,
    clientTracking: false,
    // Text frames are refused unread (protocol error), so their UTF-8 need not be checked.
    skipUTF8Validation: true,
  });
  readonly connections = new Set<Connection>();
  private readonly idleTimer: NodeJS.Timeout;
  private accepting = true;

  constructor(
    private readonly deps: ConnectionDeps,
    private readonly options: GatewayOptions,
  ) {
    this.idleTimer = setInterval(() => this.checkIdle(), Math.max(50, Math.floor(options.idleTimeoutMs / 2)));
    this.idleTimer.unref();
  }

  /** Handles an HTTP upgrade; anything but /v1/ws, or during shutdown, is refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v1/ws' || !this.accepting) {
      socket.end(`HTTP/1.1 ${this.accepting ? '404 Not Found' : '503 Service Unavailable'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, this.deps);
      this.connections.add(connection);
      this.deps.metrics.set('sealed_ws_connections', this.connections.size);
      connection.handshakeTimer = setTimeout(() => {
        if (!connection.authenticated) connection.close(CLOSE_CODES.authTimeout, 'no AUTH in time');
      }, this.options.handshakeTimeoutMs);
      ws.on('close', () => {
        this.connections.delete(connection);
        this.deps.metrics.set('sealed_ws_connections', this.connections.size);
      });
    });
  }

  private checkIdle(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.close(CLOSE_CODES.idle, 'idle');
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }

  /** Stops accepting, lets every socket finish the frames it sent, closes them with 1001. */
  async close(): Promise<void> {
    this.accepting = false;
    clearInterval(this.idleTimer);
    const all = [...this.connections];
    await Promise.all(
      all.map(async (connection) => {
        await connection.drain();
        connection.close(CLOSE_CODES.goingAway, 'server shutting down');
      }),
    );
    const deadline = Date.now() + CLOSE_GRACE_MS;
    // Bounded by CLOSE_GRACE_MS.
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const connection of this.connections) connection.ws.terminate();
    this.wss.close();
  }
}
