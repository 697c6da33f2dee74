/**
 * The load generator's own Sealed client: one authenticated WebSocket on `ws`, loopback
 * only, sending pre-encoded SEND frames (only request id, client message id and the first
 * payload bytes are patched per message, so the client spends little CPU) and acknowledging
 * every DELIVER frame as it arrives.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import WebSocket from 'ws';
import { encodeClientFrame } from '@sealed/protocol/frames/client';
import { decodeServerFrame, type DeliveredEntry } from '@sealed/protocol/frames/server';
import { MAX_SERVER_FRAME_BYTES } from '@sealed/protocol/limits';

/** Any single wait of this client (connect, READY). */
export const OPEN_TIMEOUT_MS = 30_000;
/** Offsets in an encoded SEND frame (frames/client.ts): version, type, requestId u32, clientMessageId[16]. */
const REQUEST_ID_OFFSET = 2;
const CLIENT_MESSAGE_ID_OFFSET = 6;
/**
 * SERVER_BENCH_RANDOM_IDS=1: every send gets 16 random bytes as its client message id, as the
 * SDK does (engine/core.ts). By default ids are a per-socket prefix plus the request id,
 * sequential per sender, which the relay's idempotency B-tree stores far more cheaply
 * (docs/BENCHMARKS.md, "Relay server").
 */
const RANDOM_IDS = process.env['SERVER_BENCH_RANDOM_IDS'] === '1';

export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`the load generator only talks to 127.0.0.1, not ${host}`);
}

export interface BenchSocketHandlers {
  /** Entries of one DELIVER frame (already acknowledged when `autoAck`). */
  onDeliver?(entries: readonly DeliveredEntry[]): void;
  /** SENT (ok) or ERROR (not ok) for a request id. */
  onAnswer?(requestId: number, ok: boolean): void;
}

export class BenchSocket {
  autoAck = true;
  handlers: BenchSocketHandlers = {};
  private nextRequestId = 1;
  private template: Uint8Array | undefined;
  private payloadLength = 0;
  private readonly idPrefix = new Uint8Array(randomBytes(8));
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  /**
   * Connects, sends AUTH and resolves after READY.
   * @throws when the server refuses or stays silent for OPEN_TIMEOUT_MS.
   */
  static async open(baseUrl: string, token: Uint8Array, handlers: BenchSocketHandlers = {}): Promise<BenchSocket> {
    assertLoopback(baseUrl);
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`, { handshakeTimeout: OPEN_TIMEOUT_MS, perMessageDeflate: false, maxPayload: MAX_SERVER_FRAME_BYTES });
    const socket = new BenchSocket(ws);
    socket.handlers = handlers;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no READY in time')), OPEN_TIMEOUT_MS);
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`closed before READY (${code})`));
      });
      ws.once('open', () => ws.send(encodeClientFrame({ type: 'auth', token })));
      ws.on('message', (data: Buffer) => {
        const frame = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        switch (frame.type) {
          case 'ready':
            clearTimeout(timer);
            resolve();
            break;
          case 'deliver':
            if (socket.autoAck) ws.send(encodeClientFrame({ type: 'ack', seqs: frame.entries.map((e) => e.seq) }));
            socket.handlers.onDeliver?.(frame.entries);
            break;
          case 'sent':
            socket.handlers.onAnswer?.(frame.requestId, true);
            break;
          case 'error':
            if (frame.requestId === 0) reject(new Error(`server error ${frame.code}`));
            socket.handlers.onAnswer?.(frame.requestId, false);
            break;
          case 'notice':
            break;
        }
      });
    });
    ws.on('error', () => ws.terminate());
    return socket;
  }

  /** Fixes recipient and payload size for `send` (one template per socket). */
  prepare(recipient: Uint8Array, payloadBytes: number): void {
    if (payloadBytes < 4) throw new RangeError('payload must hold the u32 tag');
    this.payloadLength = payloadBytes;
    this.template = encodeClientFrame({
      type: 'send',
      requestId: 0,
      clientMessageId: new Uint8Array(16),
      kind: 'application',
      epoch: 0,
      groupId: Uint8Array.of(1),
      recipients: [recipient],
      payload: new Uint8Array(payloadBytes).fill(0x5a),
    });
  }

  /**
   * Sends one message whose payload starts with `tag` (u32, big-endian); returns its request id.
   * @throws when `prepare` was not called.
   */
  send(tag: number): number {
    if (this.template === undefined) throw new Error('prepare() first');
    const requestId = this.nextRequestId++;
    const frame = this.template.slice();
    const view = new DataView(frame.buffer);
    view.setUint32(REQUEST_ID_OFFSET, requestId);
    if (RANDOM_IDS) {
      randomFillSync(frame, CLIENT_MESSAGE_ID_OFFSET, 16);
    } else {
      frame.set(this.idPrefix, CLIENT_MESSAGE_ID_OFFSET);
      view.setUint32(CLIENT_MESSAGE_ID_OFFSET + 8, requestId);
    }
    view.setUint32(frame.length - this.payloadLength, tag);
    this.ws.send(frame);
    return requestId;
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** The u32 tag a payload starts with (see `BenchSocket.send`). */
export function payloadTag(payload: Uint8Array): number {
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
}
