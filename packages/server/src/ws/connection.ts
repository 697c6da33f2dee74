/**
 * One WebSocket: a small state machine (awaiting-auth -> ready -> closed).
 *
 * - The first frame must be AUTH (within the handshake timeout, enforced by the gateway).
 * - Frames are started in arrival order (storage applies sends in call order), so one
 *   sender's messages are queued in the order it sent them; reading pauses while too many
 *   are in flight.
 * - Delivery: `cursor` is the highest seq handed to the outbox on this socket. Pushed entries
 *   that continue the cursor go straight out; anything else (a gap, a backlog, a slow
 *   reader) switches to the pump, which streams the queue from storage in windows, waiting
 *   for each window to reach the kernel before reading the next: a queue is never loaded
 *   whole and a slow reader cannot make the server buffer without bound.
 */
import { decodeClientFrame, type ClientFrame } from '@sealed/protocol/frames/client';
import { DecodeError } from '@sealed/protocol/binary/decode-error';
import { fromHex } from '@sealed/protocol/encoding';
import { CLOSE_CODES } from '@sealed/protocol/errors';
import { KEY_PACKAGES_LOW_MARK } from '@sealed/protocol/limits';
import type WebSocket from 'ws';
import type { Bus, BusEvent, BusSubscription } from '../bus/bus.ts';
import { ServerError, toServerError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { Caller } from '../services/deps.ts';
import type { Services } from '../services/services.ts';
import { Outbox } from './outbox.ts';

/**
 * Entries read from storage per window while draining a queue: the window starts small
 * and doubles while a window's payloads stay under WINDOW_BYTE_BUDGET, halving when above,
 * so small messages stream in large windows and 1 MiB messages never make a reconnecting
 * device cost more than a few MiB of server memory.
 */
export const MIN_DELIVERY_WINDOW = 4;
export const MAX_DELIVERY_WINDOW = 1024;
/** Payload bytes one window aims to stay under. */
export const WINDOW_BYTE_BUDGET = 2 * 1024 * 1024;
/** Frames waiting to be handled before reading from the socket pauses (memory bound per socket). */
const MAX_PENDING_FRAMES = 256;
/** Bytes buffered for a socket above which pushes stop and the pump (which waits) takes over. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * The next window size: grows fast (x4) while a window's payloads are far under the byte
 * budget, doubles while under half of it, halves above it.
 */
export function nextWindow(window: number, bytes: number): number {
  if (bytes > WINDOW_BYTE_BUDGET) return Math.max(MIN_DELIVERY_WINDOW, window >> 1);
  if (bytes < WINDOW_BYTE_BUDGET / 4) return Math.min(MAX_DELIVERY_WINDOW, window << 2);
  if (bytes < WINDOW_BYTE_BUDGET / 2) return Math.min(MAX_DELIVERY_WINDOW, window << 1);
  return window;
}

export interface ConnectionDeps {
  readonly services: Services;
  readonly bus: Bus;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly sendLimiter: RateLimiter;
  /** Wraps every storage operation so shutdown can wait for in-flight writes. */
  readonly track: <T>(work: Promise<T>) => Promise<T>;
}

type State = 'awaiting-auth' | 'authenticating' | 'ready' | 'closed';

export class Connection {
  private state: State = 'awaiting-auth';
  private caller: Caller | undefined;
  private subscription: BusSubscription | undefined;
  private cursor = 0;
  private pumping = false;
  private pumpAgain = false;
  private pending = 0;
  /**
   * Frames that arrived while AUTH was being checked, handled in order once it finished;
   * undefined otherwise. Only AUTH has to be awaited before the next frame is looked at, so
   * every other frame is handled at once, without a promise chain per frame.
   */
  private backlog: ClientFrame[] | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly outbox: Outbox;
  /** Set by any traffic; cleared by the gateway's idle check. */
  alive = true;
  /** The gateway's AUTH deadline; cleared once authenticated or closed (no timer per idle socket). */
  handshakeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly ws: WebSocket,
    private readonly deps: ConnectionDeps,
  ) {
    this.outbox = new Outbox(ws, (n) => deps.metrics.inc('sealed_entries_delivered_total', {}, n));
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.onClose());
    ws.on('error', () => ws.terminate());
  }

  get authenticated(): boolean {
    return this.state === 'ready';
  }

  /** Sends `code` and closes; pending output is flushed first. */
  close(code: number, reason = ''): void {
    if (this.state === 'closed') return;
    this.outbox.flush();
    this.ws.close(code, reason);
    this.onClose();
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    if (this.state === 'closed') return;
    if (!isBinary) return this.close(CLOSE_CODES.protocolError, 'binary frames only');
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (error) {
      const code = error instanceof DecodeError && (error.code === 'version-too-old' || error.code === 'version-unknown') ? 'unsupported-version' : 'bad-request';
      this.outbox.frame({ type: 'error', requestId: 0, code, value: 0 });
      this.deps.metrics.inc('sealed_errors_total', { code });
      return this.close(CLOSE_CODES.protocolError, 'malformed frame');
    }
    this.pending++;
    if (this.pending >= MAX_PENDING_FRAMES) this.ws.pause();
    this.onFrame(frame);
  }

  /**
   * AUTH is awaited before the next frame is looked at; SEND and ACK are only *started* in
   * order (storage applies them in call order), so a socket's sends pipeline into the same
   * group commit instead of waiting for each other.
   */
  private onFrame(frame: ClientFrame): void {
    if (this.backlog !== undefined) {
      this.backlog.push(frame);
      return;
    }
    if (frame.type === 'auth' && this.state === 'awaiting-auth') {
      this.backlog = [];
      void this.handleAuth(frame.token).then(() => {
        const frames = this.backlog ?? [];
        this.backlog = undefined;
        // Bounded by MAX_PENDING_FRAMES (reading pauses at that many unhandled frames).
        for (const next of frames) this.onFrame(next);
      });
      return;
    }
    this.handle(frame);
  }

  private settled(): void {
    this.pending--;
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.pending < MAX_PENDING_FRAMES / 2 && this.ws.isPaused && this.state !== 'closed') this.ws.resume();
  }

  private fail(requestId: number, error: unknown): void {
    const e = toServerError(error);
    if (e.code === 'internal') this.deps.log.log('error', 'websocket frame failed', { event: 'ws-frame', reason: error instanceof Error ? error.name : 'unknown' });
    this.deps.metrics.inc('sealed_errors_total', { code: e.code });
    this.outbox.frame({ type: 'error', requestId, code: e.code, value: e.value });
  }

  private async handleAuth(token: Uint8Array): Promise<void> {
    try {
      await this.authenticate(token);
    } catch (error) {
      this.fail(0, error);
      this.close(CLOSE_CODES.goingAway, 'authentication failed');
    }
    this.settled();
  }

  private handle(frame: ClientFrame): void {
    if (this.state === 'closed') return this.settled();
    const requestId = frame.type === 'send' ? frame.requestId : 0;
    if (frame.type === 'auth') {
      // handleAuth takes the first AUTH; any later one is out of order.
      this.fail(0, new ServerError('out-of-order', 'already authenticated'));
      return this.settled();
    }
    const caller = this.caller;
    if (this.state !== 'ready' || caller === undefined) {
      this.outbox.frame({ type: 'error', requestId, code: 'out-of-order', value: 0 });
      this.close(CLOSE_CODES.unauthorized, 'AUTH first');
      return this.settled();
    }
    if (frame.type === 'ack') {
      this.deps.track(this.deps.services.delivery.ack(caller, frame.seqs)).then(
        () => this.settled(),
        (error: unknown) => {
          this.fail(0, error);
          this.settled();
        },
      );
      return;
    }
    const wait = this.deps.sendLimiter.take(caller.deviceId);
    if (wait > 0) {
      this.deps.metrics.inc('sealed_rate_limited_total', { limit: 'send' });
      this.fail(requestId, new ServerError('rate-limited', 'sends', wait));
      return this.settled();
    }
    this.deps.track(this.deps.services.delivery.send(caller, frame)).then(
      (outcome) => {
        this.outbox.frame({ type: 'sent', requestId, epoch: outcome.epoch, duplicate: outcome.duplicate });
        this.settled();
      },
      (error: unknown) => {
        this.fail(requestId, error);
        this.settled();
      },
    );
  }

  private async authenticate(token: Uint8Array): Promise<void> {
    this.state = 'authenticating';
    let caller: Caller;
    try {
      caller = await this.deps.services.accounts.authenticate(token);
    } catch (error) {
      const e = toServerError(error);
      this.outbox.frame({ type: 'error', requestId: 0, code: e.code, value: 0 });
      return this.close(CLOSE_CODES.unauthorized, 'authentication failed');
    }
    if (this.isClosed()) return;
    this.caller = caller;
    this.state = 'ready';
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.subscription = this.deps.bus.subscribe(caller.deviceId, (event) => this.onBusEvent(event));
    const queued = await this.deps.services.delivery.count(caller);
    this.outbox.frame({ type: 'ready', deviceId: fromHex(caller.deviceId)!, queued: Math.min(queued, 0xffff_ffff) });
    const keyPackages = await this.deps.services.keyPackages.count(caller);
    if (keyPackages.count <= KEY_PACKAGES_LOW_MARK) {
      this.outbox.frame({ type: 'notice', notice: 'key-packages-low', value: keyPackages.count });
    }
    void this.pump();
  }

  /** A method (not a field read) so TypeScript does not narrow `state` across awaits. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private onBusEvent(event: BusEvent): void {
    if (this.state !== 'ready') return;
    switch (event.type) {
      case 'revoked':
        return this.close(CLOSE_CODES.revoked, 'device removed');
      case 'key-packages-low':
        return this.outbox.frame({ type: 'notice', notice: 'key-packages-low', value: event.remaining });
      case 'devices-changed':
        return this.outbox.frame({ type: 'notice', notice: 'devices-changed', value: event.version });
      case 'entries': {
        if (event.lastSeq <= this.cursor) return;
        const entries = event.entries;
        const direct =
          !this.pumping &&
          entries !== undefined &&
          entries.length > 0 &&
          entries[0]!.seq === this.cursor + 1 &&
          entries[entries.length - 1]!.seq === event.lastSeq &&
          this.ws.bufferedAmount < MAX_BUFFERED_BYTES;
        if (direct) {
          this.outbox.entries(entries);
          this.cursor = event.lastSeq;
        } else {
          void this.pump();
        }
      }
    }
  }

  /**
   * Streams the queue after `cursor` from storage, window by window, until it is empty.
   * Pipelined: window n+1 is read while window n is being written, and window n+1 is handed
   * to the socket only once window n reached the kernel, so at most two windows are held.
   */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    let window = MIN_DELIVERY_WINDOW;
    try {
      do {
        this.pumpAgain = false;
        if (this.state !== 'ready' || this.caller === undefined) return;
        let entries = await this.deps.services.delivery.fetch(this.caller, this.cursor, window);
        // Bounded by the queue: each round advances the cursor or ends the loop.
        for (;;) {
          if (this.state !== 'ready' || this.caller === undefined) return;
          const fetched = window;
          let bytes = 0;
          let fresh = 0;
          for (const entry of entries) {
            if (entry.seq <= this.cursor) continue;
            bytes += entry.payload.length;
            fresh++;
          }
          if (fresh > 0) {
            this.outbox.entries(fresh === entries.length ? entries : entries.filter((entry) => entry.seq > this.cursor));
            this.cursor = entries[entries.length - 1]!.seq;
          }
          if (entries.length < fetched || fresh === 0) break;
          window = nextWindow(window, bytes);
          const written = this.outbox.flushed();
          entries = await this.deps.services.delivery.fetch(this.caller, this.cursor, window);
          await written;
        }
      } while (this.pumpAgain);
    } catch (error) {
      this.deps.log.log('error', 'queue delivery failed', { event: 'ws-pump', reason: error instanceof Error ? error.name : 'unknown' });
      this.close(CLOSE_CODES.goingAway, 'delivery failed');
    } finally {
      this.pumping = false;
    }
  }

  /** Flushes output and waits for frames already received to be handled (graceful shutdown). */
  async drain(): Promise<void> {
    if (this.pending > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.outbox.flush();
  }
}
