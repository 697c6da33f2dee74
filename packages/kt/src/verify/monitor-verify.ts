/**
 * Verifying a MonitorResponse (draft-ietf-keytrans-protocol, "Owner Monitoring"; Sealed's
 * shape, see docs/key-transparency.md "Wire contract"): the greatest version as in a
 * search, then every version after the one the owner last verified, each opened and shown
 * inserted at a log entry (and absent from the entry before), so the owner sees each change
 * and between which two times it happened. A skipped version cannot be shown inserted, so a
 * gap fails here.
 */
import { commit } from '../prefix/commitment.ts';
import { verifyPrefixBatch } from '../prefix/prefix-batch.ts';
import { verifySearchKey } from '../prefix/search-key.ts';
import { logEntryLeafHash } from '../log/log-entry.ts';
import { hashEquals } from '../log/merkle-hash.ts';
import { rootFromInclusion } from '../log/merkle-verify.ts';
import { verifyCheckpoint, type VerifiedCheckpoint, type VerifyPolicy } from './checkpoint-verify.ts';
import { verifyGreatestVersion } from './ladder-verify.ts';
import type { LogEntryProofShape, MonitorResponseShape } from './shapes.ts';
import { step, VerifyError } from './verify-error.ts';

/** Versions one monitor response reveals at most (KT_MAX_MONITORED_VERSIONS on the wire). */
export const MAX_MONITORED_VERSIONS = 32;

export interface MonitoredVersionResult {
  readonly version: number;
  readonly value: Uint8Array;
  /** The log entry whose prefix tree first held the version. */
  readonly position: number;
  /** That entry's timestamp: the change happened no later than this. */
  readonly insertedBy: number;
  /** The previous entry's timestamp (absent for position 0): the change happened after it. */
  readonly notBefore?: number;
}

export interface VerifiedMonitor {
  readonly greatestVersion: number;
  /** Versions knownVersion+1.. (or 0..) in ascending order; fewer than the rest if capped. */
  readonly versions: readonly MonitoredVersionResult[];
  readonly checkpoint: VerifiedCheckpoint;
}

function entryInTree(what: string, entry: LogEntryProofShape, position: number, checkpoint: VerifiedCheckpoint): void {
  if (!Number.isSafeInteger(position) || position < 0 || position >= checkpoint.treeSize) throw new VerifyError('insertion-evidence', `${what}: position outside the tree`);
  const root = step(what, () => rootFromInclusion(logEntryLeafHash({ timestamp: entry.timestamp, prefixTreeRoot: entry.prefixRoot }), position, checkpoint.treeSize, entry.inclusion));
  if (!hashEquals(root, checkpoint.root)) throw new VerifyError('insertion-evidence', `${what}: entry not in the served log`);
}

/**
 * @param knownVersion the greatest version the owner verified before (undefined at first).
 * @throws {VerifyError} any code of verifyCheckpoint and verifyGreatestVersion, and
 *   `version-rollback`, `wrong-version-count`, `insertion-evidence`.
 */
export function verifyMonitor(
  policy: VerifyPolicy,
  retained: VerifiedCheckpoint | undefined,
  label: Uint8Array,
  knownVersion: number | undefined,
  response: MonitorResponseShape,
): VerifiedMonitor {
  const checkpoint = verifyCheckpoint(policy, retained, response.fullTreeHead, response.search.latest);
  const greatest = response.greatestVersion;
  if (knownVersion !== undefined && greatest < knownVersion) throw new VerifyError('version-rollback', `greatest version ${greatest} < verified ${knownVersion}`);
  const ladder = verifyGreatestVersion(policy.config, label, greatest, response.binaryLadder, checkpoint.prefixRoot, response.search.prefix, undefined);

  const start = knownVersion === undefined ? 0 : knownVersion + 1;
  const expected = Math.max(0, Math.min(greatest - start + 1, MAX_MONITORED_VERSIONS));
  if (response.versions.length !== expected) throw new VerifyError('wrong-version-count', `${response.versions.length} versions, expected ${expected}`);
  let lastPosition = 0;
  const versions = response.versions.map((mv, j): MonitoredVersionResult => {
    const version = start + j;
    const key = step(`VRF proof of version ${version}`, () => verifySearchKey(policy.config.vrfPublicKey, label, version, mv.vrfProof));
    const commitment = step(`commitment of version ${version}`, () => commit(mv.opening, label, version, mv.value));
    const onLadder = ladder.lookups.find((l) => l.version === version);
    if (onLadder?.commitment !== undefined && !hashEquals(onLadder.commitment, commitment)) throw new VerifyError('insertion-evidence', `version ${version} opens to another commitment than the ladder's`);
    if (mv.position < lastPosition) throw new VerifyError('insertion-evidence', `version ${version} inserted before version ${version - 1}`);
    lastPosition = mv.position;
    entryInTree(`insertion entry of version ${version}`, mv.inserted, mv.position, checkpoint);
    const [present] = step(`insertion proof of version ${version}`, () => verifyPrefixBatch(mv.inserted.prefixRoot, [{ key, commitment }], mv.insertedProof));
    if (present !== true) throw new VerifyError('insertion-evidence', `version ${version} absent from its insertion entry`);
    if (mv.position === 0) {
      if (mv.prior !== undefined) throw new VerifyError('insertion-evidence', 'a prior entry before position 0');
      return { version, value: mv.value.slice(), position: 0, insertedBy: mv.inserted.timestamp };
    }
    const prior = mv.prior;
    if (prior === undefined) throw new VerifyError('insertion-evidence', `version ${version}: no prior entry`);
    entryInTree(`prior entry of version ${version}`, prior.entry, mv.position - 1, checkpoint);
    const [before] = step(`prior proof of version ${version}`, () => verifyPrefixBatch(prior.entry.prefixRoot, [{ key }], prior.absentProof));
    if (before !== false) throw new VerifyError('insertion-evidence', `version ${version} already present before its insertion entry`);
    if (prior.entry.timestamp > mv.inserted.timestamp) throw new VerifyError('insertion-evidence', 'time goes back between the two entries');
    return { version, value: mv.value.slice(), position: mv.position, insertedBy: mv.inserted.timestamp, notBefore: prior.entry.timestamp };
  });
  return { greatestVersion: greatest, versions, checkpoint };
}
