/**
 * Frames a client sends on its WebSocket (binary messages). Layout, big-endian:
 *
 *   every frame:  version u8 (=1) | type u8 | body
 *
 *   AUTH  (0x01)  token[32]
 *   SEND  (0x02)  requestId u32 | clientMessageId[16] | kind u8 | epoch u64
 *                 | groupIdLength u8 (1..64) | groupId
 *                 | recipientCount u16 (1..1024) | recipient device ids [16 * count]
 *                 | payloadLength u32 (1..MAX_MESSAGE_BYTES) | payload
 *   ACK   (0x03)  count u16 (1..1024) | seq u64 * count
 *
 * Decoders are strict: exact lengths, bounds checked before slicing, no trailing bytes.
 * Decoded byte fields are views into the input (no copies: CPU per message matters).
 */
import { DecodeError } from '../binary/decode-error.ts';
import { Reader } from '../binary/reader.ts';
import { Writer } from '../binary/writer.ts';
import { ID_BYTES, MAX_ACK_SEQS, MAX_GROUP_ID_BYTES, MAX_MESSAGE_BYTES, MAX_RECIPIENTS_PER_SEND, SESSION_TOKEN_BYTES } from '../limits.ts';
import { PROTOCOL_VERSION } from '../version.ts';
import { assertU32, assertU64, kindToWire, readFrameHeader, readKind, type MessageKind } from './header.ts';

export const CLIENT_FRAME_TYPE = { auth: 0x01, send: 0x02, ack: 0x03 } as const;

export interface AuthFrame {
  readonly type: 'auth';
  readonly token: Uint8Array;
}

export interface SendFrame {
  readonly type: 'send';
  /** Chosen by the client to match the SENT / ERROR answer; not stored. */
  readonly requestId: number;
  /** 16 bytes; makes retries idempotent. */
  readonly clientMessageId: Uint8Array;
  readonly kind: MessageKind;
  readonly epoch: number;
  readonly groupId: Uint8Array;
  readonly recipients: readonly Uint8Array[];
  readonly payload: Uint8Array;
}

export interface AckFrame {
  readonly type: 'ack';
  readonly seqs: readonly number[];
}

export type ClientFrame = AuthFrame | SendFrame | AckFrame;

/**
 * @throws RangeError when a field is outside its bound (an encoder is never given attacker data
 * unchecked; this is a programming error).
 */
export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  switch (frame.type) {
    case 'auth': {
      if (frame.token.length !== SESSION_TOKEN_BYTES) throw new RangeError('token length');
      return new Writer(2 + SESSION_TOKEN_BYTES).u8(PROTOCOL_VERSION).u8(CLIENT_FRAME_TYPE.auth).bytes(frame.token).finish();
    }
    case 'send': {
      assertU32(frame.requestId, 'requestId');
      assertU64(frame.epoch, 'epoch');
      if (frame.clientMessageId.length !== ID_BYTES) throw new RangeError('clientMessageId length');
      if (frame.groupId.length < 1 || frame.groupId.length > MAX_GROUP_ID_BYTES) throw new RangeError('groupId length');
      const count = frame.recipients.length;
      if (count < 1 || count > MAX_RECIPIENTS_PER_SEND) throw new RangeError('recipient count');
      if (frame.payload.length < 1 || frame.payload.length > MAX_MESSAGE_BYTES) throw new RangeError('payload length');
      const length = 2 + 4 + ID_BYTES + 1 + 8 + 1 + frame.groupId.length + 2 + count * ID_BYTES + 4 + frame.payload.length;
      const w = new Writer(length)
        .u8(PROTOCOL_VERSION)
        .u8(CLIENT_FRAME_TYPE.send)
        .u32(frame.requestId)
        .bytes(frame.clientMessageId)
        .u8(kindToWire(frame.kind))
        .u64(frame.epoch)
        .u8(frame.groupId.length)
        .bytes(frame.groupId)
        .u16(count);
      for (const recipient of frame.recipients) {
        if (recipient.length !== ID_BYTES) throw new RangeError('recipient length');
        w.bytes(recipient);
      }
      return w.u32(frame.payload.length).bytes(frame.payload).finish();
    }
    case 'ack': {
      const count = frame.seqs.length;
      if (count < 1 || count > MAX_ACK_SEQS) throw new RangeError('ack count');
      const w = new Writer(2 + 2 + 8 * count).u8(PROTOCOL_VERSION).u8(CLIENT_FRAME_TYPE.ack).u16(count);
      for (const seq of frame.seqs) {
        assertU64(seq, 'seq');
        w.u64(seq);
      }
      return w.finish();
    }
  }
}

/** @throws DecodeError for any malformed input. */
export function decodeClientFrame(data: Uint8Array): ClientFrame {
  const r = new Reader(data);
  const type = readFrameHeader(r);
  let frame: ClientFrame;
  switch (type) {
    case CLIENT_FRAME_TYPE.auth:
      frame = { type: 'auth', token: r.bytes(SESSION_TOKEN_BYTES, 'token') };
      break;
    case CLIENT_FRAME_TYPE.send:
      frame = decodeSend(r);
      break;
    case CLIENT_FRAME_TYPE.ack: {
      const count = r.u16('ack count');
      if (count === 0) throw new DecodeError('invalid-value', 'empty ack');
      if (count > MAX_ACK_SEQS) throw new DecodeError('too-large', `ack count ${count}`);
      // Length checked before the loop allocates anything.
      if (r.remaining !== count * 8) throw new DecodeError(r.remaining < count * 8 ? 'truncated' : 'trailing-bytes', 'ack seqs');
      const seqs: number[] = [];
      for (let i = 0; i < count; i++) seqs.push(r.u64('seq'));
      frame = { type: 'ack', seqs };
      break;
    }
    default:
      throw new DecodeError('unknown-type', `client frame type ${type}`);
  }
  r.finish('client frame');
  return frame;
}

function decodeSend(r: Reader): SendFrame {
  const requestId = r.u32('requestId');
  const clientMessageId = r.bytes(ID_BYTES, 'clientMessageId');
  const kind = readKind(r);
  const epoch = r.u64('epoch');
  const groupIdLength = r.u8('groupId length');
  if (groupIdLength === 0) throw new DecodeError('invalid-value', 'empty groupId');
  if (groupIdLength > MAX_GROUP_ID_BYTES) throw new DecodeError('too-large', `groupId length ${groupIdLength}`);
  const groupId = r.bytes(groupIdLength, 'groupId');
  const count = r.u16('recipient count');
  if (count === 0) throw new DecodeError('invalid-value', 'no recipients');
  if (count > MAX_RECIPIENTS_PER_SEND) throw new DecodeError('too-large', `recipient count ${count}`);
  if (r.remaining < count * ID_BYTES) throw new DecodeError('truncated', 'recipients');
  const recipients: Uint8Array[] = [];
  for (let i = 0; i < count; i++) recipients.push(r.bytes(ID_BYTES, 'recipient'));
  const payloadLength = r.u32('payload length');
  if (payloadLength === 0) throw new DecodeError('invalid-value', 'empty payload');
  if (payloadLength > MAX_MESSAGE_BYTES) throw new DecodeError('too-large', `payload length ${payloadLength}`);
  const payload = r.bytes(payloadLength, 'payload');
  return { type: 'send', requestId, clientMessageId, kind, epoch, groupId, recipients, payload };
}
