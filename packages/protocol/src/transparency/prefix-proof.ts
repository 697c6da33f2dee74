/**
 * The prefix tree's batched search proof (draft-ietf-keytrans-protocol, "Tree Proofs" /
 * "Prefix Tree"):
 *
 *   PrefixSearchResult: result_type(u8: inclusion=1, nonInclusionLeaf=2, nonInclusionParent=3)
 *                       | [nonInclusionLeaf: vrf_output[32] | commitment[32]] | depth(u8)
 *   PrefixProof:        PrefixSearchResult results<0..2^16-1> | HashValue elements<0..2^16-1>
 *
 * One result per searched key, in the order the keys were requested; `elements` are the
 * fewest node values that hash with the results' terminal nodes to the root, left to right
 * (a missing node is 32 zero octets). Depth 0 is the root, which is never a terminal node,
 * so a depth of 0 is rejected here.
 *
 * Deviation from the draft: `results` has a 2-octet length. TLS vector lengths count octets,
 * and the draft's results<0..2^8-1> cannot hold a ladder with more than three
 * nonInclusionLeaf results (66 octets each); at most KT_MAX_PREFIX_RESULTS results.
 */
import { DecodeError } from '../binary/decode-error.ts';
import { KT_HASH_BYTES, KT_MAX_PREFIX_ELEMENTS, KT_MAX_PREFIX_RESULTS, KT_VRF_OUTPUT_BYTES } from './limits.ts';
import type { TlsReader, TlsWriter } from './tls.ts';

export type WirePrefixResult =
  | { readonly resultType: 'inclusion'; readonly depth: number }
  | { readonly resultType: 'nonInclusionLeaf'; readonly depth: number; readonly leaf: { readonly vrfOutput: Uint8Array; readonly commitment: Uint8Array } }
  | { readonly resultType: 'nonInclusionParent'; readonly depth: number };

export interface WirePrefixProof {
  readonly results: readonly WirePrefixResult[];
  readonly elements: readonly Uint8Array[];
}

const RESULT_MAX_BYTES = 1 + KT_VRF_OUTPUT_BYTES + KT_HASH_BYTES + 1;

function readResult(r: TlsReader): WirePrefixResult {
  const type = r.u8('PrefixSearchResult.result_type');
  if (type === 2) {
    const vrfOutput = r.fixed(KT_VRF_OUTPUT_BYTES, 'PrefixLeaf.vrf_output');
    const commitment = r.fixed(KT_HASH_BYTES, 'PrefixLeaf.commitment');
    return { resultType: 'nonInclusionLeaf', leaf: { vrfOutput, commitment }, depth: readDepth(r) };
  }
  if (type === 1) return { resultType: 'inclusion', depth: readDepth(r) };
  if (type === 3) return { resultType: 'nonInclusionParent', depth: readDepth(r) };
  throw new DecodeError('invalid-value', `PrefixSearchResult.result_type ${type}`);
}

function readDepth(r: TlsReader): number {
  const depth = r.u8('PrefixSearchResult.depth');
  if (depth === 0) throw new DecodeError('invalid-value', 'PrefixSearchResult.depth 0 (the root is never terminal)');
  return depth;
}

export function readPrefixProof(r: TlsReader): WirePrefixProof {
  const results = r.structList(2, KT_MAX_PREFIX_RESULTS * RESULT_MAX_BYTES, KT_MAX_PREFIX_RESULTS, 'PrefixProof.results', readResult);
  const elements = r.fixedList(2, KT_HASH_BYTES, KT_MAX_PREFIX_ELEMENTS, 'PrefixProof.elements');
  return { results, elements };
}

export function writePrefixProof(w: TlsWriter, p: WirePrefixProof): void {
  w.nested(2, (inner) => {
    for (const res of p.results) {
      if (res.resultType === 'inclusion') inner.u8(1);
      else if (res.resultType === 'nonInclusionLeaf') inner.u8(2).bytes(res.leaf.vrfOutput).bytes(res.leaf.commitment);
      else inner.u8(3);
      inner.u8(res.depth);
    }
  });
  w.nested(2, (inner) => {
    for (const e of p.elements) inner.bytes(e);
  });
}

/** The encoded size bound of one result (for callers sizing responses). */
export const PREFIX_RESULT_MAX_BYTES = RESULT_MAX_BYTES;
