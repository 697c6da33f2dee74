/**
 * GroupContext (RFC 9420 §8.1).
 *
 *   struct {
 *       ProtocolVersion version = mls10;
 *       CipherSuite cipher_suite;
 *       opaque group_id<V>;
 *       uint64 epoch;
 *       opaque tree_hash<V>;
 *       opaque confirmed_transcript_hash<V>;
 *       Extension extensions<V>;
 *   } GroupContext;
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';
import { MAX_GROUP_ID_BYTES } from './limits.ts';
import { decodeHashSized } from './primitives.ts';

/** GroupContext (RFC 9420 §8.1). */
export interface GroupContext {
  /** ProtocolVersion; mls10 (1) for every group this code creates. */
  readonly version: number;
  readonly cipherSuite: number;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly treeHash: Uint8Array;
  readonly confirmedTranscriptHash: Uint8Array;
  readonly extensions: readonly Extension[];
}

/** @throws RangeError when epoch is outside uint64 */
export function encodeGroupContext(writer: Writer, value: GroupContext): void {
  writer.uint16(value.version).uint16(value.cipherSuite).opaque(value.groupId).uint64(value.epoch);
  writer.opaque(value.treeHash).opaque(value.confirmedTranscriptHash);
  encodeExtensions(writer, value.extensions);
}

/** @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes') */
export function decodeGroupContext(reader: Reader): GroupContext {
  const version = reader.uint16('GroupContext.version');
  const cipherSuite = reader.uint16('GroupContext.cipher_suite');
  const groupId = reader.opaque('GroupContext.group_id', MAX_GROUP_ID_BYTES);
  const epoch = reader.uint64('GroupContext.epoch');
  const treeHash = decodeHashSized(reader, 'GroupContext.tree_hash');
  const confirmedTranscriptHash = decodeHashSized(reader, 'GroupContext.confirmed_transcript_hash');
  const extensions = decodeExtensions(reader, 'GroupContext.extensions');
  return { version, cipherSuite, groupId, epoch, treeHash, confirmedTranscriptHash, extensions };
}

/** The serialized GroupContext (key schedule input, §8). */
export function groupContextBytes(value: GroupContext): Uint8Array {
  return encode(encodeGroupContext, value);
}

/** @throws DecodeError when `bytes` is not exactly one GroupContext */
export function parseGroupContext(bytes: Uint8Array): GroupContext {
  return decode(decodeGroupContext, bytes, 'GroupContext');
}
