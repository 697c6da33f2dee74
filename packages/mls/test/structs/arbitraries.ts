// fast-check arbitraries for the RFC 9420 structs, in the canonical shape the decoders
// return (absent optional fields are omitted, not `undefined`), so that
// decode(encode(x)) deep-equals x. Sizes stay small: the properties are about structure.
import fc from 'fast-check';
import type { Capabilities } from '../../src/structs/capabilities.ts';
import type { Commit } from '../../src/structs/commit.ts';
import type { Credential } from '../../src/structs/credential.ts';
import { type ContentType, ProposalType } from '../../src/structs/enums.ts';
import type { Extension, ExternalSender, RequiredCapabilities } from '../../src/structs/extensions.ts';
import type {
  AuthenticatedContent,
  FramedContent,
  FramedContentAuthData,
  FramedContentBody,
  FramedContentTBS,
  PrivateMessage,
  PrivateMessageContent,
  PublicMessage,
  Sender,
  SenderData,
} from '../../src/structs/framing.ts';
import type { GroupContext } from '../../src/structs/group-context.ts';
import type { GroupInfo } from '../../src/structs/group-info.ts';
import type { KeyPackage } from '../../src/structs/key-package.ts';
import type { LeafNode, LeafNodeSourceData, LeafNodeTBS } from '../../src/structs/leaf-node.ts';
import type { Lifetime } from '../../src/structs/lifetime.ts';
import type { MLSMessage } from '../../src/structs/mls-message.ts';
import type { Proposal, ProposalOrRef } from '../../src/structs/proposals.ts';
import type { PreSharedKeyID, PSKLabel } from '../../src/structs/psk.ts';
import type { HPKECiphertext, Node, ParentNode, RatchetTree, UpdatePath, UpdatePathNode } from '../../src/structs/ratchet-tree.ts';
import type { EncryptedGroupSecrets, GroupSecrets, Welcome } from '../../src/structs/welcome.ts';

const SMALL = 3;

/** fc.record with ordinary objects (fast-check 4 defaults to null prototypes, which deepEqual tells apart). */
const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(model, { noNullPrototype: true });

export const bytes = (maxLength = 24): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });
export const hash = fc.uint8Array({ maxLength: 64 });
export const uint16 = fc.integer({ min: 0, max: 0xffff });
export const uint32 = fc.nat({ max: 0xffff_ffff });
export const uint64 = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn });
export const list = <T>(item: fc.Arbitrary<T>, maxLength = SMALL): fc.Arbitrary<T[]> => fc.array(item, { maxLength });

/** Adds `key: value` only when value is not undefined (the decoders' canonical shape). */
function withOptional<T extends object, K extends string, V>(base: T, key: K, value: V | undefined): T & { [P in K]?: V } {
  return value === undefined ? base : { ...base, [key]: value };
}

export const credential: fc.Arbitrary<Credential> = fc.oneof(
  record({ type: fc.constant('basic' as const), identity: bytes() }),
  record({ type: fc.constant('x509' as const), certificates: list(bytes()) }),
  record({ type: fc.constant('unknown' as const), credentialType: fc.integer({ min: 3, max: 0xffff }), data: bytes() }),
);

export const capabilities: fc.Arbitrary<Capabilities> = record({
  versions: list(uint16),
  cipherSuites: list(uint16),
  extensions: list(uint16),
  proposals: list(uint16),
  credentials: list(uint16),
});

/** Any extension type, GREASE and unknown ones included. */
export const extension: fc.Arbitrary<Extension> = record({ extensionType: uint16, extensionData: bytes() });
export const extensions = list(extension);

export const lifetime: fc.Arbitrary<Lifetime> = record({ notBefore: uint64, notAfter: uint64 });

export const leafNodeSource: fc.Arbitrary<LeafNodeSourceData> = fc.oneof(
  record({ type: fc.constant('key_package' as const), lifetime }),
  record({ type: fc.constant('update' as const) }),
  record({ type: fc.constant('commit' as const), parentHash: hash }),
);

export const leafNode: fc.Arbitrary<LeafNode> = record({
  encryptionKey: bytes(),
  signatureKey: bytes(),
  credential,
  capabilities,
  source: leafNodeSource,
  extensions,
  signature: bytes(),
});

export const leafNodeTBS: fc.Arbitrary<LeafNodeTBS> = leafNode.chain(({ signature: _, ...content }) =>
  content.source.type === 'key_package'
    ? fc.constant({ content })
    : record({ groupId: bytes(), leafIndex: uint32 }).map((context) => ({ content, context })),
);

export const keyPackage: fc.Arbitrary<KeyPackage> = record({
  version: uint16,
  cipherSuite: uint16,
  initKey: bytes(),
  leafNode,
  extensions,
  signature: bytes(),
});

export const parentNode: fc.Arbitrary<ParentNode> = record({ encryptionKey: bytes(), parentHash: hash, unmergedLeaves: list(uint32) });

const nodeAt = (index: number): fc.Arbitrary<Node> =>
  index % 2 === 0 ? leafNode.map((leaf) => ({ type: 'leaf' as const, leafNode: leaf })) : parentNode.map((parent) => ({ type: 'parent' as const, parentNode: parent }));

/** A ratchet tree that satisfies §12.4.3.3: non-empty, last node not blank, leaves at even positions. */
export const ratchetTree: fc.Arbitrary<RatchetTree> = fc
  .integer({ min: 1, max: 7 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => (i === n - 1 ? nodeAt(i) : fc.option(nodeAt(i), { nil: undefined })))));

export const hpkeCiphertext: fc.Arbitrary<HPKECiphertext> = record({ kemOutput: bytes(), ciphertext: bytes() });
export const updatePathNode: fc.Arbitrary<UpdatePathNode> = record({ encryptionKey: bytes(), encryptedPathSecret: list(hpkeCiphertext) });
export const updatePath: fc.Arbitrary<UpdatePath> = record({ leafNode, nodes: list(updatePathNode) });

export const preSharedKeyId: fc.Arbitrary<PreSharedKeyID> = fc.oneof(
  record({ type: fc.constant('external' as const), pskId: bytes(), pskNonce: hash }),
  record({
    type: fc.constant('resumption' as const),
    usage: fc.constantFrom('application' as const, 'reinit' as const, 'branch' as const),
    pskGroupId: bytes(),
    pskEpoch: uint64,
    pskNonce: hash,
  }),
);

export const pskLabel: fc.Arbitrary<PSKLabel> = record({ id: preSharedKeyId, index: uint16, count: uint16 });

const knownProposalTypes = new Set<number>(Object.values(ProposalType));
export const proposal: fc.Arbitrary<Proposal> = fc.oneof(
  record({ type: fc.constant('add' as const), keyPackage }),
  record({ type: fc.constant('update' as const), leafNode }),
  record({ type: fc.constant('remove' as const), removed: uint32 }),
  record({ type: fc.constant('psk' as const), psk: preSharedKeyId }),
  record({ type: fc.constant('reinit' as const), groupId: bytes(), version: uint16, cipherSuite: uint16, extensions }),
  record({ type: fc.constant('external_init' as const), kemOutput: bytes() }),
  record({ type: fc.constant('group_context_extensions' as const), extensions }),
  record({
    type: fc.constant('unknown' as const),
    proposalType: fc.integer({ min: 1, max: 0xffff }).filter((t) => !knownProposalTypes.has(t)),
    data: bytes(),
  }),
);

export const proposalOrRef: fc.Arbitrary<ProposalOrRef> = fc.oneof(
  record({ type: fc.constant('proposal' as const), proposal }),
  record({ type: fc.constant('reference' as const), reference: hash }),
);

export const commit: fc.Arbitrary<Commit> = fc
  .tuple(list(proposalOrRef), fc.option(updatePath, { nil: undefined }))
  .map(([proposals, path]) => withOptional({ proposals }, 'path', path));

export const groupContext: fc.Arbitrary<GroupContext> = record({
  version: uint16,
  cipherSuite: uint16,
  groupId: bytes(),
  epoch: uint64,
  treeHash: hash,
  confirmedTranscriptHash: hash,
  extensions,
});

export const sender: fc.Arbitrary<Sender> = fc.oneof(
  record({ type: fc.constant('member' as const), leafIndex: uint32 }),
  record({ type: fc.constant('external' as const), senderIndex: uint32 }),
  fc.constant({ type: 'new_member_proposal' as const }),
  fc.constant({ type: 'new_member_commit' as const }),
);

export const framedContentBody: fc.Arbitrary<FramedContentBody> = fc.oneof(
  record({ type: fc.constant('application' as const), applicationData: bytes(64) }),
  record({ type: fc.constant('proposal' as const), proposal }),
  record({ type: fc.constant('commit' as const), commit }),
);

export const framedContent: fc.Arbitrary<FramedContent> = record({
  groupId: bytes(),
  epoch: uint64,
  sender,
  authenticatedData: bytes(),
  content: framedContentBody,
});

export const authData = (contentType: ContentType): fc.Arbitrary<FramedContentAuthData> =>
  contentType === 'commit' ? record({ signature: bytes(), confirmationTag: hash }) : record({ signature: bytes() });

const framingWireFormat = fc.constantFrom('mls_public_message' as const, 'mls_private_message' as const);

export const authenticatedContent: fc.Arbitrary<AuthenticatedContent> = fc
  .tuple(framingWireFormat, framedContent)
  .chain(([wireFormat, content]) => authData(content.content.type).map((auth) => ({ wireFormat, content, auth })));

export const framedContentTBS: fc.Arbitrary<FramedContentTBS> = fc
  .tuple(uint16, framingWireFormat, framedContent, groupContext)
  .map(([version, wireFormat, content, context]) =>
    content.sender.type === 'member' || content.sender.type === 'new_member_commit' ? { version, wireFormat, content, context } : { version, wireFormat, content },
  );

export const publicMessage: fc.Arbitrary<PublicMessage> = fc
  .tuple(framedContent, hash)
  .chain(([content, tag]) => authData(content.content.type).map((auth) => withOptional({ content, auth }, 'membershipTag', content.sender.type === 'member' ? tag : undefined)));

const contentType = fc.constantFrom('application' as const, 'proposal' as const, 'commit' as const);

export const privateMessage: fc.Arbitrary<PrivateMessage> = record({
  groupId: bytes(),
  epoch: uint64,
  contentType,
  authenticatedData: bytes(),
  encryptedSenderData: bytes(),
  ciphertext: bytes(64),
});

export const privateMessageContent: fc.Arbitrary<PrivateMessageContent> = fc
  .tuple(framedContentBody, fc.nat({ max: 32 }))
  .chain(([content, paddingLength]) => authData(content.type).map((auth) => ({ content, auth, paddingLength })));

export const senderData: fc.Arbitrary<SenderData> = record({ leafIndex: uint32, generation: uint32, reuseGuard: fc.uint8Array({ minLength: 4, maxLength: 4 }) });

export const groupInfo: fc.Arbitrary<GroupInfo> = record({ groupContext, extensions, confirmationTag: hash, signer: uint32, signature: bytes() });

export const groupSecrets: fc.Arbitrary<GroupSecrets> = fc
  .tuple(hash, fc.option(hash, { nil: undefined }), list(preSharedKeyId))
  .map(([joinerSecret, pathSecret, psks]) => withOptional({ joinerSecret, psks }, 'pathSecret', pathSecret === undefined ? undefined : { pathSecret }));

export const encryptedGroupSecrets: fc.Arbitrary<EncryptedGroupSecrets> = record({ newMember: hash, encryptedGroupSecrets: hpkeCiphertext });
export const welcome: fc.Arbitrary<Welcome> = record({ cipherSuite: uint16, secrets: list(encryptedGroupSecrets), encryptedGroupInfo: bytes(64) });

export const mlsMessage: fc.Arbitrary<MLSMessage> = fc.oneof(
  publicMessage.map((publicMessage) => ({ wireFormat: 'mls_public_message' as const, publicMessage })),
  privateMessage.map((privateMessage) => ({ wireFormat: 'mls_private_message' as const, privateMessage })),
  welcome.map((w) => ({ wireFormat: 'mls_welcome' as const, welcome: w })),
  groupInfo.map((g) => ({ wireFormat: 'mls_group_info' as const, groupInfo: g })),
  keyPackage.map((k) => ({ wireFormat: 'mls_key_package' as const, keyPackage: k })),
);

export const requiredCapabilities: fc.Arbitrary<RequiredCapabilities> = record({
  extensionTypes: list(uint16),
  proposalTypes: list(uint16),
  credentialTypes: list(uint16),
});

export const externalSender: fc.Arbitrary<ExternalSender> = record({ signatureKey: bytes(), credential });
