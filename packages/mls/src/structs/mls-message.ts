/**
 * MLSMessage (RFC 9420 §6), the outermost struct of everything on the wire.
 *
 *   struct {
 *       ProtocolVersion version = mls10;
 *       WireFormat wire_format;
 *       select (MLSMessage.wire_format) {
 *           case mls_public_message:  PublicMessage public_message;
 *           case mls_private_message: PrivateMessage private_message;
 *           case mls_welcome:         Welcome welcome;
 *           case mls_group_info:      GroupInfo group_info;
 *           case mls_key_package:     KeyPackage key_package;
 *       };
 *   } MLSMessage;
 *
 * The version is checked first: another version may lay out everything after it
 * differently, so nothing more is read (DecodeError 'unknown-version').
 */
import { DecodeError } from '../codec/errors.ts';
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { ProtocolVersion, wireFormatCodec } from './enums.ts';
import { decodePrivateMessage, decodePublicMessage, encodePrivateMessage, encodePublicMessage, type PrivateMessage, type PublicMessage } from './framing.ts';
import { decodeGroupInfo, encodeGroupInfo, type GroupInfo } from './group-info.ts';
import { decodeKeyPackage, encodeKeyPackage, type KeyPackage } from './key-package.ts';
import { decodeWelcome, encodeWelcome, type Welcome } from './welcome.ts';

/** MLSMessageBody (RFC 9420 §6). */
export type MLSMessageBody =
  | { readonly wireFormat: 'mls_public_message'; readonly publicMessage: PublicMessage }
  | { readonly wireFormat: 'mls_private_message'; readonly privateMessage: PrivateMessage }
  | { readonly wireFormat: 'mls_welcome'; readonly welcome: Welcome }
  | { readonly wireFormat: 'mls_group_info'; readonly groupInfo: GroupInfo }
  | { readonly wireFormat: 'mls_key_package'; readonly keyPackage: KeyPackage };

/** An MLSMessage; its version is always mls10 (the only one this code reads or writes). */
export type MLSMessage = MLSMessageBody;

/**
 * Writes MLSMessage (RFC 9420 §6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeMLSMessage(writer: Writer, value: MLSMessage): void {
  writer.uint16(ProtocolVersion.mls10);
  wireFormatCodec.write(writer, value.wireFormat);
  switch (value.wireFormat) {
    case 'mls_public_message':
      return encodePublicMessage(writer, value.publicMessage);
    case 'mls_private_message':
      return encodePrivateMessage(writer, value.privateMessage);
    case 'mls_welcome':
      return encodeWelcome(writer, value.welcome);
    case 'mls_group_info':
      return encodeGroupInfo(writer, value.groupInfo);
    case 'mls_key_package':
      return encodeKeyPackage(writer, value.keyPackage);
  }
}

/**
 * @throws DecodeError 'unknown-version' for any version but mls10 (nothing after it is
 *   read); otherwise 'truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes'
 */
export function decodeMLSMessage(reader: Reader): MLSMessage {
  const version = reader.uint16('MLSMessage.version');
  if (version !== ProtocolVersion.mls10) throw new DecodeError('unknown-version', `MLSMessage.version ${version}`);
  const wireFormat = wireFormatCodec.read(reader);
  switch (wireFormat) {
    case 'mls_public_message':
      return { wireFormat, publicMessage: decodePublicMessage(reader) };
    case 'mls_private_message':
      return { wireFormat, privateMessage: decodePrivateMessage(reader) };
    case 'mls_welcome':
      return { wireFormat, welcome: decodeWelcome(reader) };
    case 'mls_group_info':
      return { wireFormat, groupInfo: decodeGroupInfo(reader) };
    case 'mls_key_package':
      return { wireFormat, keyPackage: decodeKeyPackage(reader) };
  }
}

/**
 * MLSMessage, serialized (RFC 9420 §6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function mlsMessageBytes(value: MLSMessage): Uint8Array {
  return encode(encodeMLSMessage, value);
}

/**
 * Decodes one whole MLSMessage; no byte may be left over.
 * @throws DecodeError as decodeMLSMessage, or 'trailing-bytes'
 */
export function parseMLSMessage(bytes: Uint8Array): MLSMessage {
  return decode(decodeMLSMessage, bytes, 'MLSMessage');
}
