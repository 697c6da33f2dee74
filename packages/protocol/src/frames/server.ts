/**
 * Frames the server sends on a WebSocket (binary messages). Layout, big-endian:
 *
 *   every frame:  version u8 (=1) | type u8 | body
 *
 *   READY   (0x81)  deviceId[16] | queued u32          after a successful AUTH
 *   SENT    (0x82)  requestId u32 | epoch u64 | duplicate u8 (0|1)
 *   ERROR   (0x83)  requestId u32 (0: not tied to a request) | code u16 | value u64
 *   DELIVER (0x84)  count u16 (1..256) | entries, each:
 *                     seq u64 | kind u8 | receivedAt u64 | payloadLength u32 (1..1 MiB) | payload
 *   NOTICE  (0x85)  notice u8 (1: key packages low, value = ordinary packages left;
 *                   2: the account's device list changed, value = its new version) | value u32
 *
 * ERROR's `code` is the `wire` number of errors.ts; `value` is described there per code.
 * A DELIVER frame never exceeds MAX_DELIVER_FRAME_BYTES.
 */
import { DecodeError } from '../binary/decode-error.ts';
import { Reader } from '../binary/reader.ts';
import { Writer } from '../binary/writer.ts';
import { errorCodeFromWire, ERROR_CODES, type ErrorCode } from '../errors.ts';
import { ID_BYTES, MAX_DELIVER_ENTRIES, MAX_DELIVER_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../limits.ts';
import { PROTOCOL_VERSION } from '../version.ts';
import { assertU32, assertU64, kindToWire, readFrameHeader, readKind, type MessageKind } from './header.ts';

export const SERVER_FRAME_TYPE = { ready: 0x81, sent: 0x82, error: 0x83, deliver: 0x84, notice: 0x85 } as const;

export type NoticeKind = 'key-packages-low' | 'devices-changed';
const NOTICE_TO_WIRE: Readonly<Record<NoticeKind, number>> = { 'key-packages-low': 1, 'devices-changed': 2 };

export interface ReadyFrame {
  readonly type: 'ready';
  readonly deviceId: Uint8Array;
  /** Entries waiting in the device's queue at AUTH time; they follow as DELIVER frames. */
  readonly queued: number;
}
export interface SentFrame {
  readonly type: 'sent';
  readonly requestId: number;
  /** The group's epoch after the send (advanced for an accepted commit). */
  readonly epoch: number;
  /** True when this was a retry of a send already accepted (nothing queued again). */
  readonly duplicate: boolean;
}
export interface ErrorFrame {
  readonly type: 'error';
  readonly requestId: number;
  readonly code: ErrorCode;
  readonly value: number;
}
export interface DeliveredEntry {
  readonly seq: number;
  readonly kind: MessageKind;
  readonly receivedAt: number;
  readonly payload: Uint8Array;
}
export interface DeliverFrame {
  readonly type: 'deliver';
  readonly entries: readonly DeliveredEntry[];
}
export interface NoticeFrame {
  readonly type: 'notice';
  readonly notice: NoticeKind;
  readonly value: number;
}

export type ServerFrame = ReadyFrame | SentFrame | ErrorFrame | DeliverFrame | NoticeFrame;

/** Bytes an entry takes inside DELIVER (the server uses it to cut batches). */
export const DELIVER_ENTRY_OVERHEAD = 8 + 1 + 8 + 4;
/** Bytes of DELIVER before its entries. */
export const DELIVER_HEADER_BYTES = 2 + 2;

/** Bytes of an encoded SENT frame. */
export const SENT_FRAME_BYTES = 2 + 4 + 8 + 1;

/**
 * Bytes `encodeServerFrame(frame)` produces.
 * @throws RangeError for a DELIVER frame with no entries, too many, or too many bytes.
 */
export function serverFrameLength(frame: ServerFrame): number {
  switch (frame.type) {
    case 'ready':
      return 2 + ID_BYTES + 4;
    case 'sent':
      return SENT_FRAME_BYTES;
    case 'error':
      return 2 + 4 + 2 + 8;
    case 'deliver': {
      const count = frame.entries.length;
      if (count < 1 || count > MAX_DELIVER_ENTRIES) throw new RangeError('deliver count');
      let length = DELIVER_HEADER_BYTES;
      for (const entry of frame.entries) length += DELIVER_ENTRY_OVERHEAD + entry.payload.length;
      if (length > MAX_DELIVER_FRAME_BYTES) throw new RangeError('deliver frame too large');
      return length;
    }
    case 'notice':
      return 2 + 1 + 4;
  }
}

/** @throws RangeError for fields outside their bounds (a programming error). */
export function encodeServerFrame(frame: ServerFrame): Uint8Array {
  const length = serverFrameLength(frame);
  return encodeServerFrameInto(frame, new Uint8Array(length), 0, length);
}

/**
 * Encodes `frame` into `target` at `offset`, taking exactly `length` bytes (from
 * `serverFrameLength`): a writer that packs a turn's frames into one buffer encodes each in
 * place instead of allocating and copying it. Returns `target`.
 * @throws RangeError for fields outside their bounds or a target too short (programming errors).
 */
export function encodeServerFrameInto(frame: ServerFrame, target: Uint8Array, offset: number, length: number): Uint8Array {
  switch (frame.type) {
    case 'ready':
      if (frame.deviceId.length !== ID_BYTES) throw new RangeError('deviceId length');
      assertU32(frame.queued, 'queued');
      return new Writer(length, target, offset).u8(PROTOCOL_VERSION).u8(SERVER_FRAME_TYPE.ready).bytes(frame.deviceId).u32(frame.queued).finish();
    case 'sent':
      assertU32(frame.requestId, 'requestId');
      assertU64(frame.epoch, 'epoch');
      return new Writer(length, target, offset)
        .u8(PROTOCOL_VERSION)
        .u8(SERVER_FRAME_TYPE.sent)
        .u32(frame.requestId)
        .u64(frame.epoch)
        .u8(frame.duplicate ? 1 : 0)
        .finish();
    case 'error':
      assertU32(frame.requestId, 'requestId');
      assertU64(frame.value, 'value');
      return new Writer(length, target, offset)
        .u8(PROTOCOL_VERSION)
        .u8(SERVER_FRAME_TYPE.error)
        .u32(frame.requestId)
        .u16(ERROR_CODES[frame.code].wire)
        .u64(frame.value)
        .finish();
    case 'deliver': {
      const w = new Writer(length, target, offset).u8(PROTOCOL_VERSION).u8(SERVER_FRAME_TYPE.deliver).u16(frame.entries.length);
      for (const entry of frame.entries) {
        assertU64(entry.seq, 'seq');
        assertU64(entry.receivedAt, 'receivedAt');
        if (entry.payload.length < 1 || entry.payload.length > MAX_MESSAGE_BYTES) throw new RangeError('payload length');
        w.u64(entry.seq).u8(kindToWire(entry.kind)).u64(entry.receivedAt).u32(entry.payload.length).bytes(entry.payload);
      }
      return w.finish();
    }
    case 'notice':
      assertU32(frame.value, 'value');
      return new Writer(length, target, offset).u8(PROTOCOL_VERSION).u8(SERVER_FRAME_TYPE.notice).u8(NOTICE_TO_WIRE[frame.notice]).u32(frame.value).finish();
  }
}

/** @throws DecodeError for any malformed input. */
export function decodeServerFrame(data: Uint8Array): ServerFrame {
  if (data.length > MAX_DELIVER_FRAME_BYTES) throw new DecodeError('too-large', `server frame of ${data.length} bytes`);
  const r = new Reader(data);
  const type = readFrameHeader(r);
  let frame: ServerFrame;
  switch (type) {
    case SERVER_FRAME_TYPE.ready:
      frame = { type: 'ready', deviceId: r.bytes(ID_BYTES, 'deviceId'), queued: r.u32('queued') };
      break;
    case SERVER_FRAME_TYPE.sent: {
      const requestId = r.u32('requestId');
      const epoch = r.u64('epoch');
      const duplicate = r.u8('duplicate');
      if (duplicate > 1) throw new DecodeError('invalid-value', `duplicate flag ${duplicate}`);
      frame = { type: 'sent', requestId, epoch, duplicate: duplicate === 1 };
      break;
    }
    case SERVER_FRAME_TYPE.error: {
      const requestId = r.u32('requestId');
      const wire = r.u16('error code');
      const code = errorCodeFromWire(wire);
      if (code === undefined) throw new DecodeError('invalid-value', `error code ${wire}`);
      frame = { type: 'error', requestId, code, value: r.u64('value') };
      break;
    }
    case SERVER_FRAME_TYPE.deliver: {
      const count = r.u16('deliver count');
      if (count === 0) throw new DecodeError('invalid-value', 'empty deliver');
      if (count > MAX_DELIVER_ENTRIES) throw new DecodeError('too-large', `deliver count ${count}`);
      const entries: DeliveredEntry[] = [];
      for (let i = 0; i < count; i++) {
        const seq = r.u64('seq');
        const kind = readKind(r);
        const receivedAt = r.u64('receivedAt');
        const length = r.u32('payload length');
        if (length === 0) throw new DecodeError('invalid-value', 'empty payload');
        if (length > MAX_MESSAGE_BYTES) throw new DecodeError('too-large', `payload length ${length}`);
        entries.push({ seq, kind, receivedAt, payload: r.bytes(length, 'payload') });
      }
      frame = { type: 'deliver', entries };
      break;
    }
    case SERVER_FRAME_TYPE.notice: {
      const notice = r.u8('notice');
      if (notice !== 1 && notice !== 2) throw new DecodeError('invalid-value', `notice ${notice}`);
      frame = { type: 'notice', notice: notice === 1 ? 'key-packages-low' : 'devices-changed', value: r.u32('value') };
      break;
    }
    default:
      throw new DecodeError('unknown-type', `server frame type ${type}`);
  }
  r.finish('server frame');
  return frame;
}
