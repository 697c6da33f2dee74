/**
 * The binary encoding of a bus event as it travels between nodes over NATS. Only nodes
 * publish on these subjects, but a decoder never trusts its input: version first, exact
 * lengths, bounded counts, no trailing bytes; anything else is a typed error and the event
 * is dropped (events are hints; storage is the truth, see bus.ts).
 *
 * Layout (integers big-endian):
 *
 *   u8  version = 1
 *   u8  type: 1 entries, 2 revoked, 3 key-packages-low, 4 devices-changed
 *   u8  deviceIdLength, then that many ASCII bytes (lowercase hex)
 *   type 1: u64 lastSeq, u16 entryCount, then per entry:
 *           u64 seq, u8 kind, u64 receivedAt, u32 payloadLength, payload
 *   type 3: u32 remaining
 *   type 4: u32 version
 */
import type { BusEvent } from './bus.ts';
import type { DeviceId, MessageKind, QueueEntry } from '../storage/types.ts';

/** The only version this release reads or writes. */
export const BUS_CODEC_VERSION = 1;
/**
 * Entries are carried inline only while the whole event stays under this size; beyond it
 * the event carries `lastSeq` alone and the receiving node reads storage. Well under the
 * NATS default max_payload (1 MiB), so a publish is never refused for size.
 */
export const MAX_BUS_INLINE_BYTES = 256 * 1024;
/** Bound on carried entries per event (a send makes one entry per recipient device). */
export const MAX_BUS_ENTRIES = 256;
/** Device ids are 16 random bytes in hex; 64 leaves room without letting a frame grow unbounded. */
const MAX_DEVICE_ID_LENGTH = 64;
const DEVICE_ID = /^[0-9a-f]+$/;

const KIND_CODES: Record<MessageKind, number> = { application: 1, commit: 2, proposal: 3, welcome: 4 };
const KIND_BY_CODE = new Map<number, MessageKind>(
  Object.entries(KIND_CODES).map(([k, v]) => [v, k as MessageKind]),
);

export type BusCodecErrorCode = 'bad-version' | 'bad-type' | 'truncated' | 'trailing-bytes' | 'bad-device-id' | 'bad-kind' | 'too-many-entries' | 'bad-number';

/** A bus event that cannot be decoded; carries no bytes of the event. */
export class BusCodecError extends Error {
  override readonly name = 'BusCodecError';
  constructor(readonly code: BusCodecErrorCode) {
    super(`bus event rejected: ${code}`);
  }
}

/**
 * Checks that a device id is safe as a NATS subject token and bounded.
 * @throws {BusCodecError} `bad-device-id`.
 */
export function assertDeviceId(deviceId: string): DeviceId {
  if (deviceId.length === 0 || deviceId.length > MAX_DEVICE_ID_LENGTH || !DEVICE_ID.test(deviceId)) {
    throw new BusCodecError('bad-device-id');
  }
  return deviceId as DeviceId;
}

function entrySize(e: QueueEntry): number {
  return 8 + 1 + 8 + 4 + e.payload.length;
}

/**
 * Encodes an event. Entries are dropped (not the event) when they exceed the inline bounds.
 * @throws {BusCodecError} for a device id that is not lowercase hex or a number out of range.
 */
export function encodeBusEvent(event: BusEvent): Uint8Array {
  const id = new TextEncoder().encode(assertDeviceId(event.deviceId));
  let entries: readonly QueueEntry[] = [];
  if (event.type === 'entries' && event.entries !== undefined && event.entries.length <= MAX_BUS_ENTRIES) {
    const total = event.entries.reduce((n, e) => n + entrySize(e), 0);
    if (total + 64 <= MAX_BUS_INLINE_BYTES) entries = event.entries;
  }
  const body = event.type === 'entries' ? 8 + 2 + entries.reduce((n, e) => n + entrySize(e), 0) : event.type === 'key-packages-low' || event.type === 'devices-changed' ? 4 : 0;
  const out = new Uint8Array(3 + id.length + body);
  const view = new DataView(out.buffer);
  out[0] = BUS_CODEC_VERSION;
  out[1] = event.type === 'entries' ? 1 : event.type === 'revoked' ? 2 : event.type === 'key-packages-low' ? 3 : 4;
  out[2] = id.length;
  out.set(id, 3);
  let at = 3 + id.length;
  const u64 = (n: number) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new BusCodecError('bad-number');
    view.setBigUint64(at, BigInt(n));
    at += 8;
  };
  if (event.type === 'entries') {
    u64(event.lastSeq);
    view.setUint16(at, entries.length);
    at += 2;
    for (const e of entries) {
      u64(e.seq);
      out[at++] = KIND_CODES[e.kind];
      u64(e.receivedAt);
      view.setUint32(at, e.payload.length);
      at += 4;
      out.set(e.payload, at);
      at += e.payload.length;
    }
  } else if (event.type === 'key-packages-low') {
    if (!Number.isInteger(event.remaining) || event.remaining < 0 || event.remaining > 0xffffffff) throw new BusCodecError('bad-number');
    view.setUint32(at, event.remaining);
  } else if (event.type === 'devices-changed') {
    if (!Number.isInteger(event.version) || event.version < 1 || event.version > 0xffffffff) throw new BusCodecError('bad-number');
    view.setUint32(at, event.version);
  }
  return out;
}

/**
 * Decodes an event strictly. Payload bytes are copied (the caller's buffer may be reused).
 * @throws {BusCodecError} for anything but a well-formed event of version 1.
 */
export function decodeBusEvent(bytes: Uint8Array): BusEvent {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new BusCodecError('truncated');
  };
  const u8 = () => {
    need(1);
    return bytes[at++]!;
  };
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(at);
    at += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new BusCodecError('bad-number');
    return Number(v);
  };
  if (u8() !== BUS_CODEC_VERSION) throw new BusCodecError('bad-version');
  const type = u8();
  if (type < 1 || type > 4) throw new BusCodecError('bad-type');
  const idLength = u8();
  if (idLength > MAX_DEVICE_ID_LENGTH) throw new BusCodecError('bad-device-id');
  need(idLength);
  let deviceIdText = '';
  for (let i = 0; i < idLength; i++) deviceIdText += String.fromCharCode(bytes[at + i]!);
  at += idLength;
  const deviceId = assertDeviceId(deviceIdText);
  let event: BusEvent;
  if (type === 1) {
    const lastSeq = u64();
    need(2);
    const count = view.getUint16(at);
    at += 2;
    if (count > MAX_BUS_ENTRIES) throw new BusCodecError('too-many-entries');
    const entries: QueueEntry[] = [];
    for (let i = 0; i < count; i++) {
      const seq = u64();
      const kind = KIND_BY_CODE.get(u8());
      if (kind === undefined) throw new BusCodecError('bad-kind');
      const receivedAt = u64();
      need(4);
      const length = view.getUint32(at);
      at += 4;
      need(length);
      // A plain Uint8Array copy: NATS hands us a Buffer whose memory it may reuse.
      const payload = new Uint8Array(bytes.subarray(at, at + length));
      at += length;
      entries.push({ seq, kind, receivedAt, payload });
    }
    event = count > 0 ? { type: 'entries', deviceId, lastSeq, entries } : { type: 'entries', deviceId, lastSeq };
  } else if (type === 2) {
    event = { type: 'revoked', deviceId };
  } else if (type === 3) {
    need(4);
    const remaining = view.getUint32(at);
    at += 4;
    event = { type: 'key-packages-low', deviceId, remaining };
  } else {
    need(4);
    const version = view.getUint32(at);
    at += 4;
    if (version === 0) throw new BusCodecError('bad-number');
    event = { type: 'devices-changed', deviceId, version };
  }
  if (at !== bytes.length) throw new BusCodecError('trailing-bytes');
  return event;
}
