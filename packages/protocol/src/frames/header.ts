/**
 * The two bytes that start every WebSocket frame: version, then type. Checked before the
 * body is looked at, with distinct errors for a version too old and one unknown.
 */
import { DecodeError } from '../binary/decode-error.ts';
import type { Reader } from '../binary/reader.ts';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '../version.ts';

/** Reads and checks the version byte; returns the type byte. */
export function readFrameHeader(reader: Reader): number {
  const version = reader.u8('frame version');
  if (version < MIN_PROTOCOL_VERSION) throw new DecodeError('version-too-old', `frame version ${version}`);
  if (version > PROTOCOL_VERSION) throw new DecodeError('version-unknown', `frame version ${version}`);
  return reader.u8('frame type');
}

/** Message kinds on the wire. Only commits take part in epoch ordering. */
export type MessageKind = 'application' | 'commit' | 'proposal' | 'welcome';

const KIND_TO_WIRE: Readonly<Record<MessageKind, number>> = { application: 1, commit: 2, proposal: 3, welcome: 4 };
const WIRE_TO_KIND: readonly (MessageKind | undefined)[] = [undefined, 'application', 'commit', 'proposal', 'welcome'];

export function kindToWire(kind: MessageKind): number {
  return KIND_TO_WIRE[kind];
}

/** @throws DecodeError('invalid-value') for a kind this version does not define. */
export function readKind(reader: Reader): MessageKind {
  const wire = reader.u8('kind');
  const kind = WIRE_TO_KIND[wire];
  if (kind === undefined) throw new DecodeError('invalid-value', `kind ${wire}`);
  return kind;
}

/** Safe-integer check for u64 fields an encoder is given. */
export function assertU64(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a safe non-negative integer`);
}

export function assertU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`${what} must be a u32`);
}
