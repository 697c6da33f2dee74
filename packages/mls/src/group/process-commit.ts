/**
 * Processing a commit sent by another member or by an external joiner (RFC 9420 §12.4.2,
 * §12.4.3.2). Everything is computed on copies; the new state is returned only when the
 * proposal list, the UpdatePath, the PSKs and the confirmation tag all check out.
 */
import { DecodeError } from '../codec/errors.ts';
import { MlsCryptoError } from '../crypto/errors.ts';
import { deriveEpochSecrets } from '../key-schedule/epoch-secrets.ts';
import { externalInitReceive, externalKeyPair } from '../key-schedule/external-key.ts';
import type { SecretTree } from '../secret-tree/secret-tree.ts';
import type { AuthenticatedContent, Sender } from '../structs/framing.ts';
import { type GroupContext, groupContextBytes } from '../structs/group-context.ts';
import type { Commit } from '../structs/commit.ts';
import { TreeError } from '../tree/errors.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { transcriptHashesAfter, verifyConfirmationTag } from '../transcript/transcript-hash.ts';
import { TreeKemError } from '../treekem/errors.ts';
import { processUpdatePath } from '../treekem/process-update-path.ts';
import type { PrivateTree } from '../treekem/private-tree.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { ValidationError } from '../validation/errors.ts';
import { type LeafValidationPolicy, validateLeafNode } from '../validation/leaf-node.ts';
import { MemberIndex } from '../validation/member-index.ts';
import { applyProposals } from '../proposals/apply.ts';
import { resolveProposals } from '../proposals/resolve.ts';
import { pathRequired, validateExternalCommitList, validateMemberCommitList } from '../proposals/validate.ts';
import { epochKeysOf, forgetTransientSecrets, pastEpochsAfter, resumptionPsksAfter, secretTreeOf } from './epoch.ts';
import { GroupError } from './errors.ts';
import { MAX_MEMBERS } from './limits.ts';
import { noPsks, type PskResolver, resolvePskSecret } from './psks.ts';
import { type GroupState, sealState } from './state.ts';

export interface CommitOptions {
  readonly policy: LeafValidationPolicy;
  readonly resolvePsk?: PskResolver | undefined;
}

/** The outcome of a commit for us. */
export type CommitOutcome =
  | { readonly kind: 'commit'; readonly state: GroupState; readonly sender: Sender; readonly added: readonly number[]; readonly removed: readonly number[] }
  /** The commit removes us: we cannot (and must not) derive the new epoch (§12.4.2). */
  | { readonly kind: 'removed'; readonly sender: Sender; readonly epoch: bigint };

function treeKemError(error: unknown): never {
  if (error instanceof TreeKemError) {
    if (error.code === 'not-a-member') throw new GroupError('not-a-member', error.message, error);
    throw new GroupError('invalid-path', error.message, error);
  }
  if (error instanceof TreeError) throw new GroupError('invalid-path', error.message, error);
  throw error;
}

/**
 * Our private tree with the leaf key of our Update proposal that the commit applied, if
 * any (§12.1.2): the new leaf's encryption key is one only we can open.
 * @throws GroupError('invalid-proposal') when our leaf changed to a key we do not hold
 */
function withOwnUpdate(state: GroupState, tree: RatchetTree): PrivateTree {
  const me = state.own.leafIndex;
  const current = tree.leaf(me)?.encryptionKey;
  const held = state.own.privateTree.privateKey(2 * me);
  const leafKey = state.tree.leaf(me)?.encryptionKey;
  if (current === undefined || held === undefined || leafKey === undefined || state.suite.provider.constantTimeEqual(current, leafKey)) return state.own.privateTree;
  const pair = state.ownUpdates?.find((p) => state.suite.provider.constantTimeEqual(p.publicKey, current));
  if (pair === undefined) throw new GroupError('invalid-proposal', `our leaf ${me} was updated to a key we do not hold`);
  const privateTree = state.own.privateTree.clone();
  privateTree.setKeyPair(2 * me, pair);
  return privateTree;
}

/**
 * Applies `authenticated` (a commit, already unprotected with the current epoch's keys) to
 * `state` (§12.4.2). `oldSecretTree` is the current epoch's secret tree with the commit's
 * key consumed; it is kept for late application messages.
 * @throws GroupError own-commit | unknown-proposal-reference | invalid-proposal | invalid-proposal-list |
 *   committer-removed | unsupported-sender | path-required | invalid-path | invalid-leaf | missing-psk |
 *   too-many-members | malformed-message | invalid-confirmation-tag
 */
export function processCommit(state: GroupState, authenticated: AuthenticatedContent, oldSecretTree: SecretTree, options: CommitOptions): CommitOutcome {
  const { suite } = state;
  const content = authenticated.content;
  if (content.content.type !== 'commit') throw new GroupError('malformed-message', 'not a commit');
  const commit: Commit = content.content.commit;
  const sender = content.sender;
  const context = state.groupContext;
  const external = sender.type === 'new_member_commit';
  if (sender.type !== 'member' && !external) throw new GroupError('unsupported-sender', `${sender.type} cannot commit`);
  if (sender.type === 'member' && sender.leafIndex === state.own.leafIndex) throw new GroupError('own-commit', 'a commit of our own leaf');

  // §12.4.2: proposals, list validity, path presence.
  const proposals = resolveProposals(commit.proposals, sender, external ? [] : state.pendingProposals);
  if (sender.type === 'member') validateMemberCommitList(suite, context, state.tree, sender.leafIndex, proposals);
  else validateExternalCommitList(suite, context, state.tree, proposals);
  if (pathRequired(proposals) && commit.path === undefined) throw new GroupError('path-required', `commit of ${proposals.length} proposals without an UpdatePath`);
  const applied = applyProposals(suite, context, state.tree, proposals, options.policy);
  const pskSecret = resolvePskSecret(suite, applied.pskIds, options.resolvePsk ?? noPsks, state);

  const ownLeaf = state.own.leafIndex;
  if (applied.removed.has(ownLeaf)) return { kind: 'removed', sender, epoch: context.epoch };

  const tree = applied.tree;
  let committer: number;
  if (sender.type === 'member') {
    committer = sender.leafIndex;
  } else {
    // §12.4.3.2: the joiner takes the leftmost blank leaf (extending the tree when full).
    if (commit.path === undefined) throw new GroupError('path-required', 'external commit without an UpdatePath');
    if (tree.memberCount() + 1 > MAX_MEMBERS) throw new GroupError('too-many-members', `external join beyond ${MAX_MEMBERS} members`);
    try {
      committer = tree.addLeaf(commit.path.leafNode);
    } catch (error) {
      return treeKemError(error);
    }
  }

  const provisional: Omit<GroupContext, 'treeHash'> = {
    version: context.version,
    cipherSuite: context.cipherSuite,
    groupId: context.groupId,
    epoch: context.epoch + 1n,
    confirmedTranscriptHash: context.confirmedTranscriptHash,
    extensions: applied.extensions,
  };
  const addedLeaves = new Set(applied.added.map((a) => a.leafIndex));
  const ownPrivate = withOwnUpdate(state, tree);
  let commitSecret: Uint8Array | undefined;
  let privateTree: PrivateTree;
  if (commit.path !== undefined) {
    const group = { suite, version: context.version, groupId: context.groupId, extensions: applied.extensions };
    try {
      if (external) {
        // The leaf was placed above; validate it as a commit leaf of its new position, against the others.
        validateLeafNode(commit.path.leafNode, { kind: 'tree', leafIndex: committer }, group, tree, MemberIndex.of(tree), options.policy);
        if (commit.path.leafNode.source.type !== 'commit') throw new GroupError('invalid-leaf', 'external commit leaf is not a commit leaf');
      } else {
        validateLeafNode(commit.path.leafNode, { kind: 'commit', leafIndex: committer }, group, tree, MemberIndex.of(tree), options.policy);
      }
    } catch (error) {
      if (error instanceof ValidationError || error instanceof DecodeError) throw new GroupError('invalid-leaf', `committer leaf ${committer}: ${error.message}`, error);
      throw error;
    }
    try {
      const processed = processUpdatePath({ suite, tree, sender: committer, updatePath: commit.path, context: provisional, privateTree: ownPrivate, addedLeaves });
      commitSecret = processed.commitSecret;
      privateTree = processed.privateTree;
    } catch (error) {
      return treeKemError(error);
    }
  } else {
    privateTree = ownPrivate.clone();
    privateTree.prune(suite, tree);
  }

  // §8.3: an external commit's init secret comes from its ExternalInit.
  let initSecret = state.keys.initSecret;
  if (external) {
    if (applied.externalInit === undefined) throw new GroupError('invalid-proposal-list', 'external commit without ExternalInit');
    try {
      initSecret = externalInitReceive(suite, externalKeyPair(suite, state.keys.externalSecret).privateKey, applied.externalInit.kemOutput);
    } catch (error) {
      if (error instanceof MlsCryptoError) throw new GroupError('invalid-proposal', `ExternalInit: ${error.code}`, error);
      throw error;
    }
  }

  let transcript;
  try {
    transcript = transcriptHashesAfter(suite, state.interimTranscriptHash, authenticated);
  } catch (error) {
    throw new GroupError('malformed-message', 'commit without confirmation tag', error as Error);
  }
  const newContext: GroupContext = { ...provisional, treeHash: treeHash(suite, tree), confirmedTranscriptHash: transcript.confirmed };
  const secrets = deriveEpochSecrets(suite, { initSecret, commitSecret, pskSecret, groupContext: groupContextBytes(newContext) });
  const tag = authenticated.auth.confirmationTag!;
  if (!verifyConfirmationTag(suite, secrets.confirmationKey, transcript.confirmed, tag)) {
    throw new GroupError('invalid-confirmation-tag', `commit for epoch ${newContext.epoch}`);
  }

  const secretTree = secretTreeOf(suite, secrets, tree);
  forgetTransientSecrets(secrets);
  const previous = { ...state, secretTree: oldSecretTree };
  const next: GroupState = sealState({
    suite,
    groupContext: newContext,
    tree,
    own: { leafIndex: ownLeaf, signatureKey: state.own.signatureKey, privateTree },
    keys: epochKeysOf(secrets),
    secretTree,
    interimTranscriptHash: transcript.interim,
    confirmationTag: tag,
    pendingProposals: [],
    pastEpochs: pastEpochsAfter(previous),
    resumptionPsks: resumptionPsksAfter(previous),
    ...(applied.reinit === undefined ? {} : { reinit: applied.reinit }),
  });
  return { kind: 'commit', state: next, sender, added: [...addedLeaves], removed: [...applied.removed] };
}
