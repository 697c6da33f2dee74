/**
 * RFC 9162 §2.1.1 Merkle Tree hashing with SHA-256 (the hash of the keytrans cipher suite
 * KT_128_SHA256_Ed25519): leaves are hashed with a 0x00 prefix and interior nodes with a
 * 0x01 prefix, so a leaf can never be passed off as a node (second-preimage resistance).
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** Octets of a SHA-256 hash: every leaf hash, node hash and root. */
export const HASH_LEN = 32;

/** RFC 9162 §2.1.1: MTH({}) = HASH(), the root of the empty tree. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** RFC 9162 §2.1.1: the leaf hash HASH(0x00 || d(0)) of one entry. */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + entry.length);
  buf[0] = 0x00;
  buf.set(entry, 1);
  return sha256(buf);
}

/** RFC 9162 §2.1.1: the interior node hash HASH(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/** Byte equality of two hashes; hashes in proofs are public, so timing reveals nothing. */
export function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
