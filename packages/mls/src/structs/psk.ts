/**
 * PreSharedKeyID and PSKLabel (RFC 9420 §8.4).
 *
 *   struct {
 *     PSKType psktype;
 *     select (PreSharedKeyID.psktype) {
 *       case external:   opaque psk_id<V>;
 *       case resumption: ResumptionPSKUsage usage;
 *                        opaque psk_group_id<V>;
 *                        uint64 psk_epoch;
 *     };
 *     opaque psk_nonce<V>;
 *   } PreSharedKeyID;
 *
 *   struct { PreSharedKeyID id; uint16 index; uint16 count; } PSKLabel;
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { pskTypeCodec, type ResumptionPSKUsage, resumptionPskUsageCodec } from './enums.ts';
import { MAX_GROUP_ID_BYTES, MAX_PSK_ID_BYTES } from './limits.ts';
import { decodeHashSized } from './primitives.ts';

/** PreSharedKeyID (RFC 9420 §8.4). */
export type PreSharedKeyID =
  | { readonly type: 'external'; readonly pskId: Uint8Array; readonly pskNonce: Uint8Array }
  | {
      readonly type: 'resumption';
      readonly usage: ResumptionPSKUsage;
      readonly pskGroupId: Uint8Array;
      readonly pskEpoch: bigint;
      readonly pskNonce: Uint8Array;
    };

/**
 * Writes PreSharedKeyID (RFC 9420 §8.4).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodePreSharedKeyID(writer: Writer, value: PreSharedKeyID): void {
  pskTypeCodec.write(writer, value.type);
  if (value.type === 'external') {
    writer.opaque(value.pskId);
  } else {
    resumptionPskUsageCodec.write(writer, value.usage);
    writer.opaque(value.pskGroupId).uint64(value.pskEpoch);
  }
  writer.opaque(value.pskNonce);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value') */
export function decodePreSharedKeyID(reader: Reader): PreSharedKeyID {
  const type = pskTypeCodec.read(reader);
  if (type === 'external') {
    const pskId = reader.opaque('PreSharedKeyID.psk_id', MAX_PSK_ID_BYTES);
    const pskNonce = decodeHashSized(reader, 'PreSharedKeyID.psk_nonce');
    return { type, pskId, pskNonce };
  }
  const usage = resumptionPskUsageCodec.read(reader);
  const pskGroupId = reader.opaque('PreSharedKeyID.psk_group_id', MAX_GROUP_ID_BYTES);
  const pskEpoch = reader.uint64('PreSharedKeyID.psk_epoch');
  const pskNonce = decodeHashSized(reader, 'PreSharedKeyID.psk_nonce');
  return { type, usage, pskGroupId, pskEpoch, pskNonce };
}

/** @throws DecodeError when `bytes` is not exactly one PreSharedKeyID */
export function parsePreSharedKeyID(bytes: Uint8Array): PreSharedKeyID {
  return decode(decodePreSharedKeyID, bytes, 'PreSharedKeyID');
}

/** PSKLabel (RFC 9420 §8.4). */
export interface PSKLabel {
  readonly id: PreSharedKeyID;
  /** Position of this PSK in the list (uint16). */
  readonly index: number;
  /** Length of the list (uint16). */
  readonly count: number;
}

/** @throws RangeError when index or count is outside uint16 */
export function encodePSKLabel(writer: Writer, value: PSKLabel): void {
  if (!isUint16(value.index) || !isUint16(value.count)) throw new RangeError('PSKLabel: index and count are uint16');
  encodePreSharedKeyID(writer, value.id);
  writer.uint16(value.index).uint16(value.count);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value') */
export function decodePSKLabel(reader: Reader): PSKLabel {
  const id = decodePreSharedKeyID(reader);
  const index = reader.uint16('PSKLabel.index');
  const count = reader.uint16('PSKLabel.count');
  return { id, index, count };
}

/** The PSKLabel bytes fed to ExpandWithLabel(., "derived psk", PSKLabel, Nh) (§8.4). */
export function pskLabelBytes(value: PSKLabel): Uint8Array {
  return encode(encodePSKLabel, value);
}

function isUint16(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff;
}
