/**
 * LeafNode and LeafNodeTBS (RFC 9420 §7.2).
 *
 *   struct {
 *       HPKEPublicKey encryption_key;
 *       SignaturePublicKey signature_key;
 *       Credential credential;
 *       Capabilities capabilities;
 *       LeafNodeSource leaf_node_source;
 *       select (LeafNode.leaf_node_source) {
 *           case key_package: Lifetime lifetime;
 *           case update:      struct{};
 *           case commit:      opaque parent_hash<V>;
 *       };
 *       Extension extensions<V>;
 *       opaque signature<V>;   // SignWithLabel(., "LeafNodeTBS", LeafNodeTBS)
 *   } LeafNode;
 *
 * LeafNodeTBS is the same without the signature, followed, for the update and commit
 * sources, by the group_id and leaf_index the leaf is signed for.
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { type Capabilities, decodeCapabilities, encodeCapabilities } from './capabilities.ts';
import { type Credential, decodeCredential, encodeCredential } from './credential.ts';
import { leafNodeSourceCodec } from './enums.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';
import { decodeLifetime, encodeLifetime, type Lifetime } from './lifetime.ts';
import { MAX_GROUP_ID_BYTES } from './limits.ts';
import { decodeHashSized, decodePublicKey, decodeSignature, type HPKEPublicKey, type SignaturePublicKey } from './primitives.ts';

/** The leaf_node_source select of a LeafNode. */
export type LeafNodeSourceData =
  | { readonly type: 'key_package'; readonly lifetime: Lifetime }
  | { readonly type: 'update' }
  | { readonly type: 'commit'; readonly parentHash: Uint8Array };

/** The signed part of a LeafNode. */
export interface LeafNodeContent {
  readonly encryptionKey: HPKEPublicKey;
  readonly signatureKey: SignaturePublicKey;
  readonly credential: Credential;
  readonly capabilities: Capabilities;
  readonly source: LeafNodeSourceData;
  readonly extensions: readonly Extension[];
}

/** LeafNode (RFC 9420 §7.2). */
export interface LeafNode extends LeafNodeContent {
  readonly signature: Uint8Array;
}

/** Where an update or commit leaf sits: the context LeafNodeTBS binds it to. */
export interface LeafNodeContext {
  readonly groupId: Uint8Array;
  readonly leafIndex: number;
}

/** LeafNodeTBS: the content plus, for update/commit sources only, its context. */
export interface LeafNodeTBS {
  readonly content: LeafNodeContent;
  readonly context?: LeafNodeContext | undefined;
}

function encodeLeafNodeContent(writer: Writer, value: LeafNodeContent): void {
  writer.opaque(value.encryptionKey).opaque(value.signatureKey);
  encodeCredential(writer, value.credential);
  encodeCapabilities(writer, value.capabilities);
  leafNodeSourceCodec.write(writer, value.source.type);
  if (value.source.type === 'key_package') encodeLifetime(writer, value.source.lifetime);
  else if (value.source.type === 'commit') writer.opaque(value.source.parentHash);
  encodeExtensions(writer, value.extensions);
}

function decodeLeafNodeContent(reader: Reader): LeafNodeContent {
  const encryptionKey = decodePublicKey(reader, 'LeafNode.encryption_key');
  const signatureKey = decodePublicKey(reader, 'LeafNode.signature_key');
  const credential = decodeCredential(reader);
  const capabilities = decodeCapabilities(reader);
  const sourceType = leafNodeSourceCodec.read(reader);
  let source: LeafNodeSourceData;
  if (sourceType === 'key_package') source = { type: sourceType, lifetime: decodeLifetime(reader) };
  else if (sourceType === 'commit') source = { type: sourceType, parentHash: decodeHashSized(reader, 'LeafNode.parent_hash') };
  else source = { type: sourceType };
  const extensions = decodeExtensions(reader, 'LeafNode.extensions');
  return { encryptionKey, signatureKey, credential, capabilities, source, extensions };
}

/** @throws RangeError on a field outside its wire range */
export function encodeLeafNode(writer: Writer, value: LeafNode): void {
  encodeLeafNodeContent(writer, value);
  writer.opaque(value.signature);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeLeafNode(reader: Reader): LeafNode {
  const content = decodeLeafNodeContent(reader);
  return { ...content, signature: decodeSignature(reader, 'LeafNode.signature') };
}

/** @throws DecodeError when `bytes` is not exactly one LeafNode */
export function parseLeafNode(bytes: Uint8Array): LeafNode {
  return decode(decodeLeafNode, bytes, 'LeafNode');
}

/**
 * Writes LeafNodeTBS (§7.2).
 * @throws RangeError when the context is missing for an update/commit leaf or present for a
 *   key_package leaf: the RFC's select admits no other combination
 */
export function encodeLeafNodeTBS(writer: Writer, value: LeafNodeTBS): void {
  const needsContext = value.content.source.type !== 'key_package';
  if (needsContext !== (value.context !== undefined)) {
    throw new RangeError(`LeafNodeTBS: a ${value.content.source.type} leaf ${needsContext ? 'needs' : 'takes no'} group_id/leaf_index`);
  }
  encodeLeafNodeContent(writer, value.content);
  if (value.context !== undefined) writer.opaque(value.context.groupId).uint32(value.context.leafIndex);
}

/** The bytes a leaf's signature covers (input to SignWithLabel(., "LeafNodeTBS", .)). */
export function leafNodeTBSBytes(content: LeafNodeContent, context?: LeafNodeContext): Uint8Array {
  return encode(encodeLeafNodeTBS, { content, context });
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeLeafNodeTBS(reader: Reader): LeafNodeTBS {
  const content = decodeLeafNodeContent(reader);
  if (content.source.type === 'key_package') return { content };
  const groupId = reader.opaque('LeafNodeTBS.group_id', MAX_GROUP_ID_BYTES);
  const leafIndex = reader.uint32('LeafNodeTBS.leaf_index');
  return { content, context: { groupId, leafIndex } };
}

/** Strips the signature: the content a LeafNodeTBS is built from. */
export function leafNodeContent(value: LeafNode): LeafNodeContent {
  const { encryptionKey, signatureKey, credential, capabilities, source, extensions } = value;
  return { encryptionKey, signatureKey, credential, capabilities, source, extensions };
}
