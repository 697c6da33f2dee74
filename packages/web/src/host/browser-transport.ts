/**
 * Performs an Engine's actions in a browser: HTTP through fetch, the relay's WebSocket
 * through the browser's WebSocket, and feeds every answer and frame back as events, one at
 * a time and in arrival order (the engine is not re-entrant). The same contract as the
 * SDK's NodeTransport (packages/client/src/transport/node-transport.ts), which imports
 * `ws` and so cannot run here.
 *
 * Each engine step is performed by the SDK's performStep (engine-step.ts), as in
 * NodeTransport: `save`/`delete` actions go to `store` (the vault's encrypted stores), a
 * record is durable (its IndexedDB transaction complete) before the next frame or request
 * leaves, and an ACK leaves only at the end of the step, once the store's `release` said
 * everything written in it is durable (the session's store waits for the chat history
 * written from the step's `show` actions), so a tab closed or reloaded right after a
 * message arrived never loses it: the relay redelivers what was not acknowledged. Display
 * actions go to `onAction`.
 */
import type { Action } from '@sealed/client/engine/actions';
import type { Engine } from '@sealed/client/engine/engine';
import type { EngineEvent, HttpOutcome } from '@sealed/client/engine/events';
import { transparentHttp, type TransparencyHook } from '@sealed/client/transparency/transport-hook';
import { performStep, type RecordStore } from '@sealed/client/transport/engine-step';
import { httpCallOf } from '@sealed/client/transport/http-codec';
import { toBase64Url } from '@sealed/protocol/encoding';
import { encodeClientFrame } from '@sealed/protocol/frames/client';
import { decodeServerFrame } from '@sealed/protocol/frames/server';
import { parseErrorBody } from '@sealed/protocol/http';
import { MAX_SERVER_FRAME_BYTES } from '@sealed/protocol/limits';

/** Longest wait for one HTTP answer. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** Back-off before reconnecting: doubles up to the last value, then stays. */
export const RECONNECT_DELAYS_MS = [100, 200, 400, 800, 1600, 3200] as const;

/** Where the engine's `save`/`delete` actions go, with the write batches ACKs wait for (engine-step.ts). */
export type EngineRecordStore = RecordStore;

export interface BrowserTransportOptions {
  /** Origin of the relay, e.g. `location.origin`. */
  readonly baseUrl: string;
  readonly engine: Engine;
  readonly store: EngineRecordStore;
  readonly onAction: (action: Action) => void;
  /** Called with the first failure of the event loop (a bug or a storage error). */
  readonly onFailure?: (error: unknown) => void;
  /** Connection state changes, for the status line. */
  readonly onOnline?: (online: boolean) => void;
  /**
   * Key transparency (the SDK's transparentHttp, as NodeTransport applies it): a contact's
   * account answer reaches the engine only as the device list the log vouches for; a
   * device list this device publishes is recorded as our own change first and monitored
   * after. Absent: answers pass through unchanged.
   */
  readonly transparency?: TransparencyHook;
}

export class BrowserTransport {
  private readonly engine: Engine;
  private chain: Promise<void> = Promise.resolve();
  private socket: WebSocket | undefined;
  private authenticated = false;
  private closing = false;
  private reconnects = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Last session token: authenticates HTTP calls the host makes itself (attachments). */
  token: Uint8Array | undefined;

  constructor(private readonly options: BrowserTransportOptions) {
    this.engine = options.engine;
  }

  /** Performs actions the host got from an intent (createAccount, send, ...). */
  run(actions: readonly Action[]): Promise<void> {
    return this.enqueue(() => this.perform(actions));
  }

  /** Feeds an event (a clock tick) and performs what follows. */
  dispatch(event: EngineEvent): Promise<void> {
    return this.enqueue(() => this.perform(this.engine.handle(event)));
  }

  /** Resolves once every event queued so far was handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Closes the socket for good (lock, sign out): nothing is performed afterwards. */
  close(): void {
    this.closing = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(() => (this.closing ? undefined : step())).catch((error: unknown) => {
      this.options.onFailure?.(error);
    });
    return this.chain;
  }

  private perform(actions: readonly Action[]): Promise<void> {
    return performStep(actions, this.options.store, {
      http: async (action) => {
        const hook = this.options.transparency;
        const outcome = hook === undefined ? await this.http(action) : await transparentHttp(hook, action, () => this.http(action));
        void this.dispatch({ type: 'http-response', id: action.id, outcome });
      },
      connect: (token) => {
        this.token = token;
        this.connect(token);
      },
      // Before READY a frame is dropped: the engine resends unanswered SENDs after READY,
      // and an ACK lost here only means a redelivery the engine skips by seq.
      sendFrame: (action) => {
        if (this.authenticated && this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeClientFrame(action.frame));
      },
      other: (action) => {
        if (action.type === 'sign-in-failed') this.scheduleReconnect();
        this.options.onAction(action);
      },
      stopped: () => this.closing,
    });
  }

  private async http(action: Extract<Action, { type: 'http' }>): Promise<HttpOutcome> {
    const call = httpCallOf(action.request);
    const headers: Record<string, string> = {};
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (action.token !== undefined) headers['authorization'] = `Bearer ${toBase64Url(action.token)}`;
    try {
      const response = await fetch(this.options.baseUrl + call.path, {
        method: call.method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        credentials: 'omit',
        cache: 'no-store',
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
    if (this.closing) return;
    const old = this.socket;
    this.socket = undefined;
    old?.close();
    const ws = new WebSocket(`${this.options.baseUrl.replace(/^http/, 'ws')}/v1/ws`);
    this.socket = ws;
    this.authenticated = false;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => ws.send(encodeClientFrame({ type: 'auth', token }));
    ws.onmessage = (message: MessageEvent) => {
      if (this.socket !== ws) return;
      const data: unknown = message.data;
      if (!(data instanceof ArrayBuffer) || data.byteLength > MAX_SERVER_FRAME_BYTES) {
        ws.close();
        return;
      }
      let frame;
      try {
        frame = decodeServerFrame(new Uint8Array(data));
      } catch {
        ws.close(); // a relay speaking another protocol: drop and reconnect
        return;
      }
      if (frame.type === 'ready') {
        this.reconnects = 0;
        this.authenticated = true;
        this.options.onOnline?.(true);
      }
      void this.dispatch({ type: 'frame', frame });
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.authenticated = false;
      this.socket = undefined;
      this.options.onOnline?.(false);
      void this.dispatch({ type: 'socket-down' });
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.closing) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnects, RECONNECT_DELAYS_MS.length - 1)]!;
    this.reconnects++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.dispatch({ type: 'socket-closed' }), delay);
  }
}
