/**
 * The checkpoint a client keeps between responses: kt's VerifiedCheckpoint plus the log's
 * signature over it, so it can be gossiped (checkpoint-gossip.ts) and shown as evidence.
 * It is replaced only after a whole response verified.
 */
import type { VerifiedCheckpoint } from '@sealed/kt/verify/checkpoint-verify';
import type { FullTreeHeadShape } from '@sealed/kt/verify/shapes';
import type { SignedCheckpoint } from './transparency-error.ts';

export interface RetainedCheckpoint extends VerifiedCheckpoint {
  /** The log's TreeHead signature over (treeSize, root). */
  readonly signature: Uint8Array;
}

/** The checkpoint to retain after a response whose head verified into `verified`. */
export function retain(verified: VerifiedCheckpoint, head: FullTreeHeadShape, previous: RetainedCheckpoint | undefined): RetainedCheckpoint {
  const signature = head.headType === 'updated' ? head.treeHead.signature : previous?.signature;
  if (signature === undefined) throw new Error("retain: 'same' head without a retained checkpoint (verifyCheckpoint refuses this first)");
  return { treeSize: verified.treeSize, root: verified.root, timestamp: verified.timestamp, prefixRoot: verified.prefixRoot, signature: signature.slice() };
}

export function signedOf(c: RetainedCheckpoint): SignedCheckpoint {
  return { treeSize: c.treeSize, timestamp: c.timestamp, root: c.root, signature: c.signature };
}
