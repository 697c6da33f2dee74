/**
 * KeyPackage and KeyPackageTBS (RFC 9420 §10).
 *
 *   struct {
 *       ProtocolVersion version;
 *       CipherSuite cipher_suite;
 *       HPKEPublicKey init_key;
 *       LeafNode leaf_node;
 *       Extension extensions<V>;
 *       opaque signature<V>;   // SignWithLabel(., "KeyPackageTBS", KeyPackageTBS)
 *   } KeyPackage;
 *
 * KeyPackageTBS is the same without the signature. The version is kept as a number: a
 * KeyPackage of another version is well-formed and rejected by validation (§10.1).
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';
import { decodeLeafNode, encodeLeafNode, type LeafNode } from './leaf-node.ts';
import { decodePublicKey, decodeSignature, type HPKEPublicKey } from './primitives.ts';

/** KeyPackageTBS (RFC 9420 §10). */
export interface KeyPackageTBS {
  readonly version: number;
  readonly cipherSuite: number;
  readonly initKey: HPKEPublicKey;
  readonly leafNode: LeafNode;
  readonly extensions: readonly Extension[];
}

/** KeyPackage (RFC 9420 §10). */
export interface KeyPackage extends KeyPackageTBS {
  readonly signature: Uint8Array;
}

/**
 * Writes KeyPackageTBS (RFC 9420 §10).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeKeyPackageTBS(writer: Writer, value: KeyPackageTBS): void {
  writer.uint16(value.version).uint16(value.cipherSuite).opaque(value.initKey);
  encodeLeafNode(writer, value.leafNode);
  encodeExtensions(writer, value.extensions);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeKeyPackageTBS(reader: Reader): KeyPackageTBS {
  const version = reader.uint16('KeyPackage.version');
  const cipherSuite = reader.uint16('KeyPackage.cipher_suite');
  const initKey = decodePublicKey(reader, 'KeyPackage.init_key');
  const leafNode = decodeLeafNode(reader);
  const extensions = decodeExtensions(reader, 'KeyPackage.extensions');
  return { version, cipherSuite, initKey, leafNode, extensions };
}

/**
 * Writes KeyPackage (RFC 9420 §10).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeKeyPackage(writer: Writer, value: KeyPackage): void {
  encodeKeyPackageTBS(writer, value);
  writer.opaque(value.signature);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeKeyPackage(reader: Reader): KeyPackage {
  const tbs = decodeKeyPackageTBS(reader);
  return { ...tbs, signature: decodeSignature(reader, 'KeyPackage.signature') };
}

/** The bytes a KeyPackage's signature covers. */
export function keyPackageTBSBytes(value: KeyPackageTBS): Uint8Array {
  return encode(encodeKeyPackageTBS, value);
}

/**
 * KeyPackage, serialized (RFC 9420 §10).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function keyPackageBytes(value: KeyPackage): Uint8Array {
  return encode(encodeKeyPackage, value);
}

/** @throws DecodeError when `bytes` is not exactly one KeyPackage */
export function parseKeyPackage(bytes: Uint8Array): KeyPackage {
  return decode(decodeKeyPackage, bytes, 'KeyPackage');
}
