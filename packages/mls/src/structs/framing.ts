/**
 * Message framing (RFC 9420 §6): the structs that carry and authenticate content.
 *
 *   struct { SenderType sender_type; select (...) { case member: uint32 leaf_index;
 *            case external: uint32 sender_index; case new_member_*: struct{}; }; } Sender;
 *   struct { opaque group_id<V>; uint64 epoch; Sender sender; opaque authenticated_data<V>;
 *            ContentType content_type; select (...) { case application: opaque application_data<V>;
 *            case proposal: Proposal proposal; case commit: Commit commit; }; } FramedContent;
 *   struct { opaque signature<V>; select (content_type) { case commit: MAC confirmation_tag;
 *            default: struct{}; }; } FramedContentAuthData;                            §6.1
 *   struct { ProtocolVersion version = mls10; WireFormat wire_format; FramedContent content;
 *            select (sender_type) { case member, new_member_commit: GroupContext context;
 *            default: struct{}; }; } FramedContentTBS;                                 §6.1
 *   struct { WireFormat wire_format; FramedContent content;
 *            FramedContentAuthData auth; } AuthenticatedContent;                       §6
 *   struct { FramedContentTBS content_tbs; FramedContentAuthData auth; } AuthenticatedContentTBM;
 *   struct { FramedContent content; FramedContentAuthData auth; select (sender_type) {
 *            case member: MAC membership_tag; default: struct{}; }; } PublicMessage;   §6.2
 *   struct { WireFormat wire_format; FramedContent content; opaque signature<V>;
 *          } ConfirmedTranscriptHashInput;                                             §8.2
 *   struct { MAC confirmation_tag; } InterimTranscriptHashInput;                       §8.2
 *
 * and PrivateMessage with the structs of its encryption (§6.3), further below.
 */
import { DecodeError } from '../codec/errors.ts';
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { decodeCommit, encodeCommit, type Commit } from './commit.ts';
import { type ContentType, contentTypeCodec, senderTypeCodec, wireFormatCodec } from './enums.ts';
import { decodeGroupContext, encodeGroupContext, type GroupContext } from './group-context.ts';
import { MAX_GROUP_ID_BYTES, MAX_SENDER_DATA_CIPHERTEXT_BYTES } from './limits.ts';
import { decodeHashSized, decodeSignature, type MAC } from './primitives.ts';
import { decodeProposal, encodeProposal, type Proposal } from './proposals.ts';

// ---------------------------------------------------------------------------------------
// Sender

/** Sender (RFC 9420 §6). */
export type Sender =
  | { readonly type: 'member'; readonly leafIndex: number }
  | { readonly type: 'external'; readonly senderIndex: number }
  | { readonly type: 'new_member_proposal' }
  | { readonly type: 'new_member_commit' };

/**
 * Writes Sender (RFC 9420 §6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeSender(writer: Writer, value: Sender): void {
  senderTypeCodec.write(writer, value.type);
  if (value.type === 'member') writer.uint32(value.leafIndex);
  else if (value.type === 'external') writer.uint32(value.senderIndex);
}

/** @throws DecodeError('truncated' | 'invalid-value') */
export function decodeSender(reader: Reader): Sender {
  const type = senderTypeCodec.read(reader);
  if (type === 'member') return { type, leafIndex: reader.uint32('Sender.leaf_index') };
  if (type === 'external') return { type, senderIndex: reader.uint32('Sender.sender_index') };
  return { type };
}

// ---------------------------------------------------------------------------------------
// FramedContent

/** The content_type select of FramedContent and PrivateMessageContent. */
export type FramedContentBody =
  | { readonly type: 'application'; readonly applicationData: Uint8Array }
  | { readonly type: 'proposal'; readonly proposal: Proposal }
  | { readonly type: 'commit'; readonly commit: Commit };

/** Writes the selected body only (no content_type byte). */
export function encodeFramedContentBody(writer: Writer, value: FramedContentBody): void {
  if (value.type === 'application') writer.opaque(value.applicationData);
  else if (value.type === 'proposal') encodeProposal(writer, value.proposal);
  else encodeCommit(writer, value.commit);
}

/** Reads the body selected by `type`. @throws DecodeError */
export function decodeFramedContentBody(reader: Reader, type: ContentType): FramedContentBody {
  if (type === 'application') return { type, applicationData: reader.opaque('application_data') };
  if (type === 'proposal') return { type, proposal: decodeProposal(reader) };
  return { type, commit: decodeCommit(reader) };
}

/** FramedContent (RFC 9420 §6). */
export interface FramedContent {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly sender: Sender;
  readonly authenticatedData: Uint8Array;
  readonly content: FramedContentBody;
}

/**
 * Writes FramedContent (RFC 9420 §6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeFramedContent(writer: Writer, value: FramedContent): void {
  writer.opaque(value.groupId).uint64(value.epoch);
  encodeSender(writer, value.sender);
  writer.opaque(value.authenticatedData);
  contentTypeCodec.write(writer, value.content.type);
  encodeFramedContentBody(writer, value.content);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeFramedContent(reader: Reader): FramedContent {
  const groupId = reader.opaque('FramedContent.group_id', MAX_GROUP_ID_BYTES);
  const epoch = reader.uint64('FramedContent.epoch');
  const sender = decodeSender(reader);
  const authenticatedData = reader.opaque('FramedContent.authenticated_data');
  const content = decodeFramedContentBody(reader, contentTypeCodec.read(reader));
  return { groupId, epoch, sender, authenticatedData, content };
}

// ---------------------------------------------------------------------------------------
// FramedContentAuthData

/** FramedContentAuthData (RFC 9420 §6.1). */
export interface FramedContentAuthData {
  readonly signature: Uint8Array;
  /** Present exactly when the content is a commit. */
  readonly confirmationTag?: MAC | undefined;
}

/**
 * @throws RangeError when confirmationTag is missing for a commit or present otherwise
 */
export function encodeFramedContentAuthData(writer: Writer, value: FramedContentAuthData, contentType: ContentType): void {
  if ((contentType === 'commit') !== (value.confirmationTag !== undefined)) {
    throw new RangeError(`FramedContentAuthData: confirmation_tag ${contentType === 'commit' ? 'missing for' : 'present on'} ${contentType}`);
  }
  writer.opaque(value.signature);
  if (value.confirmationTag !== undefined) writer.opaque(value.confirmationTag);
}

/** @throws DecodeError('truncated' | 'too-large') */
export function decodeFramedContentAuthData(reader: Reader, contentType: ContentType): FramedContentAuthData {
  const signature = decodeSignature(reader, 'FramedContentAuthData.signature');
  if (contentType !== 'commit') return { signature };
  return { signature, confirmationTag: decodeHashSized(reader, 'FramedContentAuthData.confirmation_tag') };
}

// ---------------------------------------------------------------------------------------
// FramedContentTBS, AuthenticatedContent, AuthenticatedContentTBM

/** The wire formats that carry FramedContent. */
export type FramingWireFormat = 'mls_public_message' | 'mls_private_message';

function decodeFramingWireFormat(reader: Reader, what: string): FramingWireFormat {
  const wireFormat = wireFormatCodec.read(reader);
  if (wireFormat !== 'mls_public_message' && wireFormat !== 'mls_private_message') {
    throw new DecodeError('invalid-value', `${what}: wire format ${wireFormat} carries no FramedContent`);
  }
  return wireFormat;
}

/** FramedContentTBS (RFC 9420 §6.1). */
export interface FramedContentTBS {
  /** ProtocolVersion, mls10 (1). */
  readonly version: number;
  readonly wireFormat: FramingWireFormat;
  readonly content: FramedContent;
  /** Present exactly when the sender is a member or a new_member_commit. */
  readonly context?: GroupContext | undefined;
}

function senderSignsContext(sender: Sender): boolean {
  return sender.type === 'member' || sender.type === 'new_member_commit';
}

/**
 * The input to SignWithLabel(., "FramedContentTBS", .) (§6.1).
 * @throws RangeError when context presence does not match the sender type
 */
export function encodeFramedContentTBS(writer: Writer, value: FramedContentTBS): void {
  if (senderSignsContext(value.content.sender) !== (value.context !== undefined)) {
    throw new RangeError(`FramedContentTBS: GroupContext must be given exactly for member and new_member_commit senders`);
  }
  writer.uint16(value.version);
  wireFormatCodec.write(writer, value.wireFormat);
  encodeFramedContent(writer, value.content);
  if (value.context !== undefined) encodeGroupContext(writer, value.context);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeFramedContentTBS(reader: Reader): FramedContentTBS {
  const version = reader.uint16('FramedContentTBS.version');
  const wireFormat = decodeFramingWireFormat(reader, 'FramedContentTBS');
  const content = decodeFramedContent(reader);
  if (!senderSignsContext(content.sender)) return { version, wireFormat, content };
  return { version, wireFormat, content, context: decodeGroupContext(reader) };
}

/**
 * FramedContentTBS, serialized (RFC 9420 §6.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function framedContentTBSBytes(value: FramedContentTBS): Uint8Array {
  return encode(encodeFramedContentTBS, value);
}

/** AuthenticatedContent (RFC 9420 §6). */
export interface AuthenticatedContent {
  readonly wireFormat: FramingWireFormat;
  readonly content: FramedContent;
  readonly auth: FramedContentAuthData;
}

/**
 * Writes AuthenticatedContent (RFC 9420 §6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeAuthenticatedContent(writer: Writer, value: AuthenticatedContent): void {
  wireFormatCodec.write(writer, value.wireFormat);
  encodeFramedContent(writer, value.content);
  encodeFramedContentAuthData(writer, value.auth, value.content.content.type);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeAuthenticatedContent(reader: Reader): AuthenticatedContent {
  const wireFormat = decodeFramingWireFormat(reader, 'AuthenticatedContent');
  const content = decodeFramedContent(reader);
  const auth = decodeFramedContentAuthData(reader, content.content.type);
  return { wireFormat, content, auth };
}

/** AuthenticatedContent is what ProposalRef hashes (§5.2). */
export function authenticatedContentBytes(value: AuthenticatedContent): Uint8Array {
  return encode(encodeAuthenticatedContent, value);
}

/** @throws DecodeError when `bytes` is not exactly one AuthenticatedContent */
export function parseAuthenticatedContent(bytes: Uint8Array): AuthenticatedContent {
  return decode(decodeAuthenticatedContent, bytes, 'AuthenticatedContent');
}

/** AuthenticatedContentTBM (RFC 9420 §6.2). */
export interface AuthenticatedContentTBM {
  readonly contentTbs: FramedContentTBS;
  readonly auth: FramedContentAuthData;
}

/**
 * Writes AuthenticatedContentTBM (RFC 9420 §6.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeAuthenticatedContentTBM(writer: Writer, value: AuthenticatedContentTBM): void {
  encodeFramedContentTBS(writer, value.contentTbs);
  encodeFramedContentAuthData(writer, value.auth, value.contentTbs.content.content.type);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeAuthenticatedContentTBM(reader: Reader): AuthenticatedContentTBM {
  const contentTbs = decodeFramedContentTBS(reader);
  const auth = decodeFramedContentAuthData(reader, contentTbs.content.content.type);
  return { contentTbs, auth };
}

/** The input to MAC(membership_key, .) (§6.2). */
export function authenticatedContentTBMBytes(value: AuthenticatedContentTBM): Uint8Array {
  return encode(encodeAuthenticatedContentTBM, value);
}

// ---------------------------------------------------------------------------------------
// PublicMessage

/** PublicMessage (RFC 9420 §6.2). */
export interface PublicMessage {
  readonly content: FramedContent;
  readonly auth: FramedContentAuthData;
  /** Present exactly when the sender is a member. */
  readonly membershipTag?: MAC | undefined;
}

/** @throws RangeError when membershipTag presence does not match the sender type */
export function encodePublicMessage(writer: Writer, value: PublicMessage): void {
  if ((value.content.sender.type === 'member') !== (value.membershipTag !== undefined)) {
    throw new RangeError('PublicMessage: membership_tag must be given exactly for member senders');
  }
  encodeFramedContent(writer, value.content);
  encodeFramedContentAuthData(writer, value.auth, value.content.content.type);
  if (value.membershipTag !== undefined) writer.opaque(value.membershipTag);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodePublicMessage(reader: Reader): PublicMessage {
  const content = decodeFramedContent(reader);
  const auth = decodeFramedContentAuthData(reader, content.content.type);
  if (content.sender.type !== 'member') return { content, auth };
  return { content, auth, membershipTag: decodeHashSized(reader, 'PublicMessage.membership_tag') };
}

// ---------------------------------------------------------------------------------------
// Transcript hash inputs (§8.2)

/** ConfirmedTranscriptHashInput (RFC 9420 §8.2). */
export interface ConfirmedTranscriptHashInput {
  readonly wireFormat: FramingWireFormat;
  /** Its content is a commit. */
  readonly content: FramedContent;
  readonly signature: Uint8Array;
}

/** @throws RangeError when the content is not a commit */
export function encodeConfirmedTranscriptHashInput(writer: Writer, value: ConfirmedTranscriptHashInput): void {
  if (value.content.content.type !== 'commit') throw new RangeError('ConfirmedTranscriptHashInput: content must be a commit');
  wireFormatCodec.write(writer, value.wireFormat);
  encodeFramedContent(writer, value.content);
  writer.opaque(value.signature);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeConfirmedTranscriptHashInput(reader: Reader): ConfirmedTranscriptHashInput {
  const wireFormat = decodeFramingWireFormat(reader, 'ConfirmedTranscriptHashInput');
  const content = decodeFramedContent(reader);
  if (content.content.type !== 'commit') throw new DecodeError('invalid-value', 'ConfirmedTranscriptHashInput: content is not a commit');
  const signature = decodeSignature(reader, 'ConfirmedTranscriptHashInput.signature');
  return { wireFormat, content, signature };
}

/**
 * ConfirmedTranscriptHashInput, serialized (RFC 9420 §8.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function confirmedTranscriptHashInputBytes(value: ConfirmedTranscriptHashInput): Uint8Array {
  return encode(encodeConfirmedTranscriptHashInput, value);
}

/** InterimTranscriptHashInput (RFC 9420 §8.2). */
export interface InterimTranscriptHashInput {
  readonly confirmationTag: MAC;
}

/**
 * Writes InterimTranscriptHashInput (RFC 9420 §8.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeInterimTranscriptHashInput(writer: Writer, value: InterimTranscriptHashInput): void {
  writer.opaque(value.confirmationTag);
}

/** @throws DecodeError('truncated' | 'too-large') */
export function decodeInterimTranscriptHashInput(reader: Reader): InterimTranscriptHashInput {
  return { confirmationTag: decodeHashSized(reader, 'InterimTranscriptHashInput.confirmation_tag') };
}

/**
 * InterimTranscriptHashInput, serialized (RFC 9420 §8.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function interimTranscriptHashInputBytes(value: InterimTranscriptHashInput): Uint8Array {
  return encode(encodeInterimTranscriptHashInput, value);
}

// ---------------------------------------------------------------------------------------
// PrivateMessage (§6.3)
//
//   struct { opaque group_id<V>; uint64 epoch; ContentType content_type;
//            opaque authenticated_data<V>; opaque encrypted_sender_data<V>;
//            opaque ciphertext<V>; } PrivateMessage;
//   struct { select (PrivateMessage.content_type) { ...as FramedContent... };
//            FramedContentAuthData auth; opaque padding[length_of_padding]; } PrivateMessageContent;
//   struct { opaque group_id<V>; uint64 epoch; ContentType content_type;
//            opaque authenticated_data<V>; } PrivateContentAAD;
//   struct { uint32 leaf_index; uint32 generation; opaque reuse_guard[4]; } SenderData;
//   struct { opaque group_id<V>; uint64 epoch; ContentType content_type; } SenderDataAAD;

/** PrivateMessage (RFC 9420 §6.3). */
export interface PrivateMessage {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
  readonly authenticatedData: Uint8Array;
  readonly encryptedSenderData: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/**
 * Writes PrivateMessage (RFC 9420 §6.3).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodePrivateMessage(writer: Writer, value: PrivateMessage): void {
  encodePrivateContentAAD(writer, value);
  writer.opaque(value.encryptedSenderData).opaque(value.ciphertext);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value') */
export function decodePrivateMessage(reader: Reader): PrivateMessage {
  const { groupId, epoch, contentType, authenticatedData } = decodePrivateContentAAD(reader);
  const encryptedSenderData = reader.opaque('PrivateMessage.encrypted_sender_data', MAX_SENDER_DATA_CIPHERTEXT_BYTES);
  const ciphertext = reader.opaque('PrivateMessage.ciphertext');
  return { groupId, epoch, contentType, authenticatedData, encryptedSenderData, ciphertext };
}

/** PrivateMessageContent (RFC 9420 §6.3.1). */
export interface PrivateMessageContent {
  /** Its `type` must equal PrivateMessage.content_type. */
  readonly content: FramedContentBody;
  readonly auth: FramedContentAuthData;
  /** Number of zero bytes of padding (§6.3.1). */
  readonly paddingLength: number;
}

/** @throws RangeError on a negative or fractional paddingLength, or auth not matching the content type */
export function encodePrivateMessageContent(writer: Writer, value: PrivateMessageContent): void {
  encodeFramedContentBody(writer, value.content);
  encodeFramedContentAuthData(writer, value.auth, value.content.type);
  writer.zeros(value.paddingLength);
}

/**
 * Reads a decrypted PrivateMessageContent: the content selected by `contentType` (from the
 * PrivateMessage), the auth data, then every remaining byte is padding and must be zero
 * (§6.3.1). Consumes the whole reader.
 * @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes'); 'invalid-value' for non-zero padding
 */
export function decodePrivateMessageContent(reader: Reader, contentType: ContentType): PrivateMessageContent {
  const content = decodeFramedContentBody(reader, contentType);
  const auth = decodeFramedContentAuthData(reader, contentType);
  const paddingLength = reader.zeroPadding('PrivateMessageContent.padding');
  return { content, auth, paddingLength };
}

/** @throws DecodeError as decodePrivateMessageContent */
export function parsePrivateMessageContent(bytes: Uint8Array, contentType: ContentType): PrivateMessageContent {
  return decode((r) => decodePrivateMessageContent(r, contentType), bytes, 'PrivateMessageContent');
}

/**
 * PrivateMessageContent, serialized (RFC 9420 §6.3.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function privateMessageContentBytes(value: PrivateMessageContent): Uint8Array {
  return encode(encodePrivateMessageContent, value);
}

/** PrivateContentAAD (RFC 9420 §6.3.1). */
export interface PrivateContentAAD {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
  readonly authenticatedData: Uint8Array;
}

/**
 * Writes PrivateContentAAD (RFC 9420 §6.3.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodePrivateContentAAD(writer: Writer, value: PrivateContentAAD): void {
  writer.opaque(value.groupId).uint64(value.epoch);
  contentTypeCodec.write(writer, value.contentType);
  writer.opaque(value.authenticatedData);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value') */
export function decodePrivateContentAAD(reader: Reader): PrivateContentAAD {
  const groupId = reader.opaque('PrivateMessage.group_id', MAX_GROUP_ID_BYTES);
  const epoch = reader.uint64('PrivateMessage.epoch');
  const contentType = contentTypeCodec.read(reader);
  const authenticatedData = reader.opaque('PrivateMessage.authenticated_data');
  return { groupId, epoch, contentType, authenticatedData };
}

/**
 * PrivateContentAAD, serialized (RFC 9420 §6.3.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function privateContentAADBytes(value: PrivateContentAAD): Uint8Array {
  return encode(encodePrivateContentAAD, value);
}

/** SenderData (RFC 9420 §6.3.2). */
export interface SenderData {
  readonly leafIndex: number;
  readonly generation: number;
  /** Exactly 4 bytes. */
  readonly reuseGuard: Uint8Array;
}

/** Length of SenderData.reuse_guard (§6.3.2). */
export const REUSE_GUARD_BYTES = 4;

/** @throws RangeError when reuseGuard is not 4 bytes */
export function encodeSenderData(writer: Writer, value: SenderData): void {
  if (value.reuseGuard.length !== REUSE_GUARD_BYTES) throw new RangeError('SenderData.reuse_guard must be 4 bytes');
  writer.uint32(value.leafIndex).uint32(value.generation).bytes(value.reuseGuard);
}

/** @throws DecodeError('truncated') */
export function decodeSenderData(reader: Reader): SenderData {
  const leafIndex = reader.uint32('SenderData.leaf_index');
  const generation = reader.uint32('SenderData.generation');
  const reuseGuard = reader.bytes(REUSE_GUARD_BYTES, 'SenderData.reuse_guard');
  return { leafIndex, generation, reuseGuard };
}

/** @throws DecodeError when `bytes` is not exactly one SenderData */
export function parseSenderData(bytes: Uint8Array): SenderData {
  return decode(decodeSenderData, bytes, 'SenderData');
}

/**
 * SenderData, serialized (RFC 9420 §6.3.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function senderDataBytes(value: SenderData): Uint8Array {
  return encode(encodeSenderData, value);
}

/** SenderDataAAD (RFC 9420 §6.3.2). */
export interface SenderDataAAD {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
}

/**
 * Writes SenderDataAAD (RFC 9420 §6.3.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeSenderDataAAD(writer: Writer, value: SenderDataAAD): void {
  writer.opaque(value.groupId).uint64(value.epoch);
  contentTypeCodec.write(writer, value.contentType);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value') */
export function decodeSenderDataAAD(reader: Reader): SenderDataAAD {
  const groupId = reader.opaque('SenderDataAAD.group_id', MAX_GROUP_ID_BYTES);
  const epoch = reader.uint64('SenderDataAAD.epoch');
  const contentType = contentTypeCodec.read(reader);
  return { groupId, epoch, contentType };
}

/**
 * SenderDataAAD, serialized (RFC 9420 §6.3.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function senderDataAADBytes(value: SenderDataAAD): Uint8Array {
  return encode(encodeSenderDataAAD, value);
}
