// Every RFC 9420 struct with its arbitrary, encoder and decoder, for the properties of
// codec.property.test.ts. Selects that depend on outside data (PrivateMessageContent) are
// bound to that data here.
import type fc from 'fast-check';
import type { Reader } from '../../src/codec/reader.ts';
import type { Writer } from '../../src/codec/writer.ts';
import { decodeCapabilities, encodeCapabilities } from '../../src/structs/capabilities.ts';
import { decodeCommit, encodeCommit } from '../../src/structs/commit.ts';
import { decodeCredential, encodeCredential } from '../../src/structs/credential.ts';
import {
  decodeExtension,
  decodeExternalSenders,
  decodeRequiredCapabilities,
  encodeExtension,
  encodeExternalSenders,
  encodeRequiredCapabilities,
} from '../../src/structs/extensions.ts';
import {
  decodeAuthenticatedContent,
  decodeAuthenticatedContentTBM,
  decodeConfirmedTranscriptHashInput,
  decodeFramedContent,
  decodeFramedContentTBS,
  decodePrivateContentAAD,
  decodePrivateMessage,
  decodePrivateMessageContent,
  decodePublicMessage,
  decodeSender,
  decodeSenderData,
  decodeSenderDataAAD,
  encodeAuthenticatedContent,
  encodeAuthenticatedContentTBM,
  encodeConfirmedTranscriptHashInput,
  encodeFramedContent,
  encodeFramedContentTBS,
  encodePrivateContentAAD,
  encodePrivateMessage,
  encodePrivateMessageContent,
  encodePublicMessage,
  encodeSender,
  encodeSenderData,
  encodeSenderDataAAD,
} from '../../src/structs/framing.ts';
import { decodeGroupContext, encodeGroupContext } from '../../src/structs/group-context.ts';
import { decodeGroupInfo, decodeGroupInfoTBS, encodeGroupInfo, encodeGroupInfoTBS } from '../../src/structs/group-info.ts';
import { decodeKeyPackage, decodeKeyPackageTBS, encodeKeyPackage, encodeKeyPackageTBS } from '../../src/structs/key-package.ts';
import { decodeLeafNode, decodeLeafNodeTBS, encodeLeafNode, encodeLeafNodeTBS } from '../../src/structs/leaf-node.ts';
import { decodeLifetime, encodeLifetime } from '../../src/structs/lifetime.ts';
import { decodeMLSMessage, encodeMLSMessage } from '../../src/structs/mls-message.ts';
import { decodeProposal, decodeProposalOrRef, encodeProposal, encodeProposalOrRef } from '../../src/structs/proposals.ts';
import { decodePreSharedKeyID, decodePSKLabel, encodePreSharedKeyID, encodePSKLabel } from '../../src/structs/psk.ts';
import {
  decodeHPKECiphertext,
  decodeNode,
  decodeParentNode,
  decodeRatchetTree,
  decodeUpdatePath,
  encodeHPKECiphertext,
  encodeNode,
  encodeParentNode,
  encodeRatchetTree,
  encodeUpdatePath,
} from '../../src/structs/ratchet-tree.ts';
import { decodeGroupSecrets, decodeWelcome, encodeGroupSecrets, encodeWelcome } from '../../src/structs/welcome.ts';
import * as arb from './arbitraries.ts';

export interface StructCase {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<unknown>;
  readonly encode: (writer: Writer, value: unknown) => void;
  readonly decode: (reader: Reader) => unknown;
  /** PrivateMessageContent takes trailing zero bytes as padding: appending one is valid. */
  readonly consumesRest?: boolean;
}

function entry<T>(name: string, arbitrary: fc.Arbitrary<T>, encode: (writer: Writer, value: T) => void, decode: (reader: Reader) => T): StructCase {
  return { name, arbitrary, encode: encode as (writer: Writer, value: unknown) => void, decode };
}

export const structCases: readonly StructCase[] = [
  entry('Credential', arb.credential, encodeCredential, decodeCredential),
  entry('Capabilities', arb.capabilities, encodeCapabilities, decodeCapabilities),
  entry('Extension', arb.extension, encodeExtension, decodeExtension),
  entry('RequiredCapabilities', arb.requiredCapabilities, encodeRequiredCapabilities, decodeRequiredCapabilities),
  entry('external_senders', arb.list(arb.externalSender), encodeExternalSenders, decodeExternalSenders),
  entry('Lifetime', arb.lifetime, encodeLifetime, decodeLifetime),
  entry('LeafNode', arb.leafNode, encodeLeafNode, decodeLeafNode),
  entry('LeafNodeTBS', arb.leafNodeTBS, encodeLeafNodeTBS, decodeLeafNodeTBS),
  entry('KeyPackage', arb.keyPackage, encodeKeyPackage, decodeKeyPackage),
  entry('KeyPackageTBS', arb.keyPackage.map(({ signature: _, ...tbs }) => tbs), encodeKeyPackageTBS, decodeKeyPackageTBS),
  entry('ParentNode', arb.parentNode, encodeParentNode, decodeParentNode),
  entry('Node', arb.ratchetTree.map((tree) => tree[tree.length - 1]!), encodeNode, decodeNode),
  entry('ratchet_tree', arb.ratchetTree, encodeRatchetTree, decodeRatchetTree),
  entry('HPKECiphertext', arb.hpkeCiphertext, encodeHPKECiphertext, decodeHPKECiphertext),
  entry('UpdatePath', arb.updatePath, encodeUpdatePath, decodeUpdatePath),
  entry('PreSharedKeyID', arb.preSharedKeyId, encodePreSharedKeyID, decodePreSharedKeyID),
  entry('PSKLabel', arb.pskLabel, encodePSKLabel, decodePSKLabel),
  entry('Proposal', arb.proposal, encodeProposal, decodeProposal),
  entry('ProposalOrRef', arb.proposalOrRef, encodeProposalOrRef, decodeProposalOrRef),
  entry('Commit', arb.commit, encodeCommit, decodeCommit),
  entry('GroupContext', arb.groupContext, encodeGroupContext, decodeGroupContext),
  entry('Sender', arb.sender, encodeSender, decodeSender),
  entry('FramedContent', arb.framedContent, encodeFramedContent, decodeFramedContent),
  entry('FramedContentTBS', arb.framedContentTBS, encodeFramedContentTBS, decodeFramedContentTBS),
  entry('AuthenticatedContent', arb.authenticatedContent, encodeAuthenticatedContent, decodeAuthenticatedContent),
  entry(
    'AuthenticatedContentTBM',
    arb.framedContentTBS.chain((contentTbs) => arb.authData(contentTbs.content.content.type).map((auth) => ({ contentTbs, auth }))),
    encodeAuthenticatedContentTBM,
    decodeAuthenticatedContentTBM,
  ),
  entry(
    'ConfirmedTranscriptHashInput',
    arb.authenticatedContent
      .filter((ac) => ac.content.content.type === 'commit')
      .map((ac) => ({ wireFormat: ac.wireFormat, content: ac.content, signature: ac.auth.signature })),
    encodeConfirmedTranscriptHashInput,
    decodeConfirmedTranscriptHashInput,
  ),
  entry('PublicMessage', arb.publicMessage, encodePublicMessage, decodePublicMessage),
  entry('PrivateMessage', arb.privateMessage, encodePrivateMessage, decodePrivateMessage),
  entry(
    'PrivateContentAAD',
    arb.privateMessage.map(({ groupId, epoch, contentType, authenticatedData }) => ({ groupId, epoch, contentType, authenticatedData })),
    encodePrivateContentAAD,
    decodePrivateContentAAD,
  ),
  entry('SenderData', arb.senderData, encodeSenderData, decodeSenderData),
  entry('SenderDataAAD', arb.privateMessage.map(({ groupId, epoch, contentType }) => ({ groupId, epoch, contentType })), encodeSenderDataAAD, decodeSenderDataAAD),
  entry('GroupInfo', arb.groupInfo, encodeGroupInfo, decodeGroupInfo),
  entry('GroupInfoTBS', arb.groupInfo.map(({ signature: _, ...tbs }) => tbs), encodeGroupInfoTBS, decodeGroupInfoTBS),
  entry('GroupSecrets', arb.groupSecrets, encodeGroupSecrets, decodeGroupSecrets),
  entry('Welcome', arb.welcome, encodeWelcome, decodeWelcome),
  entry('MLSMessage', arb.mlsMessage, encodeMLSMessage, decodeMLSMessage),
  ...(['application', 'proposal', 'commit'] as const).map((type) => ({
    ...entry(
      `PrivateMessageContent (${type})`,
      arb.privateMessageContent.filter((c) => c.content.type === type),
      encodePrivateMessageContent,
      (reader) => decodePrivateMessageContent(reader, type),
    ),
    consumesRest: true,
  })),
];
