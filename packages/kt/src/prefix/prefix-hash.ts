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

const LEAF_TAG = Uint8Array.of(0x02);
const PARENT_TAG = Uint8Array.of(0x03);

// Both values are SHA-256 over tag || a || b, fed to one hasher in three parts: the same
// digest as over the concatenation, without building the 65-octet input (about a quarter
// less CPU per node, which is most of rebuilding the tree at start-up).

export function prefixLeafValue(vrfOutput: Uint8Array, commitment: Uint8Array): Uint8Array {
  return sha256.create().update(LEAF_TAG).update(vrfOutput).update(commitment).digest();
}

export function prefixParentValue(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(PARENT_TAG).update(left).update(right).digest();
}

/** Bit `i` of a key, most significant bit of octet 0 first (the search order). */
export function keyBit(key: Uint8Array, i: number): 0 | 1 {
  return (((key[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) as 0 | 1;
}
