/** A test WebSocket client: decodes server frames into a queue tests await with a timeout. */
import { encodeClientFrame, type ClientFrame } from '@sealed/protocol/frames/client';
import { decodeServerFrame, type ServerFrame } from '@sealed/protocol/frames/server';
import WebSocket from 'ws';

/** Default wait for an expected frame; generous for a loaded CI machine. */
const WAIT_MS = 5_000;

export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(decodeServerFrame(new Uint8Array(data)));
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      }),
    );
    ws.on('error', () => {});
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  static async open(baseUrl: string): Promise<TestSocket> {
    const ws = new WebSocket(baseUrl.replace('http', 'ws') + '/v1/ws', { maxPayload: 4 * 1024 * 1024 });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  /** Opens, AUTHs and waits for READY. */
  static async connect(baseUrl: string, token: Uint8Array): Promise<TestSocket> {
    const socket = await TestSocket.open(baseUrl);
    socket.send({ type: 'auth', token });
    await socket.next('ready');
    return socket;
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  sendRaw(data: Uint8Array | string): void {
    this.ws.send(data);
  }

  /** Removes and returns the first frame of `type` (waiting for it). */
  async next<T extends ServerFrame['type']>(type: T, timeoutMs = WAIT_MS): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((f) => f.type === type);
      if (index >= 0) return this.frames.splice(index, 1)[0] as Extract<ServerFrame, { type: T }>;
      const left = deadline - Date.now();
      if (left <= 0 || this.closeCode !== undefined) throw new Error(`no ${type} frame (closed: ${this.closeCode})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Collects delivered entries until `count` arrived. */
  async entries(count: number, timeoutMs = WAIT_MS): Promise<{ seq: number; payload: Uint8Array; kind: string }[]> {
    const out: { seq: number; payload: Uint8Array; kind: string }[] = [];
    while (out.length < count) {
      const frame = await this.next('deliver', timeoutMs);
      out.push(...frame.entries);
    }
    return out;
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}
