/**
 * The auditor's check of one log entry (draft-ietf-keytrans-protocol, "Third-Party
 * Auditing", steps 1-7), specialised to Sealed's insert-only directory and audit feed. The
 * auditor keeps its own prefix tree and log frontier, so both roots are recomputed from the
 * inserted leaves alone; nothing the server says about earlier state is trusted.
 *
 * Pure: the caller passes the state and the clock; the state is returned new, never
 * changed in place, so a refused update leaves nothing half-applied.
 */
import { type Configuration } from '@sealed/kt/checkpoint/configuration';
import { verifyTreeHeadSignature } from '@sealed/kt/checkpoint/tree-head';
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { hashEquals, HASH_LEN } from '@sealed/kt/log/merkle-hash';
import { PrefixError } from '@sealed/kt/prefix/prefix-error';
import { VRF_OUTPUT_LEN } from '@sealed/kt/prefix/prefix-hash';
import { PrefixTree } from '@sealed/kt/prefix/prefix-tree';
import { AuditError } from './audit-error.ts';
import { type EpochUpdate, MAX_LEAVES_PER_EPOCH } from './epoch-update.ts';
import { appendLeaf, EMPTY_FRONTIER, frontierRoot, type LogFrontier } from './log-frontier.ts';

export interface AuditState {
  readonly frontier: LogFrontier;
  readonly prefix: PrefixTree;
  /** Timestamp of the last entry (0 before the first). */
  readonly lastTimestamp: number;
}

export const INITIAL_AUDIT_STATE: AuditState = { frontier: EMPTY_FRONTIER, prefix: PrefixTree.empty(), lastTimestamp: 0 };

/** The head the auditor may countersign once an update passed. */
export interface CheckedHead {
  readonly treeSize: number;
  readonly timestamp: number;
  readonly root: Uint8Array;
}

function checkShape(u: EpochUpdate): void {
  if (!Number.isSafeInteger(u.treeSize) || u.treeSize < 1) throw new AuditError('malformed-update', 'tree size must be a positive safe integer');
  if (!Number.isSafeInteger(u.timestamp) || u.timestamp < 0) throw new AuditError('malformed-update', 'timestamp must be a safe non-negative integer');
  if (u.added.length > MAX_LEAVES_PER_EPOCH) throw new AuditError('too-many-leaves', `${u.added.length} > ${MAX_LEAVES_PER_EPOCH} added leaves`);
  if (u.removed.length > MAX_LEAVES_PER_EPOCH) throw new AuditError('too-many-leaves', `${u.removed.length} > ${MAX_LEAVES_PER_EPOCH} removed leaves`);
  if (u.prefixRoot.length !== HASH_LEN) throw new AuditError('malformed-update', `prefix root must be ${HASH_LEN} octets`);
  for (const leaf of u.added) {
    if (leaf.vrfOutput.length !== VRF_OUTPUT_LEN || leaf.commitment.length !== HASH_LEN) throw new AuditError('malformed-update', 'a leaf has a wrong-length key or commitment');
  }
}

/**
 * Checks `update` against `state` and returns the next state and the head to countersign.
 * Order: shape and bounds, position, time, the log's signature over the log root
 * recomputed with the served entry (so every later failure is evidence the log signed),
 * then insert-only and the prefix root recomputed from the inserted leaves.
 * @param now the auditor's clock (ms); an entry more than `config.maxAhead` ahead of it
 *   is refused (`time-ahead`): a clock the log cannot honestly have.
 * @throws {AuditError} with the code of the first failed check.
 */
export function checkEpoch(config: Configuration, state: AuditState, update: EpochUpdate, now: number): { state: AuditState; head: CheckedHead } {
  checkShape(update);
  const expectedSize = state.frontier.size + 1;
  if (update.treeSize !== expectedSize) throw new AuditError('non-contiguous', `expected the entry making size ${expectedSize}, got ${update.treeSize}`);
  // Step 1: time never goes back; and it cannot run ahead of the auditor's clock either.
  if (update.timestamp < state.lastTimestamp) throw new AuditError('time-went-back', `entry ${update.treeSize - 1}: ${update.timestamp} < ${state.lastTimestamp}`);
  if (update.timestamp > now + config.maxAhead) throw new AuditError('time-ahead', `entry ${update.treeSize - 1} is ${update.timestamp - now} ms ahead of the auditor's clock`);
  // Step 7 (log part): the log root with this entry appended, which the log must have signed.
  const frontier = appendLeaf(state.frontier, logEntryLeafHash({ timestamp: update.timestamp, prefixTreeRoot: update.prefixRoot }));
  const root = frontierRoot(frontier);
  try {
    verifyTreeHeadSignature(config, update.treeSize, root, update.logSignature);
  } catch {
    throw new AuditError('bad-log-signature', `TreeHead of size ${update.treeSize} does not verify over the recomputed log root`);
  }
  // Steps 2-4, insert-only: nothing removed, added keys distinct and new.
  if (update.removed.length > 0) throw new AuditError('not-insert-only', `entry ${update.treeSize - 1} removes ${update.removed.length} leaves`);
  let prefix = state.prefix;
  for (const [i, leaf] of update.added.entries()) {
    try {
      prefix = prefix.insert(leaf.vrfOutput, leaf.commitment);
    } catch (error) {
      if (error instanceof PrefixError && error.code === 'duplicate-key') throw new AuditError('not-insert-only', `added leaf ${i} is already in the tree`);
      throw error;
    }
  }
  // Steps 6-7 (prefix part): the served prefix root is the one the inserts make.
  if (!hashEquals(prefix.rootValue(), update.prefixRoot)) throw new AuditError('prefix-root-mismatch', `entry ${update.treeSize - 1}: prefix root differs from the inserted leaves`);
  return { state: { frontier, prefix, lastTimestamp: update.timestamp }, head: { treeSize: update.treeSize, timestamp: update.timestamp, root } };
}
