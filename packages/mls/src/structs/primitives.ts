/**
 * The opaque type aliases of RFC 9420 and their bounded decoders:
 *
 *   opaque HPKEPublicKey<V>;        §5.1.1
 *   opaque SignaturePublicKey<V>;   §5.1.1
 *   opaque HashReference<V>;        §5.2 (KeyPackageRef, ProposalRef)
 *   opaque MAC<V>;                  §6.1
 *
 * On the wire they are plain `opaque<V>`; only the bound differs (structs/limits.ts).
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { MAX_HASH_BYTES, MAX_PUBLIC_KEY_BYTES, MAX_SIGNATURE_BYTES } from './limits.ts';

/** An HPKE public key (§5.1.1), bounded by MAX_PUBLIC_KEY_BYTES. */
export type HPKEPublicKey = Uint8Array;
/** A signature public key (§5.1.1), bounded by MAX_PUBLIC_KEY_BYTES. */
export type SignaturePublicKey = Uint8Array;
/** RefHash output (§5.2), bounded by MAX_HASH_BYTES. */
export type HashReference = Uint8Array;
/** Reference to a KeyPackage (§5.2). */
export type KeyPackageRef = HashReference;
/** Reference to a proposal (§5.2). */
export type ProposalRef = HashReference;
/** A MAC output (§6.1), bounded by MAX_HASH_BYTES. */
export type MAC = Uint8Array;

/** Writes any `opaque<V>` field. */
export function encodeOpaque(writer: Writer, value: Uint8Array): void {
  writer.opaque(value);
}

/**
 * An HPKE or signature public key.
 * @throws DecodeError('truncated' | 'too-large') over MAX_PUBLIC_KEY_BYTES
 */
export function decodePublicKey(reader: Reader, what: string): Uint8Array {
  return reader.opaque(what, MAX_PUBLIC_KEY_BYTES);
}

/**
 * A signature.
 * @throws DecodeError('truncated' | 'too-large') over MAX_SIGNATURE_BYTES
 */
export function decodeSignature(reader: Reader, what: string): Uint8Array {
  return reader.opaque(what, MAX_SIGNATURE_BYTES);
}

/**
 * A hash-sized value: MAC, HashReference, tree/transcript/parent hash, PSK nonce, secret.
 * @throws DecodeError('truncated' | 'too-large') over MAX_HASH_BYTES
 */
export function decodeHashSized(reader: Reader, what: string): Uint8Array {
  return reader.opaque(what, MAX_HASH_BYTES);
}
