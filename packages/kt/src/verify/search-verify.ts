/**
 * Verifying a SearchResponse (draft-ietf-keytrans-protocol, "Search", steps 1-6, with
 * Sealed's SearchProof; see docs/key-transparency.md "Wire contract"): checkpoint, then the
 * greatest-version ladder in the latest prefix tree, with the target's commitment computed
 * from the opening and value; and a fixed-version search (one given version, its ladder
 * all included). Pure: the caller persists the returned checkpoint only after
 * this returns.
 */
import { commit } from '../prefix/commitment.ts';
import { verifyCheckpoint, type VerifiedCheckpoint, type VerifyPolicy } from './checkpoint-verify.ts';
import { verifyGreatestVersion, verifyVersionIncluded } from './ladder-verify.ts';
import type { SearchResponseShape } from './shapes.ts';
import { step, VerifyError } from './verify-error.ts';

export interface VerifiedSearch {
  readonly version: number;
  /** The label's value at `version` (a copy). */
  readonly value: Uint8Array;
  readonly checkpoint: VerifiedCheckpoint;
}

/**
 * @param retained the checkpoint kept from the last verified response (its treeSize was
 *   sent as `last`), or undefined on first use.
 * @throws {VerifyError} any code of verifyCheckpoint and verifyGreatestVersion.
 */
export function verifySearch(policy: VerifyPolicy, retained: VerifiedCheckpoint | undefined, label: Uint8Array, response: SearchResponseShape): VerifiedSearch {
  const checkpoint = verifyCheckpoint(policy, retained, response.fullTreeHead, response.search.latest);
  const target = step('commitment', () => commit(response.opening, label, response.version, response.value));
  verifyGreatestVersion(policy.config, label, response.version, response.binaryLadder, checkpoint.prefixRoot, response.search.prefix, target);
  return { version: response.version, value: response.value.slice(), checkpoint };
}

/**
 * Verifies a fixed-version search: the response must be for exactly `version`, and the
 * version and its ladder predecessors must be included in the latest prefix tree. It says
 * nothing about later versions (a greatest-version search does).
 * @throws {VerifyError} `ladder-mismatch` for a response about another version, and any
 *   code of verifyCheckpoint and verifyVersionIncluded.
 */
export function verifyFixedVersionSearch(policy: VerifyPolicy, retained: VerifiedCheckpoint | undefined, label: Uint8Array, version: number, response: SearchResponseShape): VerifiedSearch {
  if (response.version !== version) throw new VerifyError('ladder-mismatch', `a response about version ${response.version}, asked for ${version}`);
  const checkpoint = verifyCheckpoint(policy, retained, response.fullTreeHead, response.search.latest);
  const target = step('commitment', () => commit(response.opening, label, response.version, response.value));
  verifyVersionIncluded(policy.config, label, version, response.binaryLadder, checkpoint.prefixRoot, response.search.prefix, target);
  return { version, value: response.value.slice(), checkpoint };
}
