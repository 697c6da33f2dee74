/**
 * Node values of the prefix tree (draft-ietf-keytrans-protocol, "Prefix Tree" under
 * "Cryptographic Computations"), SHA-256:
 *
 *   leaf.value   = Hash(0x02 || vrf_output || commitment)
 *   parent.value = Hash(0x03 || left.value || right.value)   a missing child is 32 zero octets
 *
 * The prefixes 0x02/0x03 keep prefix-tree values apart from log-tree values (0x00/0x01).
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** Octets of a node value (Hash.Nh). */
export const HASH_LEN = 32;
/** VRF.Nh: a search key is the 32-octet (truncated) VRF output. */
export const VRF_OUTPUT_LEN = 32;
/** Bits of a search key, so the deepest a leaf can be. */
export const KEY_BITS = VRF_OUTPUT_LEN * 8;
/** The stand-in value of a missing child. */
export const MISSING_CHILD = new Uint8Array(HASH_LEN);

export function prefixLeafValue(vrfOutput: Uint8Array, commitment: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + vrfOutput.length + commitment.length);
  buf[0] = 0x02;
  buf.set(vrfOutput, 1);
  buf.set(commitment, 1 + vrfOutput.length);
  return sha256(buf);
}

export function prefixParentValue(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 0x03;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/** Bit `i` of a key, most significant bit of octet 0 first (the search order). */
export function keyBit(key: Uint8Array, i: number): 0 | 1 {
  return (((key[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) as 0 | 1;
}
