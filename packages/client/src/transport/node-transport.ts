/**
 * Performs an Engine's actions in Node: HTTP through fetch, the relay's WebSocket through
 * `ws`, and feeds every answer and frame back as events. Events are handled one at a time,
 * in arrival order (the engine is a state machine, not re-entrant). When the socket drops
 * the transport waits (bounded back-off) and tells the engine, which signs in again and
 * reconnects; the relay then redelivers every unacknowledged entry in order (catch-up).
 *
 * Persistence and display are the host's: `save`/`delete` actions go to `store`, the
 * others to `onAction`.
 */
import WebSocket from 'ws';
import { encodeClientFrame } from '@sealed/protocol/frames/client';
import { decodeServerFrame } from '@sealed/protocol/frames/server';
import { parseErrorBody } from '@sealed/protocol/http';
import { transparentHttp, type TransparencyHook } from '../transparency/transport-hook.ts';
import type { Action } from '../engine/actions.ts';
import type { Engine } from '../engine/engine.ts';
import type { EngineEvent, HttpOutcome } from '../engine/events.ts';
import { performStep, type RecordStore } from './engine-step.ts';
import { httpCallOf } from './http-codec.ts';

export type { RecordStore } from './engine-step.ts';

/** Longest wait for one HTTP answer or a socket handshake. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** Back-off before reconnecting: doubles from the first to the last value, then stays. */
export const RECONNECT_DELAYS_MS = [100, 200, 400, 800, 1600, 3200] as const;

/** A store that keeps records in memory (tests, and hosts that persist elsewhere). */
export class MemoryRecordStore implements RecordStore {
  readonly records = new Map<string, Uint8Array>();
  async save(record: string, key: string, bytes: Uint8Array): Promise<void> {
    this.records.set(`${record}:${key}`, bytes.slice());
  }
  async delete(record: string, key: string): Promise<void> {
    this.records.delete(`${record}:${key}`);
  }
}

export interface NodeTransportOptions {
  readonly baseUrl: string;
  readonly engine: Engine;
  readonly store?: RecordStore;
  /** Display actions (show, conversation, decrypt-failure, intent-failed, ...). */
  readonly onAction?: (action: Action) => void;
  /**
   * Key transparency: account answers reach the engine only once the log vouched for the
   * served device list (otherwise the engine sees a failed fetch, code
   * 'not-in-transparency-log'); own device-list changes are recorded and monitored.
   * Pair with `engine.requireTransparency(client.vouched)`.
   */
  readonly transparency?: TransparencyHook;
}

export class NodeTransport {
  private readonly engine: Engine;
  private readonly store: RecordStore;
  private chain: Promise<void> = Promise.resolve();
  /** Steps whose ACKs wait for their writes to be durable (engine-step.ts ackWhenDurable). */
  private readonly acking = new Set<Promise<void>>();
  private socket: WebSocket | undefined;
  /** True between READY and the socket's close: frames sent before READY could race AUTH. */
  private authenticated = false;
  private closing = false;
  private offline = false;
  private reconnects = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** First failure of the event loop (a bug or an I/O error), kept for the host to see. */
  failure: unknown;

  constructor(private readonly options: NodeTransportOptions) {
    this.engine = options.engine;
    this.store = options.store ?? new MemoryRecordStore();
  }

  /** Performs actions the host got from an intent (createAccount, send, ...). */
  run(actions: readonly Action[]): Promise<void> {
    return this.enqueue(() => this.perform(actions));
  }

  /** Feeds an event (e.g. a clock tick) to the engine and performs what follows. */
  dispatch(event: EngineEvent): Promise<void> {
    return this.enqueue(() => this.perform(this.engine.handle(event)));
  }

  /** Resolves once every event queued so far was handled and its ACKs sent (or given up). */
  async idle(): Promise<void> {
    await this.chain;
    while (this.acking.size > 0) await Promise.all([...this.acking]);
  }

  /** Drops the connection and stays offline until `goOnline` (a device switched off). */
  goOffline(): void {
    this.offline = true;
    this.authenticated = false;
    this.socket?.terminate();
    this.socket = undefined;
    void this.dispatch({ type: 'socket-down' });
  }

  /** Back online: the engine signs in again; the relay sends what was queued meanwhile. */
  goOnline(): Promise<void> {
    this.offline = false;
    return this.dispatch({ type: 'socket-closed' });
  }

  close(): void {
    this.closing = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket?.close();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.failure ??= error;
    });
    return this.chain;
  }

  /**
   * Performs one engine step's actions as one write batch (engine-step.ts): a record saved
   * without `lazy` is durable before the next frame or request leaves, and every ACK leaves
   * only once everything written in the step is durable, so the relay never drops an entry
   * whose effects a crash could lose.
   */
  private perform(actions: readonly Action[]): Promise<void> {
    return performStep(actions, this.store, {
      http: async (action) => {
        const outcome = await this.http(action);
        // Answers are handled in their turn, after the actions already in the list.
        void this.dispatch({ type: 'http-response', id: action.id, outcome });
      },
      connect: (token) => this.connect(token),
      sendFrame: (action) => this.sendFrame(action),
      ackWhenDurable: (sending) => {
        // A failed sync leaves the entries unacknowledged (the relay redelivers them) and is reported.
        const tracked: Promise<void> = sending
          .catch((error: unknown) => {
            this.failure ??= error;
          })
          .finally(() => this.acking.delete(tracked));
        this.acking.add(tracked);
      },
      other: (action) => {
        if (action.type === 'sign-in-failed') this.scheduleReconnect();
        this.options.onAction?.(action);
      },
    });
  }

  private sendFrame(action: Extract<Action, { type: 'send-frame' }>): void {
    // Before READY a frame is dropped: the engine sends unanswered SENDs again on READY,
    // and an ACK lost here only means a redelivery the engine skips by seq.
    if (this.authenticated && this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeClientFrame(action.frame));
  }

  private async http(action: Extract<Action, { type: 'http' }>): Promise<HttpOutcome> {
    const hook = this.options.transparency;
    if (hook === undefined) return this.plainHttp(action);
    return transparentHttp(hook, action, () => this.plainHttp(action));
  }

  private async plainHttp(action: Extract<Action, { type: 'http' }>): Promise<HttpOutcome> {
    const call = httpCallOf(action.request);
    const headers: Record<string, string> = {};
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (action.token !== undefined) headers['authorization'] = `Bearer ${Buffer.from(action.token).toString('base64url')}`;
    try {
      const response = await fetch(this.options.baseUrl + call.path, {
        method: call.method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const json: unknown = text.length > 0 ? JSON.parse(text) : undefined;
      if (response.ok) return { ok: true, body: json };
      let code = 'internal';
      try {
        code = parseErrorBody(json).code;
      } catch {
        // Not a protocol error body: keep 'internal'.
      }
      return { ok: false, status: response.status, code };
    } catch {
      return { ok: false, status: 0, code: 'unavailable' };
    }
  }

  private connect(token: Uint8Array): void {
    if (this.closing || this.offline) return;
    const previous = this.socket;
    if (previous !== undefined) {
      previous.removeAllListeners();
      // Terminating a socket still connecting emits 'error' later; unheard, it would end the process.
      previous.on('error', () => {});
      previous.terminate();
    }
    const ws = new WebSocket(`${this.options.baseUrl.replace(/^http/, 'ws')}/v1/ws`, { handshakeTimeout: REQUEST_TIMEOUT_MS });
    this.socket = ws;
    this.authenticated = false;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => ws.send(encodeClientFrame({ type: 'auth', token })));
    ws.on('message', (data: Buffer) => {
      let frame;
      try {
        frame = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
      } catch {
        ws.terminate(); // a relay speaking another protocol: drop and reconnect
        return;
      }
      if (frame.type === 'ready') {
        this.reconnects = 0;
        this.authenticated = true;
      }
      void this.dispatch({ type: 'frame', frame });
    });
    ws.on('error', () => {
      // 'close' follows and schedules the reconnect.
    });
    ws.on('close', () => {
      if (this.socket !== ws) return;
      this.authenticated = false;
      this.socket = undefined;
      void this.dispatch({ type: 'socket-down' });
      this.scheduleReconnect();
    });
  }

  /** Tells the engine the socket is gone after the next back-off delay (unless closing or offline). */
  private scheduleReconnect(): void {
    if (this.closing || this.offline) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnects, RECONNECT_DELAYS_MS.length - 1)]!;
    this.reconnects++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.dispatch({ type: 'socket-closed' }), delay);
  }
}
