/**
 * Client-side checkpoint verification: the latest log entry and its inclusion proof give
 * the log root, which must extend the retained one and carry the log's and enough
 * auditors' signatures, and the entry must be fresh (draft-ietf-keytrans-protocol, "Full
 * Tree Head Verification", "Auditor Tree Head Signature"; Sealed's rules in
 * docs/key-transparency.md "Wire contract": auditors countersign the served size itself).
 */
import { auditorKeysOf, verifyAuditorSignatureBy, verifyTreeHeadSignature } from '../checkpoint/tree-head.ts';
import type { Configuration } from '../checkpoint/configuration.ts';
import { logEntryLeafHash } from '../log/log-entry.ts';
import { hashEquals } from '../log/merkle-hash.ts';
import { rootFromInclusion, verifyConsistency } from '../log/merkle-verify.ts';
import type { FullTreeHeadShape, LatestEntryProofShape } from './shapes.ts';
import { step, VerifyError } from './verify-error.ts';

/** What a client keeps after a verified response, and sends back as `last`. */
export interface VerifiedCheckpoint {
  readonly treeSize: number;
  /** Log root of `treeSize` leaves. */
  readonly root: Uint8Array;
  /** Timestamp (ms) of entry treeSize - 1. */
  readonly timestamp: number;
  /** Prefix-tree root of entry treeSize - 1. */
  readonly prefixRoot: Uint8Array;
}

/** The client's trust settings and clock. */
export interface VerifyPolicy {
  /** The log's Configuration, pinned by the client (keys, max_ahead, max_behind, auditors). */
  readonly config: Configuration;
  /** Valid countersignatures of distinct configured auditors a checkpoint needs (0 without auditors). */
  readonly requiredAuditors: number;
  /** The client's clock, ms since the Unix epoch. */
  readonly now: number;
}

/**
 * Verifies a FullTreeHead with the latest entry it is served with, against the retained
 * checkpoint (if any), and returns the new checkpoint to retain once the rest of the
 * response has verified.
 * @throws {VerifyError} `head-type`, `rollback`, `fork`, `stale`, `future`,
 *   `not-enough-auditors`, `auditor-mismatch` or `invalid-proof`.
 */
export function verifyCheckpoint(policy: VerifyPolicy, retained: VerifiedCheckpoint | undefined, head: FullTreeHeadShape, latest: LatestEntryProofShape): VerifiedCheckpoint {
  const { config } = policy;
  let treeSize: number;
  if (head.headType === 'same') {
    if (retained === undefined) throw new VerifyError('head-type', '`same` without a retained tree head');
    treeSize = retained.treeSize;
  } else {
    treeSize = head.treeHead.treeSize;
    if (!Number.isSafeInteger(treeSize) || treeSize < 1) throw new VerifyError('invalid-proof', 'tree_size must be at least 1');
    if (retained !== undefined && treeSize < retained.treeSize) throw new VerifyError('rollback', `tree size ${treeSize} < retained ${retained.treeSize}`);
    if (retained !== undefined && treeSize === retained.treeSize) throw new VerifyError('head-type', '`updated` with the retained tree size');
  }
  const leaf = step('latest entry', () => logEntryLeafHash({ timestamp: latest.timestamp, prefixTreeRoot: latest.prefixRoot }));
  const root = step('latest entry inclusion', () => rootFromInclusion(leaf, treeSize - 1, treeSize, latest.inclusion));

  if (retained !== undefined && retained.treeSize < treeSize) {
    try {
      verifyConsistency(retained.treeSize, treeSize, retained.root, root, latest.consistency);
    } catch (error) {
      // A proof that does not link the two roots is what a fork looks like to one client.
      throw new VerifyError('fork', `consistency ${retained.treeSize} -> ${treeSize}: ${(error as { code?: string }).code ?? 'error'}`);
    }
  } else if (latest.consistency.length !== 0) {
    throw new VerifyError('invalid-proof', 'consistency proof where none is asked for');
  }
  if (head.headType === 'same' && retained !== undefined && (!hashEquals(root, retained.root) || latest.timestamp !== retained.timestamp)) {
    throw new VerifyError('fork', '`same` head with another root or timestamp');
  }

  if (head.headType === 'updated') {
    step('TreeHead signature', () => verifyTreeHeadSignature(config, treeSize, root, head.treeHead.signature));
    let valid = 0;
    if (config.mode.kind === 'thirdPartyAuditing') {
      const keys = step('Configuration', () => auditorKeysOf(config));
      const seen = new Set<string>();
      if (retained !== undefined && retained.treeSize < config.mode.auditorStartPos) {
        throw new VerifyError('auditor-mismatch', 'retained tree head predates auditor_start_pos');
      }
      for (const a of head.auditorTreeHeads) {
        const id = a.auditorPublicKey.join(',');
        if (seen.has(id)) throw new VerifyError('auditor-mismatch', 'one auditor listed twice');
        seen.add(id);
        if (!keys.some((k) => hashEquals(k, a.auditorPublicKey))) throw new VerifyError('auditor-mismatch', 'an auditor key that is not configured');
        if (a.treeSize !== treeSize) throw new VerifyError('auditor-mismatch', `auditor signed size ${a.treeSize}, served ${treeSize}`);
        // Step 2 of "Auditor Tree Head Signature": the lag is 0 here, as the sizes match.
        if (a.timestamp !== latest.timestamp || latest.timestamp - a.timestamp > config.mode.maxAuditorLag) {
          throw new VerifyError('auditor-mismatch', 'auditor timestamp is not that of the entry it signed');
        }
        step('AuditorTreeHead signature', () => verifyAuditorSignatureBy(config, a.auditorPublicKey, a.timestamp, a.treeSize, root, a.signature));
        valid++;
      }
    } else if (head.auditorTreeHeads.length !== 0) {
      throw new VerifyError('auditor-mismatch', 'auditor heads without thirdPartyAuditing mode');
    }
    if (valid < policy.requiredAuditors) throw new VerifyError('not-enough-auditors', `${valid} of ${policy.requiredAuditors} auditor signatures`);
  }

  if (policy.now - latest.timestamp > config.maxBehind) throw new VerifyError('stale', `latest entry is ${policy.now - latest.timestamp} ms old (max_behind ${config.maxBehind})`);
  if (latest.timestamp - policy.now > config.maxAhead) throw new VerifyError('future', `latest entry is ${latest.timestamp - policy.now} ms ahead (max_ahead ${config.maxAhead})`);
  return { treeSize, root, timestamp: latest.timestamp, prefixRoot: latest.prefixRoot.slice() };
}
