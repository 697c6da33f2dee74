/**
 * Checking a checkpoint before anything is proven against it (draft-ietf-keytrans-protocol,
 * "Full Tree Head Verification", with Sealed's several auditors):
 *
 *  1. the root is recomputed from the latest entry and its audit path (log-root.ts);
 *  2. the log's TreeHead signature over (tree_size, root) verifies;
 *  3. at least `requiredAuditors` distinct configured auditors countersigned
 *     AuditorTreeHeadTBS(config, latest timestamp, tree_size, root), and every
 *     countersignature present verifies (a damaged one is refused, not skipped);
 *  4. the latest entry is fresh: not older than `maxAgeMs` (heartbeats keep it fresh),
 *     not further ahead than the Configuration's max_ahead;
 *  5. against the last checkpoint this client verified: never smaller or older (rollback),
 *     the same root for the same size, and a verifying RFC 9162 consistency proof for a
 *     larger size. A failure here carries both signed checkpoints as evidence.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { encodeAuditorTreeHeadTbs, verifyTreeHeadSignature } from '@sealed/kt/checkpoint/tree-head';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import { verifyConsistency } from '@sealed/kt/log/merkle-verify';
import type { LatestEntryProof } from '@sealed/protocol/transparency/log-entry-proof';
import type { AuditorTreeHead, FullTreeHead } from '@sealed/protocol/transparency/tree-head';
import { rootFromLatestEntry } from './log-root.ts';
import { configuredAuditorKeys, type TrustPolicy } from './trust-policy.ts';
import { type SignedCheckpoint, TransparencyError } from './transparency-error.ts';

/** A checkpoint that passed every check: what later proofs are verified against. */
export interface VerifiedCheckpoint extends SignedCheckpoint {
  /** The prefix-tree root of the latest entry (search proofs end here). */
  readonly prefixRoot: Uint8Array;
  /** The countersignatures that verified. */
  readonly auditorTreeHeads: readonly AuditorTreeHead[];
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && hashEquals(a, b);
}

function checkAuditors(provider: CryptoProvider, policy: TrustPolicy, head: SignedCheckpoint, auditorHeads: readonly AuditorTreeHead[]): AuditorTreeHead[] {
  const keys = configuredAuditorKeys(policy.config);
  const counted: AuditorTreeHead[] = [];
  for (const a of auditorHeads) {
    if (!keys.some((k) => sameKey(k, a.auditorPublicKey))) continue; // an auditor we do not know counts for nothing
    if (counted.some((c) => sameKey(c.auditorPublicKey, a.auditorPublicKey))) throw new TransparencyError('bad-auditor-signature', 'one auditor listed twice');
    // The server serves only heads every auditor countersigned at this very size.
    if (a.treeSize !== head.treeSize || a.timestamp !== head.timestamp) throw new TransparencyError('bad-auditor-signature', `countersignature for size ${a.treeSize}, checkpoint is ${head.treeSize}`);
    const tbs = encodeAuditorTreeHeadTbs(policy.config, a.timestamp, a.treeSize, head.root);
    if (!provider.verify('Ed25519', a.auditorPublicKey, tbs, a.signature)) throw new TransparencyError('bad-auditor-signature', `countersignature at size ${head.treeSize} does not verify`);
    counted.push(a);
  }
  if (counted.length < policy.requiredAuditors) throw new TransparencyError('too-few-auditors', `${counted.length} of ${policy.requiredAuditors} required auditors countersigned size ${head.treeSize}`);
  return counted;
}

/**
 * Checks a checkpoint served with any search, monitor or checkpoint response.
 * @param previous the last checkpoint this client verified (persisted), if any.
 * @param now the client's clock, ms since the Unix epoch.
 * @throws {TransparencyError} `malformed`, `bad-log-signature`, `bad-auditor-signature`,
 *   `too-few-auditors`, `stale-checkpoint`, `checkpoint-from-future`, `rolled-back` or
 *   `inconsistent` (with evidence).
 */
export function verifyCheckpoint(
  provider: CryptoProvider,
  policy: TrustPolicy,
  fullTreeHead: FullTreeHead,
  latest: LatestEntryProof,
  previous: VerifiedCheckpoint | undefined,
  now: number,
): VerifiedCheckpoint {
  let treeSize: number;
  let signature: Uint8Array;
  let auditorHeads: readonly AuditorTreeHead[];
  if (fullTreeHead.headType === 'same') {
    if (previous === undefined) throw new TransparencyError('malformed', "head_type 'same' without a checkpoint of ours");
    ({ treeSize, signature } = previous);
    auditorHeads = previous.auditorTreeHeads;
  } else {
    treeSize = fullTreeHead.treeHead.treeSize;
    signature = fullTreeHead.treeHead.signature;
    auditorHeads = fullTreeHead.auditorTreeHeads;
  }
  const root = rootFromLatestEntry(treeSize, latest.timestamp, latest.prefixRoot, latest.inclusion);
  const head: SignedCheckpoint = { treeSize, timestamp: latest.timestamp, root, signature };
  try {
    verifyTreeHeadSignature(policy.config, treeSize, root, signature);
  } catch {
    throw new TransparencyError('bad-log-signature', `TreeHead of size ${treeSize} does not verify`);
  }
  const counted = checkAuditors(provider, policy, head, auditorHeads);
  if (now - latest.timestamp > policy.maxAgeMs) throw new TransparencyError('stale-checkpoint', `latest entry is ${now - latest.timestamp} ms old, at most ${policy.maxAgeMs}`);
  if (latest.timestamp > now + policy.config.maxAhead) throw new TransparencyError('checkpoint-from-future', `latest entry is ${latest.timestamp - now} ms ahead`);
  if (previous !== undefined) checkAgainstPrevious(previous, head, latest.consistency);
  return { ...head, prefixRoot: latest.prefixRoot.slice(), auditorTreeHeads: counted };
}

/**
 * Step 5: `next` must extend `previous`.
 * @throws {TransparencyError} `rolled-back` or `inconsistent` (with evidence).
 */
export function checkAgainstPrevious(previous: SignedCheckpoint, next: SignedCheckpoint, consistency: readonly Uint8Array[]): void {
  if (next.treeSize < previous.treeSize) throw new TransparencyError('rolled-back', `size ${next.treeSize} below our ${previous.treeSize}`);
  if (next.timestamp < previous.timestamp) throw new TransparencyError('rolled-back', `latest entry time went back by ${previous.timestamp - next.timestamp} ms`);
  if (next.treeSize === previous.treeSize) {
    if (!hashEquals(next.root, previous.root)) throw new TransparencyError('inconsistent', `two roots for size ${next.treeSize}`, { first: previous, second: next });
    return;
  }
  try {
    verifyConsistency(previous.treeSize, next.treeSize, previous.root, next.root, consistency);
  } catch {
    throw new TransparencyError('inconsistent', `no valid consistency proof from ${previous.treeSize} to ${next.treeSize}`, { first: previous, second: next, consistencyProof: consistency });
  }
}
