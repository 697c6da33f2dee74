/**
 * Checkpoint gossip between clients (issue 6: "clients carry their latest checkpoint
 * inside encrypted messages to each other and check consistency with their own"). A
 * server that shows two views of the log to two people, even with a colluding auditor,
 * cannot keep them apart once their messages carry checkpoints: equal sizes must have
 * equal roots, and different sizes must be joined by a consistency proof.
 *
 * Wire form of the checkpoint a message carries (all big-endian):
 *
 *   format u8 (=1) | tree_size u64 | timestamp u64 | root[32] | signature[64]   (113 octets)
 *
 * `signature` is the log's TreeHead signature over (tree_size, root): a peer cannot make
 * one up, and two that conflict prove the log forked. `timestamp` is not covered by that
 * signature (TreeHeadTBS has no time): it is carried to show the user how old a peer's
 * view is, and never used in a decision.
 */
import { verifyTreeHeadSignature } from '@sealed/kt/checkpoint/tree-head';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import { verifyConsistency } from '@sealed/kt/log/merkle-verify';
import type { TrustPolicy } from './trust-policy.ts';
import { type ForkEvidence, type SignedCheckpoint, TransparencyError } from './transparency-error.ts';

export const GOSSIP_FORMAT = 1;
export const GOSSIP_CHECKPOINT_BYTES = 1 + 8 + 8 + 32 + 64;

export function encodeGossipCheckpoint(c: SignedCheckpoint): Uint8Array {
  const out = new Uint8Array(GOSSIP_CHECKPOINT_BYTES);
  const view = new DataView(out.buffer);
  out[0] = GOSSIP_FORMAT;
  view.setBigUint64(1, BigInt(c.treeSize), false);
  view.setBigUint64(9, BigInt(c.timestamp), false);
  out.set(c.root, 17);
  out.set(c.signature, 49);
  return out;
}

/**
 * Strict decoding: exact length, known format, sizes below 2^53.
 * @throws {TransparencyError} `malformed`.
 */
export function decodeGossipCheckpoint(bytes: Uint8Array): SignedCheckpoint {
  if (bytes.length !== GOSSIP_CHECKPOINT_BYTES) throw new TransparencyError('malformed', `gossip checkpoint of ${bytes.length} octets, expected ${GOSSIP_CHECKPOINT_BYTES}`);
  if (bytes[0] !== GOSSIP_FORMAT) throw new TransparencyError('malformed', `gossip checkpoint format ${bytes[0]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getBigUint64(1, false);
  const time = view.getBigUint64(9, false);
  if (size > BigInt(Number.MAX_SAFE_INTEGER) || time > BigInt(Number.MAX_SAFE_INTEGER) || size === 0n) throw new TransparencyError('malformed', 'gossip checkpoint size or time out of range');
  return { treeSize: Number(size), timestamp: Number(time), root: bytes.slice(17, 49), signature: bytes.slice(49, 113) };
}

/** What comparing a peer's checkpoint with ours found. */
export type GossipOutcome =
  | { readonly kind: 'consistent' }
  /** Sizes differ: fetch GET /v1/kt/consistency?from=<from>&to=<to> and call {@link resolveGossip}. */
  | { readonly kind: 'need-consistency'; readonly from: number; readonly to: number; readonly theirs: SignedCheckpoint }
  /** The log showed us and the peer two views: warn the user, keep the evidence. */
  | { readonly kind: 'fork'; readonly evidence: ForkEvidence };

/**
 * Compares a peer's gossiped checkpoint with ours.
 * @throws {TransparencyError} `malformed` or `bad-log-signature` for a checkpoint that
 *   is not one the log signed (ignored by the caller: it proves nothing either way).
 */
export function compareGossip(policy: TrustPolicy, ours: SignedCheckpoint, theirsBytes: Uint8Array): GossipOutcome {
  const theirs = decodeGossipCheckpoint(theirsBytes);
  try {
    verifyTreeHeadSignature(policy.config, theirs.treeSize, theirs.root, theirs.signature);
  } catch {
    throw new TransparencyError('bad-log-signature', `gossiped TreeHead of size ${theirs.treeSize} does not verify`);
  }
  if (theirs.treeSize === ours.treeSize) {
    return hashEquals(theirs.root, ours.root) ? { kind: 'consistent' } : { kind: 'fork', evidence: { first: ours, second: theirs } };
  }
  const [from, to] = theirs.treeSize < ours.treeSize ? [theirs.treeSize, ours.treeSize] : [ours.treeSize, theirs.treeSize];
  return { kind: 'need-consistency', from, to, theirs };
}

/**
 * Checks the consistency proof the server gave between our checkpoint and a peer's.
 * A proof that fails is a fork: the log signed two heads that do not extend one another.
 */
export function resolveGossip(ours: SignedCheckpoint, theirs: SignedCheckpoint, proof: readonly Uint8Array[]): GossipOutcome {
  const [small, large] = theirs.treeSize < ours.treeSize ? [theirs, ours] : [ours, theirs];
  try {
    verifyConsistency(small.treeSize, large.treeSize, small.root, large.root, proof);
    return { kind: 'consistent' };
  } catch {
    return { kind: 'fork', evidence: { first: ours, second: theirs, consistencyProof: proof } };
  }
}
