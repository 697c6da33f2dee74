/**
 * Checkpoints and consistency (public, no authentication):
 *
 *   GET /v1/kt/config                         -> Configuration (configuration.ts)
 *   GET /v1/kt/checkpoint[?last=<m>]          -> CheckpointResponse
 *   GET /v1/kt/consistency?from=<m>&to=<n>    -> ConsistencyResponse   (0 < m < n)
 *
 *   CheckpointResponse:   FullTreeHead full_tree_head | LatestEntryProof latest
 *   ConsistencyResponse:  HashValue proof<0..2^16-1>    (RFC 9162 §2.1.4.1 PROOF(m, D[n]))
 *
 * The checkpoint is the latest one the server serves: once auditors are configured, the
 * greatest tree size countersigned by every configured auditor; FullTreeHead is always
 * `updated` here (the client compares sizes itself). `latest` is entry tree_size-1 with its
 * inclusion proof (from which the client computes the root the signatures cover) and the
 * consistency proof from `last` when given. Query integers are decimal without sign or
 * leading zeros, at most 2^53-1.
 */
import { DecodeError } from '../binary/decode-error.ts';
import { readHashList, readLatestEntryProof, writeHashList, writeLatestEntryProof, type LatestEntryProof } from './log-entry-proof.ts';
import { decodeStrict, type TlsReader, TlsWriter } from './tls.ts';
import { readFullTreeHead, writeFullTreeHead, type FullTreeHead } from './tree-head.ts';

export interface CheckpointResponse {
  readonly fullTreeHead: FullTreeHead;
  readonly latest: LatestEntryProof;
}

export interface ConsistencyResponse {
  readonly proof: readonly Uint8Array[];
}

function readCheckpointResponse(r: TlsReader): CheckpointResponse {
  const fullTreeHead = readFullTreeHead(r);
  return { fullTreeHead, latest: readLatestEntryProof(r) };
}

export function encodeCheckpointResponse(c: CheckpointResponse): Uint8Array {
  const w = new TlsWriter();
  writeFullTreeHead(w, c.fullTreeHead);
  writeLatestEntryProof(w, c.latest);
  return w.finish();
}

/** @throws {DecodeError} on malformed, oversized, trailing or non-canonical input. */
export function decodeCheckpointResponse(bytes: Uint8Array): CheckpointResponse {
  return decodeStrict(bytes, 'CheckpointResponse', readCheckpointResponse, encodeCheckpointResponse);
}

export function encodeConsistencyResponse(c: ConsistencyResponse): Uint8Array {
  const w = new TlsWriter();
  writeHashList(w, c.proof);
  return w.finish();
}

/** @throws {DecodeError} on malformed, oversized, trailing or non-canonical input. */
export function decodeConsistencyResponse(bytes: Uint8Array): ConsistencyResponse {
  return decodeStrict(bytes, 'ConsistencyResponse', (r) => ({ proof: readHashList(r, 'ConsistencyResponse.proof') }), encodeConsistencyResponse);
}

/**
 * A non-negative decimal query integer: digits only, no leading zero (except "0"), at most
 * 2^53-1. Undefined when the parameter is absent.
 * @throws {DecodeError} `invalid-value` for anything else.
 */
export function parseQueryInteger(value: string | null, what: string): number | undefined {
  if (value === null) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) throw new DecodeError('invalid-value', `${what} must be a decimal integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new DecodeError('invalid-value', `${what} above 2^53-1`);
  return n;
}
