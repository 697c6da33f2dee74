/**
 * Creating a commit (RFC 9420 §12.4.1) and the Welcome for the members it adds
 * (§12.4.3.1). The rules of §12.2 are obeyed: the same validation as for received commits
 * runs on the list before anything is signed.
 *
 * The commit does not change `state`: the caller sends `commit` (and `welcome`) and adopts
 * `state` from the result once the delivery service accepted the commit. If another commit
 * of the same epoch wins, the caller drops this result and processes that one instead.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { deriveEpochSecrets } from '../key-schedule/epoch-secrets.ts';
import type { Commit } from '../structs/commit.ts';
import type { AuthenticatedContent, FramingWireFormat } from '../structs/framing.ts';
import { type GroupContext, groupContextBytes } from '../structs/group-context.ts';
import type { GroupInfo } from '../structs/group-info.ts';
import { mlsMessageBytes } from '../structs/mls-message.ts';
import type { Proposal, ProposalOrRef } from '../structs/proposals.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { confirmationTag, confirmedTranscriptHash, interimTranscriptHash } from '../transcript/transcript-hash.ts';
import { createUpdatePath, pathSecretForNewMember, type CreatedUpdatePath } from '../treekem/create-update-path.ts';
import type { PrivateTree } from '../treekem/private-tree.ts';
import type { LeafValidationPolicy } from '../validation/leaf-node.ts';
import { type AppliedProposals, applyProposals } from '../proposals/apply.ts';
import { type ResolvedProposal } from '../proposals/resolve.ts';
import { pathRequired, validateMemberCommitList } from '../proposals/validate.ts';
import { createGroupInfo, createWelcome } from '../welcome/create.ts';
import { epochKeysOf, forgetTransientSecrets, pastEpochsAfter, resumptionPsksAfter, secretTreeOf } from './epoch.ts';
import { GroupError } from './errors.ts';
import { protect, signContent } from './frame.ts';
import { MAX_MEMBERS } from './limits.ts';
import { noPsks, type PskResolver, resolvePskSecret } from './psks.ts';
import { type GroupState, type PendingProposal, sealState } from './state.ts';

export interface CreateCommitOptions {
  readonly policy: LeafValidationPolicy;
  /** Proposals sent by value in this commit (ours). */
  readonly proposals?: readonly Proposal[] | undefined;
  /** Commit every proposal stored in this epoch by reference (default true). */
  readonly includePending?: boolean | undefined;
  /** Add an UpdatePath even where §12.4 allows leaving it out (default: only when required). */
  readonly forcePath?: boolean | undefined;
  /** Default mls_private_message. */
  readonly wireFormat?: FramingWireFormat | undefined;
  /** Put the tree in the Welcome's GroupInfo (default true). */
  readonly ratchetTreeInWelcome?: boolean | undefined;
  readonly resolvePsk?: PskResolver | undefined;
  readonly authenticatedData?: Uint8Array | undefined;
}

export interface CreatedCommit {
  /** MLSMessage bytes of the commit, protected with the current epoch's keys. */
  readonly commit: Uint8Array;
  /** MLSMessage bytes of the Welcome, when the commit adds members. */
  readonly welcome: Uint8Array | undefined;
  /**
   * The new epoch's GroupInfo (signed), e.g. to publish for external joins. Built on first
   * read when the commit has no Welcome (it encodes the whole tree and signs it, work an
   * update commit does not otherwise need).
   */
  readonly groupInfo: GroupInfo;
  /** Our state in the new epoch, to adopt once the commit is accepted. */
  readonly state: GroupState;
  readonly added: readonly number[];
  readonly removed: readonly number[];
}

const EMPTY = new Uint8Array(0);

/** Why a pending proposal may be left out of our commit (§12.4: include those that keep the list valid). */
const OMITTABLE: ReadonlySet<string> = new Set(['invalid-proposal', 'invalid-proposal-list', 'committer-removed', 'missing-psk', 'too-many-members']);

interface CheckedList {
  readonly pending: readonly PendingProposal[];
  readonly resolved: readonly ResolvedProposal[];
  readonly applied: AppliedProposals;
  readonly pskSecret: Uint8Array | undefined;
}

/** The §12.2 checks, the proposals applied (§12.3) and the PSKs resolved for one candidate list. @throws GroupError */
function checkList(state: GroupState, options: CreateCommitOptions, pending: readonly PendingProposal[], byValue: readonly Proposal[]): CheckedList {
  const sender = { type: 'member', leafIndex: state.own.leafIndex } as const;
  const resolved: ResolvedProposal[] = [
    ...pending.map((p) => ({ proposal: p.proposal, sender: p.sender, byReference: true })),
    ...byValue.map((proposal) => ({ proposal, sender, byReference: false })),
  ];
  validateMemberCommitList(state.suite, state.groupContext, state.tree, state.own.leafIndex, resolved);
  const applied = applyProposals(state.suite, state.groupContext, state.tree, resolved, options.policy);
  if (applied.tree.memberCount() > MAX_MEMBERS) throw new GroupError('too-many-members', `${applied.tree.memberCount()} members`);
  const pskSecret = resolvePskSecret(state.suite, applied.pskIds, options.resolvePsk ?? noPsks, state);
  return { pending, resolved, applied, pskSecret };
}

/**
 * Our proposals by value with as many of the pending proposals as keep the list valid
 * (§12.4 "as long as this results in a valid proposal list"): all of them when they fit,
 * else one at a time, Removes first (§12.2: prefer a Remove over an Update of the same
 * leaf), in received order otherwise. A proposal received valid on its own may still not be
 * committable (a GroupContextExtensions some member does not support, a PSK we lack, a
 * Remove of us); leaving it out keeps one such proposal from blocking every commit.
 * @throws GroupError when our by-value proposals are invalid on their own
 */
function selectProposals(state: GroupState, options: CreateCommitOptions, byValue: readonly Proposal[]): CheckedList {
  const pending = options.includePending === false ? [] : state.pendingProposals;
  try {
    return checkList(state, options, pending, byValue);
  } catch (error) {
    if (pending.length === 0 || !(error instanceof GroupError) || !OMITTABLE.has(error.code)) throw error;
  }
  let best = checkList(state, options, [], byValue);
  const order = [...pending.filter((p) => p.proposal.type === 'remove'), ...pending.filter((p) => p.proposal.type !== 'remove')];
  const chosen = new Set<PendingProposal>();
  for (const candidate of order) {
    const trial = pending.filter((p) => chosen.has(p) || p === candidate);
    try {
      best = checkList(state, options, trial, byValue);
      chosen.add(candidate);
    } catch (error) {
      if (!(error instanceof GroupError) || !OMITTABLE.has(error.code)) throw error;
    }
  }
  return best;
}

/**
 * Builds a commit of `options.proposals` and the pending proposals that keep the list
 * valid (§12.4.1, see selectProposals).
 * @throws GroupError('reinit-pending' | 'invalid-proposal' | 'invalid-proposal-list' | 'committer-removed'
 *   | 'unsupported-sender' | 'missing-psk' | 'too-many-members')
 */
export function createCommit(state: GroupState, options: CreateCommitOptions): CreatedCommit {
  if (state.reinit !== undefined) throw new GroupError('reinit-pending', 'the group was reinitialised (§11.2)');
  const suite: CipherSuite = state.suite;
  const me = state.own.leafIndex;
  const byValue = options.proposals ?? [];
  const { pending, resolved, applied, pskSecret } = selectProposals(state, options, byValue);
  const list: ProposalOrRef[] = [
    ...pending.map((p): ProposalOrRef => ({ type: 'reference', reference: p.ref })),
    ...byValue.map((proposal): ProposalOrRef => ({ type: 'proposal', proposal })),
  ];
  const context = state.groupContext;
  const tree = applied.tree;
  const addedLeaves = new Set(applied.added.map((a) => a.leafIndex));

  const provisional: Omit<GroupContext, 'treeHash'> = {
    version: context.version,
    cipherSuite: context.cipherSuite,
    groupId: context.groupId,
    epoch: context.epoch + 1n,
    confirmedTranscriptHash: context.confirmedTranscriptHash,
    extensions: applied.extensions,
  };
  let created: CreatedUpdatePath | undefined;
  let privateTree: PrivateTree;
  if (pathRequired(resolved) || options.forcePath === true) {
    created = createUpdatePath({ suite, tree, leafIndex: me, signaturePrivateKey: state.own.signatureKey, context: provisional, addedLeaves });
    privateTree = created.privateTree;
  } else {
    privateTree = state.own.privateTree.clone();
    privateTree.prune(suite, tree);
  }
  const commit: Commit = created === undefined ? { proposals: list } : { proposals: list, path: created.updatePath };

  const signed = signContent(state, { type: 'commit', commit }, options.wireFormat ?? 'mls_private_message', options.authenticatedData ?? EMPTY);
  const confirmed = confirmedTranscriptHash(suite, state.interimTranscriptHash, signed);
  const newContext: GroupContext = { ...provisional, treeHash: treeHash(suite, tree), confirmedTranscriptHash: confirmed };
  const secrets = deriveEpochSecrets(suite, {
    initSecret: state.keys.initSecret,
    commitSecret: created?.commitSecret,
    pskSecret,
    groupContext: groupContextBytes(newContext),
  });
  const tag = confirmationTag(suite, secrets.confirmationKey, confirmed);
  const authenticated: AuthenticatedContent = { ...signed, auth: { ...signed.auth, confirmationTag: tag } };
  const commitBytes = protect(state, authenticated);

  const secretTree = secretTreeOf(suite, secrets, tree);
  const next: GroupState = sealState({
    suite,
    groupContext: newContext,
    tree,
    own: { leafIndex: me, signatureKey: state.own.signatureKey, privateTree },
    keys: epochKeysOf(secrets),
    secretTree,
    interimTranscriptHash: interimTranscriptHash(suite, confirmed, tag),
    confirmationTag: tag,
    pendingProposals: [],
    pastEpochs: pastEpochsAfter(state),
    resumptionPsks: resumptionPsksAfter(state),
    ...(applied.reinit === undefined ? {} : { reinit: applied.reinit }),
  });
  let groupInfo: GroupInfo | undefined;
  const groupInfoOf = (): GroupInfo => (groupInfo ??= createGroupInfo(next, { withRatchetTree: options.ratchetTreeInWelcome !== false }));
  let welcome: Uint8Array | undefined;
  if (applied.added.length > 0) {
    const recipients = applied.added.map(({ leafIndex, keyPackage }) => ({
      keyPackage,
      pathSecret: created === undefined ? undefined : pathSecretForNewMember(tree, created, leafIndex),
    }));
    welcome = mlsMessageBytes({ wireFormat: 'mls_welcome', welcome: createWelcome(suite, groupInfoOf(), secrets, applied.pskIds, recipients) });
  }
  forgetTransientSecrets(secrets);
  secrets.joinerSecret.fill(0);
  return {
    commit: commitBytes,
    welcome,
    get groupInfo(): GroupInfo {
      return groupInfoOf();
    },
    state: next,
    added: [...addedLeaves],
    removed: [...applied.removed],
  };
}
