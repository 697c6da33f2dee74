/**
 * GroupInfo and GroupInfoTBS (RFC 9420 §12.4.3).
 *
 *   struct {
 *       GroupContext group_context;
 *       Extension extensions<V>;
 *       MAC confirmation_tag;
 *       uint32 signer;
 *       opaque signature<V>;   // SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)
 *   } GroupInfo;
 *
 * GroupInfoTBS is the same without the signature.
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';
import { decodeGroupContext, encodeGroupContext, type GroupContext } from './group-context.ts';
import { decodeHashSized, decodeSignature, type MAC } from './primitives.ts';

/** GroupInfoTBS (RFC 9420 §12.4.3). */
export interface GroupInfoTBS {
  readonly groupContext: GroupContext;
  readonly extensions: readonly Extension[];
  readonly confirmationTag: MAC;
  /** Leaf index of the member who signed. */
  readonly signer: number;
}

/** GroupInfo (RFC 9420 §12.4.3). */
export interface GroupInfo extends GroupInfoTBS {
  readonly signature: Uint8Array;
}

/**
 * Writes GroupInfoTBS (RFC 9420 §12.4.3).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeGroupInfoTBS(writer: Writer, value: GroupInfoTBS): void {
  encodeGroupContext(writer, value.groupContext);
  encodeExtensions(writer, value.extensions);
  writer.opaque(value.confirmationTag).uint32(value.signer);
}

/** @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes') */
export function decodeGroupInfoTBS(reader: Reader): GroupInfoTBS {
  const groupContext = decodeGroupContext(reader);
  const extensions = decodeExtensions(reader, 'GroupInfo.extensions');
  const confirmationTag = decodeHashSized(reader, 'GroupInfo.confirmation_tag');
  const signer = reader.uint32('GroupInfo.signer');
  return { groupContext, extensions, confirmationTag, signer };
}

/** The bytes a GroupInfo's signature covers. */
export function groupInfoTBSBytes(value: GroupInfoTBS): Uint8Array {
  return encode(encodeGroupInfoTBS, value);
}

/**
 * Writes GroupInfo (RFC 9420 §12.4.3).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeGroupInfo(writer: Writer, value: GroupInfo): void {
  encodeGroupInfoTBS(writer, value);
  writer.opaque(value.signature);
}

/** @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes') */
export function decodeGroupInfo(reader: Reader): GroupInfo {
  const tbs = decodeGroupInfoTBS(reader);
  return { ...tbs, signature: decodeSignature(reader, 'GroupInfo.signature') };
}

/** The serialized GroupInfo (the plaintext of Welcome.encrypted_group_info). */
export function groupInfoBytes(value: GroupInfo): Uint8Array {
  return encode(encodeGroupInfo, value);
}

/** @throws DecodeError when `bytes` is not exactly one GroupInfo */
export function parseGroupInfo(bytes: Uint8Array): GroupInfo {
  return decode(decodeGroupInfo, bytes, 'GroupInfo');
}
