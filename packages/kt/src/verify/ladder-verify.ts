/**
 * The greatest-version part shared by search and monitor verification: the binary ladder's
 * VRF proofs give the search keys, and a batched prefix proof in the latest prefix tree must
 * show every ladder version up to the claimed greatest included and every one above absent
 * (draft-ietf-keytrans-protocol, "Greatest-Version Search", "Binary Ladder"); and the
 * fixed-version search's ladder, whose lookups must all be included.
 */
import type { Configuration } from '../checkpoint/configuration.ts';
import { baseBinaryLadder, monitoringBinaryLadder } from '../ladder/binary-ladder.ts';
import { verifyPrefixBatch, type PrefixBatchProof, type PrefixQuery } from '../prefix/prefix-batch.ts';
import { verifySearchKey } from '../prefix/search-key.ts';
import type { LadderStepShape } from './shapes.ts';
import { step, VerifyError } from './verify-error.ts';

export interface VerifiedLadder {
  /** Per ladder version: its search key and commitment (when included). */
  readonly lookups: readonly { readonly version: number; readonly key: Uint8Array; readonly commitment?: Uint8Array }[];
}

/**
 * @param targetCommitment the commitment of version `greatest` computed by the caller from
 *   opening and value (search), or undefined when every included step carries its own
 *   commitment (monitor).
 * @throws {VerifyError} `wrong-step-count`, `unexpected-commitment`, `ladder-mismatch`,
 *   `invalid-proof`.
 */
export function verifyGreatestVersion(
  config: Configuration,
  label: Uint8Array,
  greatest: number,
  steps: readonly LadderStepShape[],
  prefixRoot: Uint8Array,
  prefix: PrefixBatchProof,
  targetCommitment: Uint8Array | undefined,
): VerifiedLadder {
  const versions = step('binary ladder', () => baseBinaryLadder(greatest));
  return verifyLadder(config, label, versions, greatest, steps, prefixRoot, prefix, targetCommitment);
}

/**
 * The fixed-version part of a search: the lookups of monitoringBinaryLadder(version), every
 * one included in the latest prefix tree, the target with `targetCommitment`. So version
 * `version` is in the log with the value the caller opened, and so are the versions the
 * ladder passes on the way (a log that drops an earlier version is caught here too).
 * @throws {VerifyError} as verifyGreatestVersion.
 */
export function verifyVersionIncluded(
  config: Configuration,
  label: Uint8Array,
  version: number,
  steps: readonly LadderStepShape[],
  prefixRoot: Uint8Array,
  prefix: PrefixBatchProof,
  targetCommitment: Uint8Array,
): VerifiedLadder {
  const versions = step('binary ladder', () => monitoringBinaryLadder(version));
  return verifyLadder(config, label, versions, version, steps, prefixRoot, prefix, targetCommitment);
}

/** Lookups `versions`: those up to `bound` must be included (with commitments), those above absent. */
function verifyLadder(
  config: Configuration,
  label: Uint8Array,
  versions: readonly number[],
  bound: number,
  steps: readonly LadderStepShape[],
  prefixRoot: Uint8Array,
  prefix: PrefixBatchProof,
  targetCommitment: Uint8Array | undefined,
): VerifiedLadder {
  if (steps.length !== versions.length) throw new VerifyError('wrong-step-count', `${steps.length} steps for a ladder of ${versions.length}`);
  const lookups = versions.map((version, i) => {
    const s = steps[i]!;
    const key = step(`VRF proof of ladder step ${i}`, () => verifySearchKey(config.vrfPublicKey, label, version, s.proof));
    if (version === bound && targetCommitment !== undefined) {
      if (s.commitment !== undefined) throw new VerifyError('unexpected-commitment', 'the target version carries a commitment');
      return { version, key, commitment: targetCommitment };
    }
    if (version <= bound) {
      if (s.commitment === undefined) throw new VerifyError('unexpected-commitment', `included version at step ${i} without a commitment`);
      return { version, key, commitment: s.commitment };
    }
    if (s.commitment !== undefined) throw new VerifyError('unexpected-commitment', `absent version at step ${i} with a commitment`);
    return { version, key };
  });
  const queries: PrefixQuery[] = lookups.map((l) => (l.commitment === undefined ? { key: l.key } : { key: l.key, commitment: l.commitment }));
  const included = step('ladder prefix proof', () => verifyPrefixBatch(prefixRoot, queries, prefix));
  included.forEach((inc, i) => {
    if (inc !== (versions[i]! <= bound)) throw new VerifyError('ladder-mismatch', `version ${versions[i]} is ${inc ? 'present' : 'absent'} against ${bound}`);
  });
  return { lookups };
}
