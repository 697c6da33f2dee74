/**
 * The group API the client SDK uses, without RFC details: one function per user-level
 * action, each taking a GroupState and returning a new one (plus what to send). Lower-level
 * functions (createCommit, propose, processMessage, joinFromWelcome, joinByExternalCommit)
 * stay available for callers that need more control.
 *
 * Credential checks (key transparency in Sealed's client) come in through
 * `policy.validateCredential`; `rejectAllCredentials` is the fail-closed default.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import type { KeyPackage } from '../structs/key-package.ts';
import { parseMLSMessage } from '../structs/mls-message.ts';
import type { RatchetTree as WireRatchetTree } from '../structs/ratchet-tree.ts';
import { DecodeError } from '../codec/errors.ts';
import { joinFromWelcome } from '../welcome/join.ts';
import { type CreatedCommit, type CreateCommitOptions, createCommit } from './commit.ts';
import { GroupError } from './errors.ts';
import type { KeyPackageBundle } from './key-package.ts';
import { MAX_MESSAGE_BYTES } from './limits.ts';
import type { ProcessOptions, ProcessResult } from './process.ts';
import { processMessage } from './process.ts';
import type { PskResolver } from './psks.ts';
import type { GroupState } from './state.ts';

export type CommitOptions = Omit<CreateCommitOptions, 'proposals'>;

/**
 * Adds the holders of `keyPackages` (§12.1.1) in one commit, with any pending proposals.
 * Returns the commit for the group and the Welcome for the new members.
 * @throws GroupError as createCommit
 */
export function addMembers(state: GroupState, keyPackages: readonly KeyPackage[], options: CommitOptions): CreatedCommit {
  return createCommit(state, { ...options, proposals: keyPackages.map((keyPackage) => ({ type: 'add', keyPackage })) });
}

/**
 * Removes the members at `leafIndices` (§12.1.3) in one commit (with an UpdatePath, as §12.4 requires).
 * @throws GroupError as createCommit
 */
export function removeMembers(state: GroupState, leafIndices: readonly number[], options: CommitOptions): CreatedCommit {
  return createCommit(state, { ...options, proposals: leafIndices.map((removed) => ({ type: 'remove', removed })) });
}

/**
 * A commit of every pending proposal and a fresh UpdatePath for us (post-compromise
 * security for our leaf, §12.4 "full" or "empty" commit).
 * @throws GroupError as createCommit
 */
export function selfUpdate(state: GroupState, options: CommitOptions): CreatedCommit {
  return createCommit(state, { ...options, forcePath: true });
}

/**
 * Commits the proposals received in this epoch (§12.4), with a path only where required.
 * @throws GroupError as createCommit
 */
export function commitPending(state: GroupState, options: CommitOptions): CreatedCommit {
  return createCommit(state, options);
}

export interface WelcomeOptions {
  readonly suite: CipherSuite;
  readonly policy: ProcessOptions['policy'];
  readonly resolvePsk?: PskResolver | undefined;
  /** The tree when the Welcome's GroupInfo does not carry it. */
  readonly ratchetTree?: WireRatchetTree | undefined;
}

/** Every kind of result of an incoming message, the joining Welcome included. */
export interface WelcomeJoined {
  readonly kind: 'welcome-joined';
  readonly state: GroupState;
}
export type IncomingResult = ProcessResult | WelcomeJoined;

/**
 * Joins from a Welcome MLSMessage (bytes) made for one of our KeyPackages (§12.4.3.1).
 * @throws GroupError('message-too-large' | 'malformed-message') and as joinFromWelcome
 */
export function processWelcome(bytes: Uint8Array, keyPackage: KeyPackageBundle, options: WelcomeOptions): WelcomeJoined {
  if (bytes.length > MAX_MESSAGE_BYTES) throw new GroupError('message-too-large', `${bytes.length} bytes > ${MAX_MESSAGE_BYTES}`);
  let message;
  try {
    message = parseMLSMessage(bytes);
  } catch (error) {
    if (error instanceof DecodeError) throw new GroupError('malformed-message', error.message, error);
    throw error;
  }
  if (message.wireFormat !== 'mls_welcome') throw new GroupError('malformed-message', `${message.wireFormat} is not a Welcome`);
  return {
    kind: 'welcome-joined',
    state: joinFromWelcome({ suite: options.suite, welcome: message.welcome, keyPackage, policy: options.policy, ratchetTree: options.ratchetTree, resolvePsk: options.resolvePsk }),
  };
}

/** Processes a group message (application data, proposal, commit) for `state`; see processMessage. */
export function processIncoming(state: GroupState, bytes: Uint8Array, options: ProcessOptions): IncomingResult {
  return processMessage(state, bytes, options);
}
