/**
 * Per-socket write batching: everything a socket is sent during one event-loop turn
 * (answers, notices, pushed entries) is written at the end of the turn, consecutive entries
 * packed into as few DELIVER frames as the limits allow. The turn's frames are encoded in
 * place into one buffer, each behind its WebSocket header (ws-framing.ts), and written with
 * one call on the socket: no buffer per frame, no header buffer per frame, one chunk for the
 * kernel (a sender with 100 sends in flight gets its SENT answers this way).
 */
import {
  DELIVER_ENTRY_OVERHEAD,
  DELIVER_HEADER_BYTES,
  encodeServerFrameInto,
  serverFrameLength,
  type DeliveredEntry,
  type DeliverFrame,
  type ServerFrame,
} from '@sealed/protocol/frames/server';
import { MAX_DELIVER_ENTRIES, MAX_DELIVER_FRAME_BYTES } from '@sealed/protocol/limits';
import type WebSocket from 'ws';
import { wsHeaderLength, writeWsHeader } from './ws-framing.ts';

/** A frame other than DELIVER (those are cut from entries at flush time). */
export type SingleFrame = Exclude<ServerFrame, DeliverFrame>;
type Item = SingleFrame | DeliveredEntry;

/** The raw socket under a ws socket: a turn's frames go out in one write on it. */
interface RawSocket {
  write(data: Uint8Array, callback: () => void): boolean;
}

/**
 * The ws socket's underlying net.Socket. Writing whole frames to it directly is sound
 * because the gateway turns per-message deflate off: ws then writes every message of its own
 * (pings, the close frame) synchronously, never queueing one, so frames cannot interleave;
 * `bufferedAmount` still counts our bytes (it reads the socket's buffer).
 */
function rawSocket(ws: WebSocket): RawSocket | undefined {
  return (ws as unknown as { _socket?: RawSocket })._socket;
}

function isEntry(item: Item): item is DeliveredEntry {
  return (item as Partial<SingleFrame>).type === undefined;
}

export class Outbox {
  private items: Item[] = [];
  private scheduled = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly onDelivered: (count: number) => void,
  ) {}

  frame(frame: SingleFrame): void {
    this.items.push(frame);
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
    const done = () => {
      for (const resolve of waiters) resolve();
    };
    if (items.length === 0 || this.ws.readyState !== this.ws.OPEN) return done();
    const frames = packFrames(items);
    const lengths: number[] = [];
    const starts: number[] = [];
    let buffer: Buffer;
    try {
      let total = 0;
      for (const frame of frames) {
        const length = serverFrameLength(frame);
        lengths.push(length);
        total += wsHeaderLength(length) + length;
      }
      buffer = Buffer.allocUnsafe(total);
      let offset = 0;
      for (let i = 0; i < frames.length; i++) {
        offset = writeWsHeader(buffer, offset, lengths[i]!);
        starts.push(offset);
        encodeServerFrameInto(frames[i]!, buffer, offset, lengths[i]!);
        offset += lengths[i]!;
      }
    } catch {
      // A field out of its bounds is a server bug; this socket cannot be answered correctly,
      // the others must keep being served (this runs outside any caller's try).
      this.ws.terminate();
      return done();
    }
    const socket = rawSocket(this.ws);
    if (socket !== undefined) {
      socket.write(buffer, done);
    } else {
      // No raw socket to write to (not a node socket): one ws message per frame.
      frames.forEach((_, i) => {
        const payload = buffer.subarray(starts[i]!, starts[i]! + lengths[i]!);
        this.ws.send(payload, { binary: true }, i === frames.length - 1 ? done : undefined);
      });
    }
    let delivered = 0;
    for (const frame of frames) if (frame.type === 'deliver') delivered += frame.entries.length;
    this.onDelivered(delivered);
  }
}

/** The turn's items as frames, in order: runs of consecutive entries cut into DELIVER frames within the limits. */
export function packFrames(items: readonly Item[]): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let batch: DeliveredEntry[] = [];
  let batchBytes = DELIVER_HEADER_BYTES;
  const cut = () => {
    if (batch.length === 0) return;
    frames.push({ type: 'deliver', entries: batch });
    batch = [];
    batchBytes = DELIVER_HEADER_BYTES;
  };
  for (const item of items) {
    if (!isEntry(item)) {
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
  return frames;
}
