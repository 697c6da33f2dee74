/**
 * Search proofs of the prefix tree for one search key, and their verification
 * (draft-ietf-keytrans-protocol, "Tree Proofs" / "Prefix Tree": PrefixSearchResult with
 * one result). The verifier hashes the terminal leaf with the copath values, in the
 * left/right arrangement the searched key's bits dictate, and compares with the root.
 */
import { PrefixError } from './prefix-error.ts';
import { HASH_LEN, KEY_BITS, MISSING_CHILD, VRF_OUTPUT_LEN, keyBit, prefixLeafValue, prefixParentValue } from './prefix-hash.ts';

/** Where a search ended (PrefixSearchResultType). */
export type PrefixSearchProof =
  | { readonly resultType: 'inclusion'; readonly depth: number; readonly elements: readonly Uint8Array[]; readonly commitment: Uint8Array }
  | {
      readonly resultType: 'nonInclusionLeaf';
      readonly depth: number;
      readonly elements: readonly Uint8Array[];
      readonly leaf: { readonly vrfOutput: Uint8Array; readonly commitment: Uint8Array };
    }
  | { readonly resultType: 'nonInclusionParent'; readonly depth: number; readonly elements: readonly Uint8Array[] };

/** What a verified search proves. */
export type PrefixSearchResult = { readonly included: true; readonly commitment: Uint8Array } | { readonly included: false };

function checkLen(bytes: Uint8Array, len: number, code: 'invalid-hash-length' | 'invalid-key-length', what: string): void {
  if (bytes.length !== len) throw new PrefixError(code, `${what} must be ${len} octets, got ${bytes.length}`);
}

/**
 * Verifies a search proof for `key` against a trusted prefix-tree root.
 * In the proof, `inclusion` carries the searched key's commitment (the key is the one
 * searched for, so it is not repeated), and `commitment` is 32 octets.
 * @throws {PrefixError} `invalid-key-length`, `invalid-hash-length`, `invalid-depth`
 *   (outside 1..256, checked before hashing), `wrong-element-count`, `leaf-not-on-path`,
 *   `leaf-is-searched-key` or `root-mismatch`.
 */
export function verifyPrefixSearch(root: Uint8Array, key: Uint8Array, proof: PrefixSearchProof): PrefixSearchResult {
  checkLen(root, HASH_LEN, 'invalid-hash-length', 'root');
  checkLen(key, VRF_OUTPUT_LEN, 'invalid-key-length', 'search key');
  const { depth, elements } = proof;
  if (!Number.isInteger(depth) || depth < 1 || depth > KEY_BITS) throw new PrefixError('invalid-depth', `depth ${depth} outside 1..${KEY_BITS}`);
  if (elements.length !== depth) throw new PrefixError('wrong-element-count', `${elements.length} elements for depth ${depth}`);
  for (const e of elements) checkLen(e, HASH_LEN, 'invalid-hash-length', 'proof element');

  // The terminal node's value.
  let value: Uint8Array;
  if (proof.resultType === 'inclusion') {
    checkLen(proof.commitment, HASH_LEN, 'invalid-hash-length', 'commitment');
    value = prefixLeafValue(key, proof.commitment);
  } else if (proof.resultType === 'nonInclusionLeaf') {
    const other = proof.leaf;
    checkLen(other.vrfOutput, VRF_OUTPUT_LEN, 'invalid-key-length', 'leaf vrf_output');
    checkLen(other.commitment, HASH_LEN, 'invalid-hash-length', 'leaf commitment');
    // The leaf must sit on the searched key's path: share its first `depth` bits...
    for (let i = 0; i < depth; i++) {
      if (keyBit(other.vrfOutput, i) !== keyBit(key, i)) throw new PrefixError('leaf-not-on-path', `leaf leaves the search path at bit ${i}`);
    }
    // ...and be another key (otherwise this would be an inclusion).
    let same = true;
    for (let i = 0; i < VRF_OUTPUT_LEN; i++) if (other.vrfOutput[i] !== key[i]) same = false;
    if (same) throw new PrefixError('leaf-is-searched-key', 'nonInclusionLeaf names the searched key');
    value = prefixLeafValue(other.vrfOutput, other.commitment);
  } else {
    value = MISSING_CHILD;
  }

  // Split the left-to-right element list back into per-depth siblings (see
  // orderLeftToRight in prefix-tree.ts): right-going steps take from the front, in order
  // of depth; left-going steps take from the back, shallowest last.
  let front = 0;
  let back = elements.length - 1;
  const siblings: Uint8Array[] = new Array<Uint8Array>(depth);
  for (let d = 0; d < depth; d++) {
    siblings[d] = (keyBit(key, d) === 1 ? elements[front++] : elements[back--]) as Uint8Array;
  }
  // Hash up from the terminal node at `depth` to the root.
  for (let d = depth - 1; d >= 0; d--) {
    const sibling = siblings[d] as Uint8Array;
    value = keyBit(key, d) === 0 ? prefixParentValue(value, sibling) : prefixParentValue(sibling, value);
  }
  let diff = 0;
  for (let i = 0; i < HASH_LEN; i++) diff |= (value[i] ?? 0) ^ (root[i] ?? 0);
  if (diff !== 0) throw new PrefixError('root-mismatch', `recomputed prefix-tree root differs (depth ${depth})`);
  return proof.resultType === 'inclusion' ? { included: true, commitment: proof.commitment.slice() } : { included: false };
}
