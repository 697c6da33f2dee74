/**
 * Per-socket write batching: everything a socket is sent during one event-loop turn
 * (answers, notices, pushed entries) is written at the end of the turn, consecutive entries
 * packed into as few DELIVER frames as the limits allow, all frames in one corked write.
 */
import { encodeServerFrame, DELIVER_ENTRY_OVERHEAD, DELIVER_HEADER_BYTES, type DeliveredEntry } from '@sealed/protocol/frames/server';
import { MAX_DELIVER_ENTRIES, MAX_DELIVER_FRAME_BYTES } from '@sealed/protocol/limits';
import type WebSocket from 'ws';

type Item = Uint8Array | DeliveredEntry;

/** The ws socket's underlying net.Socket, used only to cork a turn's writes into one syscall. */
function rawSocket(ws: WebSocket): { cork(): void; uncork(): void } | undefined {
  return (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
}

export class Outbox {
  private items: Item[] = [];
  private scheduled = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly onDelivered: (count: number) => void,
  ) {}

  frame(bytes: Uint8Array): void {
    this.items.push(bytes);
    this.schedule();
  }

  entries(entries: readonly DeliveredEntry[]): void {
    for (const entry of entries) this.items.push(entry);
    this.schedule();
  }

  /** Resolves once everything queued so far has been handed to the kernel (or the socket closed). */
  flushed(): Promise<void> {
    if (this.items.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes every queued item now. */
  flush(): void {
    this.scheduled = false;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    if (items.length === 0 || this.ws.readyState !== this.ws.OPEN) {
      for (const resolve of waiters) resolve();
      return;
    }
    const frames: Uint8Array[] = [];
    let batch: DeliveredEntry[] = [];
    let batchBytes = DELIVER_HEADER_BYTES;
    let delivered = 0;
    const cut = () => {
      if (batch.length === 0) return;
      frames.push(encodeServerFrame({ type: 'deliver', entries: batch }));
      delivered += batch.length;
      batch = [];
      batchBytes = DELIVER_HEADER_BYTES;
    };
    for (const item of items) {
      if (item instanceof Uint8Array) {
        cut();
        frames.push(item);
        continue;
      }
      const size = DELIVER_ENTRY_OVERHEAD + item.payload.length;
      if (batch.length === MAX_DELIVER_ENTRIES || batchBytes + size > MAX_DELIVER_FRAME_BYTES) cut();
      batch.push(item);
      batchBytes += size;
    }
    cut();
    const socket = rawSocket(this.ws);
    socket?.cork();
    frames.forEach((frame, i) => {
      const last = i === frames.length - 1;
      this.ws.send(frame, { binary: true }, last ? () => waiters.forEach((resolve) => resolve()) : undefined);
    });
    socket?.uncork();
    this.onDelivered(delivered);
  }
}
