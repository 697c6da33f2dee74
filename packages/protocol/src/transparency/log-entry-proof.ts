/**
 * Sealed's log part of a proof (replaces the draft's CombinedTreeProof, see
 * docs/key-transparency.md "Wire contract"): one log entry, its RFC 9162 inclusion proof in
 * the tree the FullTreeHead names, and, for the latest entry, the consistency proof from the
 * size the client advertised.
 *
 *   LogEntryProof:     timestamp(u64) | prefix_root[32] | HashValue inclusion<0..2^16-1>
 *   LatestEntryProof:  LogEntryProof | HashValue consistency<0..2^16-1>
 *
 * `inclusion` is PATH(position, D[tree_size]) (RFC 9162 §2.1.3.1), at most
 * KT_MAX_LOG_PROOF_HASHES hashes; `consistency` is PROOF(last, D[tree_size]) (§2.1.4.1),
 * empty when the request had no `last`, or last is 0 or equals tree_size.
 */
import { KT_HASH_BYTES, KT_MAX_LOG_PROOF_HASHES } from './limits.ts';
import type { TlsReader, TlsWriter } from './tls.ts';

export interface LogEntryProof {
  readonly timestamp: number;
  readonly prefixRoot: Uint8Array;
  readonly inclusion: readonly Uint8Array[];
}

export interface LatestEntryProof extends LogEntryProof {
  readonly consistency: readonly Uint8Array[];
}

export function readHashList(r: TlsReader, what: string): Uint8Array[] {
  return r.fixedList(2, KT_HASH_BYTES, KT_MAX_LOG_PROOF_HASHES, what);
}

export function writeHashList(w: TlsWriter, hashes: readonly Uint8Array[]): void {
  w.nested(2, (inner) => {
    for (const h of hashes) inner.bytes(h);
  });
}

export function readLogEntryProof(r: TlsReader): LogEntryProof {
  const timestamp = r.u64('LogEntryProof.timestamp');
  const prefixRoot = r.fixed(KT_HASH_BYTES, 'LogEntryProof.prefix_root');
  return { timestamp, prefixRoot, inclusion: readHashList(r, 'LogEntryProof.inclusion') };
}

export function writeLogEntryProof(w: TlsWriter, e: LogEntryProof): void {
  w.u64(e.timestamp).bytes(e.prefixRoot);
  writeHashList(w, e.inclusion);
}

export function readLatestEntryProof(r: TlsReader): LatestEntryProof {
  const entry = readLogEntryProof(r);
  return { ...entry, consistency: readHashList(r, 'LatestEntryProof.consistency') };
}

export function writeLatestEntryProof(w: TlsWriter, e: LatestEntryProof): void {
  writeLogEntryProof(w, e);
  writeHashList(w, e.consistency);
}
