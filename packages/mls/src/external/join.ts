/**
 * Joining a group by external commit (RFC 9420 §12.4.3.2): from a GroupInfo that carries
 * external_pub, a non-member (e.g. a user's new device, or one that lost its state) adds
 * itself with an ExternalInit and an UpdatePath, optionally removing its own old leaf.
 *
 * §8.3: kem_output, context = SetupBaseS(external_pub, ""); init_secret = context.export(
 * "MLS 1.0 external init secret", Nh). The commit is a PublicMessage from sender type
 * new_member_commit, signed with the GroupInfo's GroupContext, without membership tag.
 */
import type { KeyPair } from '@sealed/crypto/provider';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsCryptoError } from '../crypto/errors.ts';
import { DecodeError } from '../codec/errors.ts';
import { deriveEpochSecrets } from '../key-schedule/epoch-secrets.ts';
import { externalInitSend } from '../key-schedule/external-key.ts';
import { protectPublicMessage } from '../protection/public-message.ts';
import { signFramedContent } from '../protection/signing.ts';
import type { Capabilities } from '../structs/capabilities.ts';
import type { Commit } from '../structs/commit.ts';
import type { Credential } from '../structs/credential.ts';
import { ExtensionType } from '../structs/enums.ts';
import { type Extension, findExtension, parseExternalPub } from '../structs/extensions.ts';
import type { AuthenticatedContent, FramedContent } from '../structs/framing.ts';
import { type GroupContext, groupContextBytes } from '../structs/group-context.ts';
import type { GroupInfo } from '../structs/group-info.ts';
import { mlsMessageBytes } from '../structs/mls-message.ts';
import type { Proposal, ProposalOrRef } from '../structs/proposals.ts';
import type { PreSharedKeyID } from '../structs/psk.ts';
import type { RatchetTree as WireRatchetTree } from '../structs/ratchet-tree.ts';
import { TreeError } from '../tree/errors.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { confirmationTag, confirmedTranscriptHash, interimTranscriptHash } from '../transcript/transcript-hash.ts';
import { createUpdatePath } from '../treekem/create-update-path.ts';
import type { LeafValidationPolicy } from '../validation/leaf-node.ts';
import { applyProposals } from '../proposals/apply.ts';
import type { ResolvedProposal } from '../proposals/resolve.ts';
import { validateExternalCommitList } from '../proposals/validate.ts';
import { epochKeysOf, forgetTransientSecrets, secretTreeOf } from '../group/epoch.ts';
import { GroupError } from '../group/errors.ts';
import { defaultCapabilities } from '../group/key-package.ts';
import { noPsks, type PskResolver, resolvePskSecret } from '../group/psks.ts';
import { type GroupState, sealState } from '../group/state.ts';
import { treeOfGroupInfo, verifyGroupInfoAndTree } from '../welcome/join.ts';

export interface ExternalJoinInput {
  readonly suite: CipherSuite;
  readonly groupInfo: GroupInfo;
  /** The tree, when the GroupInfo has no ratchet_tree extension. */
  readonly ratchetTree?: WireRatchetTree | undefined;
  readonly policy: LeafValidationPolicy;
  readonly credential: Credential;
  readonly signatureKeyPair: KeyPair;
  readonly capabilities?: Partial<Capabilities> | undefined;
  readonly leafExtensions?: readonly Extension[] | undefined;
  /** Our own old leaf to remove (a device that lost its state rejoining, §12.4.3.2). */
  readonly removeLeaf?: number | undefined;
  readonly psks?: readonly PreSharedKeyID[] | undefined;
  readonly resolvePsk?: PskResolver | undefined;
  readonly authenticatedData?: Uint8Array | undefined;
}

export interface ExternalJoinResult {
  /** Our state in the new epoch, to adopt once the delivery service accepted the commit. */
  readonly state: GroupState;
  /** MLSMessage bytes (PublicMessage) of the external commit for the members. */
  readonly commit: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * Builds an external commit that adds us to the group of `input.groupInfo` (§12.4.3.2).
 * @throws GroupError('invalid-group-info' | 'unsupported-cipher-suite' | 'missing-ratchet-tree' | 'invalid-tree'
 *   | 'invalid-leaf' | 'too-many-members' | 'invalid-proposal' | 'invalid-proposal-list' | 'missing-psk')
 */
export function joinByExternalCommit(input: ExternalJoinInput): ExternalJoinResult {
  const { suite, groupInfo, policy } = input;
  const tree = treeOfGroupInfo(groupInfo, input.ratchetTree);
  verifyGroupInfoAndTree(suite, groupInfo, tree, policy);
  const context = groupInfo.groupContext;
  const extension = findExtension(groupInfo.extensions, ExtensionType.external_pub);
  if (extension === undefined) throw new GroupError('invalid-group-info', 'GroupInfo has no external_pub extension');
  let externalInit: { kemOutput: Uint8Array; initSecret: Uint8Array };
  try {
    externalInit = externalInitSend(suite, parseExternalPub(extension.extensionData).externalPub);
  } catch (error) {
    if (error instanceof DecodeError || error instanceof MlsCryptoError) throw new GroupError('invalid-group-info', `external_pub: ${error.message}`, error);
    throw error;
  }

  const proposals: Proposal[] = [{ type: 'external_init', kemOutput: externalInit.kemOutput }];
  if (input.removeLeaf !== undefined) proposals.push({ type: 'remove', removed: input.removeLeaf });
  for (const psk of input.psks ?? []) proposals.push({ type: 'psk', psk });
  const resolved: ResolvedProposal[] = proposals.map((proposal) => ({ proposal, sender: { type: 'new_member_commit' }, byReference: false }));
  validateExternalCommitList(suite, context, tree, resolved);
  const applied = applyProposals(suite, context, tree, resolved, policy);
  const pskSecret = resolvePskSecret(suite, applied.pskIds, input.resolvePsk ?? noPsks);

  // §12.4.1: the joiner takes the leftmost blank leaf; createUpdatePath re-signs it as a commit leaf.
  const next = applied.tree;
  let leafIndex: number;
  try {
    leafIndex = next.addLeaf({
      encryptionKey: EMPTY,
      signatureKey: input.signatureKeyPair.publicKey,
      credential: input.credential,
      capabilities: defaultCapabilities(suite, input.credential, input.capabilities),
      source: { type: 'commit', parentHash: EMPTY },
      extensions: input.leafExtensions ?? [],
      signature: EMPTY,
    });
  } catch (error) {
    if (error instanceof TreeError) throw new GroupError('too-many-members', error.message, error);
    throw error;
  }
  const provisional: Omit<GroupContext, 'treeHash'> = {
    version: context.version,
    cipherSuite: context.cipherSuite,
    groupId: context.groupId,
    epoch: context.epoch + 1n,
    confirmedTranscriptHash: context.confirmedTranscriptHash,
    extensions: applied.extensions,
  };
  const created = createUpdatePath({ suite, tree: next, leafIndex, signaturePrivateKey: input.signatureKeyPair.privateKey, context: provisional });
  const list: ProposalOrRef[] = proposals.map((proposal) => ({ type: 'proposal', proposal }));
  const commit: Commit = { proposals: list, path: created.updatePath };
  const content: FramedContent = {
    groupId: context.groupId,
    epoch: context.epoch,
    sender: { type: 'new_member_commit' },
    authenticatedData: input.authenticatedData ?? EMPTY,
    content: { type: 'commit', commit },
  };
  const signed = signFramedContent(suite, 'mls_public_message', content, context, input.signatureKeyPair.privateKey);
  const interimBefore = interimTranscriptHash(suite, context.confirmedTranscriptHash, groupInfo.confirmationTag);
  const confirmed = confirmedTranscriptHash(suite, interimBefore, signed);
  const newContext: GroupContext = { ...provisional, treeHash: treeHash(suite, next), confirmedTranscriptHash: confirmed };
  const secrets = deriveEpochSecrets(suite, { initSecret: externalInit.initSecret, commitSecret: created.commitSecret, pskSecret, groupContext: groupContextBytes(newContext) });
  const tag = confirmationTag(suite, secrets.confirmationKey, confirmed);
  const authenticated: AuthenticatedContent = { ...signed, auth: { ...signed.auth, confirmationTag: tag } };
  const publicMessage = protectPublicMessage(suite, authenticated, context, EMPTY);

  const secretTree = secretTreeOf(suite, secrets, next);
  forgetTransientSecrets(secrets);
  secrets.joinerSecret.fill(0);
  externalInit.initSecret.fill(0);
  const state: GroupState = sealState({
    suite,
    groupContext: newContext,
    tree: next,
    own: { leafIndex, signatureKey: input.signatureKeyPair.privateKey, privateTree: created.privateTree },
    keys: epochKeysOf(secrets),
    secretTree,
    interimTranscriptHash: interimTranscriptHash(suite, confirmed, tag),
    confirmationTag: tag,
    pendingProposals: [],
    pastEpochs: [],
    resumptionPsks: [],
  });
  return { state, commit: mlsMessageBytes({ wireFormat: 'mls_public_message', publicMessage }) };
}
