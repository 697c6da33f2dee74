/**
 * POST /v1/kt/search (authenticated): the greatest version of a label, its value, and the
 * proof (draft-ietf-keytrans-protocol, "Search", greatest-version search).
 *
 *   SearchRequest:   optional<uint64> last | label<0..2^8-1> | optional<uint32> version
 *   SearchResponse:  FullTreeHead full_tree_head
 *                    | version(u32) | opening[16] | UpdateValue value
 *                    | BinaryLadderStep binary_ladder<0..2^16-1>
 *                    | SearchProof search
 *   SearchProof:     LatestEntryProof latest | PrefixProof prefix
 *
 * `binary_ladder` follows base_binary_ladder(version) in lookup order; a step carries a
 * commitment for every included version except the target (whose commitment is computed
 * from opening and value), none for absent versions. `prefix` has one result per ladder
 * step, in the same order, against `latest.prefix_root`. With `version` in the request (a
 * fixed-version search) the response is about that version: `binary_ladder` follows
 * monitoring_binary_ladder(version), every lookup included (kt verifyFixedVersionSearch).
 */
import { KT_MAX_LABEL_BYTES, KT_OPENING_BYTES } from './limits.ts';
import { readLadder, readUpdateValue, writeLadder, writeUpdateValue, type BinaryLadderStep } from './ladder-step.ts';
import { readLatestEntryProof, writeLatestEntryProof, type LatestEntryProof } from './log-entry-proof.ts';
import { readPrefixProof, writePrefixProof, type WirePrefixProof } from './prefix-proof.ts';
import { decodeStrict, type TlsReader, TlsWriter } from './tls.ts';
import { readFullTreeHead, writeFullTreeHead, type FullTreeHead } from './tree-head.ts';

export interface SearchRequest {
  readonly last?: number;
  readonly label: Uint8Array;
  readonly version?: number;
}

export interface SearchProof {
  readonly latest: LatestEntryProof;
  readonly prefix: WirePrefixProof;
}

export interface SearchResponse {
  readonly fullTreeHead: FullTreeHead;
  readonly version: number;
  readonly opening: Uint8Array;
  readonly value: Uint8Array;
  readonly binaryLadder: readonly BinaryLadderStep[];
  readonly search: SearchProof;
}

export function readSearchProof(r: TlsReader): SearchProof {
  const latest = readLatestEntryProof(r);
  return { latest, prefix: readPrefixProof(r) };
}

export function writeSearchProof(w: TlsWriter, p: SearchProof): void {
  writeLatestEntryProof(w, p.latest);
  writePrefixProof(w, p.prefix);
}

function readSearchRequest(r: TlsReader): SearchRequest {
  const last = r.optional('SearchRequest.last', (x) => x.u64('SearchRequest.last'));
  const label = r.vector(1, KT_MAX_LABEL_BYTES, 'SearchRequest.label');
  const version = r.optional('SearchRequest.version', (x) => x.u32('SearchRequest.version'));
  return { ...(last === undefined ? {} : { last }), label, ...(version === undefined ? {} : { version }) };
}

export function encodeSearchRequest(q: SearchRequest): Uint8Array {
  return new TlsWriter()
    .optional(q.last, (w, v) => w.u64(v))
    .vector(1, q.label)
    .optional(q.version, (w, v) => w.u32(v))
    .finish();
}

/** @throws {DecodeError} on malformed, oversized, trailing or non-canonical input. */
export function decodeSearchRequest(bytes: Uint8Array): SearchRequest {
  return decodeStrict(bytes, 'SearchRequest', readSearchRequest, encodeSearchRequest);
}

function readSearchResponse(r: TlsReader): SearchResponse {
  const fullTreeHead = readFullTreeHead(r);
  const version = r.u32('SearchResponse.version');
  const opening = r.fixed(KT_OPENING_BYTES, 'SearchResponse.opening');
  const value = readUpdateValue(r, 'SearchResponse.value');
  const binaryLadder = readLadder(r, 'SearchResponse.binary_ladder');
  return { fullTreeHead, version, opening, value, binaryLadder, search: readSearchProof(r) };
}

export function encodeSearchResponse(s: SearchResponse): Uint8Array {
  const w = new TlsWriter();
  writeFullTreeHead(w, s.fullTreeHead);
  w.u32(s.version).bytes(s.opening);
  writeUpdateValue(w, s.value);
  writeLadder(w, s.binaryLadder);
  writeSearchProof(w, s.search);
  return w.finish();
}

/** @throws {DecodeError} on malformed, oversized, trailing or non-canonical input. */
export function decodeSearchResponse(bytes: Uint8Array): SearchResponse {
  return decodeStrict(bytes, 'SearchResponse', readSearchResponse, encodeSearchResponse);
}
