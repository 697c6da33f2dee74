/**
 * Evidence of a fork seen by one client: the checkpoint it retained and the head the log
 * served that does not extend it, both carrying the log's signature. The served head's
 * root is recomputed from its latest entry (as every check does); if that head's own
 * signature does not verify, it is no evidence and none is returned.
 */
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { verifyTreeHeadSignature } from '@sealed/kt/checkpoint/tree-head';
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { rootFromInclusion } from '@sealed/kt/log/merkle-verify';
import type { FullTreeHeadShape, LatestEntryProofShape } from '@sealed/kt/verify/shapes';
import { signedOf, type RetainedCheckpoint } from './retained-checkpoint.ts';
import type { ForkEvidence, SignedCheckpoint } from './transparency-error.ts';

/** The served head as a signed checkpoint, if its path is well formed. */
export function servedCheckpoint(head: FullTreeHeadShape, latest: LatestEntryProofShape): SignedCheckpoint | undefined {
  if (head.headType !== 'updated') return undefined;
  const size = head.treeHead.treeSize;
  try {
    const root = rootFromInclusion(logEntryLeafHash({ timestamp: latest.timestamp, prefixTreeRoot: latest.prefixRoot }), size - 1, size, latest.inclusion);
    return { treeSize: size, timestamp: latest.timestamp, root, signature: head.treeHead.signature };
  } catch {
    return undefined;
  }
}

export function forkEvidence(retained: RetainedCheckpoint, head: FullTreeHeadShape, latest: LatestEntryProofShape, config?: Configuration): ForkEvidence | undefined {
  const served = servedCheckpoint(head, latest);
  if (served === undefined) return undefined;
  if (config !== undefined) {
    try {
      verifyTreeHeadSignature(config, served.treeSize, served.root, served.signature);
    } catch {
      return undefined;
    }
  }
  return { first: signedOf(retained), second: served, consistencyProof: latest.consistency };
}
