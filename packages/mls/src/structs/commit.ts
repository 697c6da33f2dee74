/**
 * Commit (RFC 9420 §12.4).
 *
 *   struct { ProposalOrRef proposals<V>; optional<UpdatePath> path; } Commit;
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { rememberedEncoding, rememberEncoding } from '../codec/encoding-memo.ts';
import { MAX_PROPOSALS_PER_COMMIT } from './limits.ts';
import { decodeProposalOrRef, encodeProposalOrRef, type ProposalOrRef } from './proposals.ts';
import { decodeUpdatePath, encodeUpdatePath, type UpdatePath } from './ratchet-tree.ts';

/** Commit (RFC 9420 §12.4). */
export interface Commit {
  readonly proposals: readonly ProposalOrRef[];
  readonly path?: UpdatePath | undefined;
}

/**
 * Writes Commit (RFC 9420 §12.4).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeCommit(writer: Writer, value: Commit): void {
  const received = rememberedEncoding(value);
  if (received !== undefined) {
    writer.bytes(received);
    return;
  }
  writer.vector(value.proposals, encodeProposalOrRef);
  writer.optional(value.path, encodeUpdatePath);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeCommit(reader: Reader): Commit {
  const start = reader.position;
  const proposals = reader.vector(decodeProposalOrRef, 'Commit.proposals', MAX_PROPOSALS_PER_COMMIT);
  const path = reader.optional(decodeUpdatePath, 'Commit.path');
  const commit: Commit = path === undefined ? { proposals } : { proposals, path };
  // Re-encoded for the signature and the transcript hash: keep the received bytes (see encoding-memo.ts).
  rememberEncoding(commit, reader.consumedSince(start));
  return commit;
}

/**
 * Commit, serialized (RFC 9420 §12.4).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function commitBytes(value: Commit): Uint8Array {
  return encode(encodeCommit, value);
}

/** @throws DecodeError when `bytes` is not exactly one Commit */
export function parseCommit(bytes: Uint8Array): Commit {
  return decode(decodeCommit, bytes, 'Commit');
}
