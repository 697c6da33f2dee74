/**
 * LeafNode validation (RFC 9420 §7.3), with the group-compatibility rules of §7.2, §11.1
 * and §12.1.7 it refers to. Pure: the clock reading and the credential policy come from
 * the caller.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { credentialTypeOf } from '../structs/credential.ts';
import { ExtensionType } from '../structs/enums.ts';
import { type Extension, findExtension, parseRequiredCapabilities } from '../structs/extensions.ts';
import type { LeafNode } from '../structs/leaf-node.ts';
import type { Lifetime } from '../structs/lifetime.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import type { CredentialValidator } from './credential.ts';
import { checkUniqueExtensionTypes } from './extension-list.ts';
import { ValidationError } from './errors.ts';
import { checkHpkePublicKey } from './hpke-key.ts';
import { verifyLeafNodeSignature } from './leaf-node-signature.ts';
import type { MemberIndex } from './member-index.ts';

/**
 * Longest total lifetime (not_after - not_before) Sealed accepts for a KeyPackage leaf by
 * default: 90 days. §7.2 requires applications to set one; a key package lives until used,
 * and Sealed clients refresh theirs well within this.
 */
export const DEFAULT_MAX_LEAF_LIFETIME_SECONDS = 90n * 24n * 3600n;

/** Where a LeafNode appears, which decides the source it must have and the context it is signed with (§7.3). */
export type LeafNodeUse =
  /** In a KeyPackage (downloaded, or in an Add). */
  | { readonly kind: 'key_package' }
  /** In an Update proposal sent by leaf `leafIndex`. */
  | { readonly kind: 'update'; readonly leafIndex: number }
  /** In the UpdatePath of a commit by leaf `leafIndex`. */
  | { readonly kind: 'commit'; readonly leafIndex: number }
  /** In the UpdatePath of an external commit whose joiner takes the blank leaf `leafIndex` (§12.4.3.2). */
  | { readonly kind: 'external_commit'; readonly leafIndex: number }
  /** Already at `leafIndex` of a tree being validated (joining, or after a commit). */
  | { readonly kind: 'tree'; readonly leafIndex: number };

/** The group a leaf is validated against. */
export interface GroupParameters {
  readonly suite: CipherSuite;
  /** ProtocolVersion of the group (mls10 = 1). */
  readonly version: number;
  readonly groupId: Uint8Array;
  /** GroupContext.extensions: required_capabilities and the extensions in use. */
  readonly extensions: readonly Extension[];
}

/** The application's decisions (§5.3.1, §7.2, §7.3). */
export interface LeafValidationPolicy {
  /** Accepts or rejects credentials; use `rejectAllCredentials` to fail closed. */
  readonly validateCredential: CredentialValidator;
  /** Current time from the caller's clock, in seconds since the Unix epoch. */
  readonly now: bigint;
  /** Longest acceptable not_after - not_before; DEFAULT_MAX_LEAF_LIFETIME_SECONDS if unsure. */
  readonly maxLifetimeSeconds: bigint;
  /**
   * Whether to check the lifetime of key_package leaves already in a received tree. §7.3
   * only RECOMMENDS it there (a member's leaf may outlive its key package's lifetime until
   * it updates), so it is off unless set.
   */
  readonly checkTreeLifetimes?: boolean;
}

/**
 * Extension types that need not be listed in capabilities: RFC 9420's defaults (§7.2).
 * GREASE values (§13.5) are not among them: a LeafNode that carries one must list it in
 * its capabilities (§13.5: "need to be reflected in LeafNode.capabilities.extensions").
 */
export function isDefaultExtensionType(type: number): boolean {
  return type >= ExtensionType.application_id && type <= ExtensionType.external_senders;
}

/** Proposal types of RFC 9420 that need not be listed in capabilities (§7.2): add ..= group_context_extensions. */
export function isDefaultProposalType(type: number): boolean {
  return type >= 1 && type <= 7;
}

/** Checks `now` against `lifetime` and its total length against the policy's maximum (§7.2, §7.3). */
export function checkLifetime(lifetime: Lifetime, policy: LeafValidationPolicy): void {
  const { notBefore, notAfter } = lifetime;
  if (notAfter < notBefore || notAfter - notBefore > policy.maxLifetimeSeconds) {
    throw new ValidationError('lifetime-too-long', { notBefore, notAfter, maxSeconds: policy.maxLifetimeSeconds });
  }
  if (policy.now < notBefore || policy.now > notAfter) throw new ValidationError('lifetime-not-current', { notBefore, notAfter, now: policy.now });
}

/**
 * Checks that `leaf` supports the group: its version and cipher suite (§11.1), the types
 * its required_capabilities extension lists (§7.3, §11.1), and every non-default
 * GroupContext extension (§12.1.7).
 * @throws ValidationError('unsupported-group-parameter' | 'missing-required-capability' | 'unsupported-group-extension')
 * @throws DecodeError when the group's required_capabilities extension is malformed
 */
export function checkGroupCompatibility(leaf: LeafNode, group: GroupParameters): void {
  const caps = leaf.capabilities;
  if (!caps.versions.includes(group.version)) throw new ValidationError('unsupported-group-parameter', { kind: 'version', value: group.version });
  if (!caps.cipherSuites.includes(group.suite.id)) throw new ValidationError('unsupported-group-parameter', { kind: 'cipher-suite', value: group.suite.id });
  const required = findExtension(group.extensions, ExtensionType.required_capabilities);
  if (required !== undefined) {
    const rc = parseRequiredCapabilities(required.extensionData);
    for (const type of rc.extensionTypes) {
      if (!isDefaultExtensionType(type) && !caps.extensions.includes(type)) throw new ValidationError('missing-required-capability', { kind: 'extension', type });
    }
    for (const type of rc.proposalTypes) {
      if (!isDefaultProposalType(type) && !caps.proposals.includes(type)) throw new ValidationError('missing-required-capability', { kind: 'proposal', type });
    }
    for (const type of rc.credentialTypes) {
      if (!caps.credentials.includes(type)) throw new ValidationError('missing-required-capability', { kind: 'credential', type });
    }
  }
  for (const extension of group.extensions) {
    const type = extension.extensionType;
    if (!isDefaultExtensionType(type) && !caps.extensions.includes(type)) throw new ValidationError('unsupported-group-extension', { extensionType: type });
  }
}

/**
 * Validates `leaf` where it is used (§7.3):
 * - leaf_node_source matches the use (key_package / update / commit);
 * - the signature verifies, over LeafNodeTBS with the group id and leaf index for
 *   update/commit leaves;
 * - the credential type and every non-default extension are in the leaf's own capabilities
 *   (§7.2), and the leaf supports the group (checkGroupCompatibility);
 * - every other member supports the leaf's credential type, and the leaf supports every
 *   credential type other members use;
 * - a key_package leaf's lifetime holds now and is not too long (for leaves already in a
 *   tree only when the policy asks);
 * - encryption and signature keys are unique in the tree; an update/commit leaf has a new
 *   encryption key;
 * - the application accepts the credential.
 *
 * `members` indexes the tree the leaf joins or sits in (`MemberIndex.of(tree)`); for
 * update/commit/tree uses, the leaf at `use.leafIndex` is the one replaced or checked, and
 * is left out of the comparisons with "other members".
 * @throws ValidationError (every code but the KeyPackage ones)
 * @throws DecodeError when the group's required_capabilities extension is malformed
 */
export function validateLeafNode(leaf: LeafNode, use: LeafNodeUse, group: GroupParameters, tree: RatchetTree, members: MemberIndex, policy: LeafValidationPolicy): void {
  const leafIndex = use.kind === 'key_package' ? undefined : use.leafIndex;
  let current: LeafNode | undefined;
  if (leafIndex !== undefined && use.kind !== 'external_commit') {
    current = tree.leaf(leafIndex);
    if (current === undefined) throw new ValidationError('blank-leaf', { leafIndex });
  }

  const source = leaf.source;
  const expectedSource = use.kind === 'external_commit' ? 'commit' : use.kind;
  if (expectedSource !== 'tree' && source.type !== expectedSource) throw new ValidationError('wrong-leaf-node-source', { expected: expectedSource, actual: source.type });

  const credentialType = credentialTypeOf(leaf.credential);
  const caps = leaf.capabilities;
  if (!caps.credentials.includes(credentialType)) throw new ValidationError('credential-type-not-in-capabilities', { credentialType });
  checkUniqueExtensionTypes(leaf.extensions, 'leaf-node');
  for (const extension of leaf.extensions) {
    const type = extension.extensionType;
    if (!isDefaultExtensionType(type) && !caps.extensions.includes(type)) throw new ValidationError('extension-not-in-capabilities', { extensionType: type, object: 'leaf-node' });
  }
  checkGroupCompatibility(leaf, group);
  checkHpkePublicKey(group.suite, leaf.encryptionKey, 'encryption-key');

  const notSupporting = members.memberNotSupporting(credentialType, leafIndex, current);
  if (notSupporting !== undefined) throw new ValidationError('credential-type-unsupported-by-member', { credentialType, leafIndex: notSupporting });
  for (const type of members.credentialTypesInUse(current)) {
    if (!caps.credentials.includes(type)) throw new ValidationError('credential-type-in-use-unsupported', { credentialType: type });
  }

  if (source.type === 'key_package' && (use.kind === 'key_package' || policy.checkTreeLifetimes === true)) checkLifetime(source.lifetime, policy);

  const ownNode = current === undefined ? undefined : 2 * leafIndex!;
  if ((use.kind === 'update' || use.kind === 'commit') && current !== undefined && group.suite.provider.constantTimeEqual(current.encryptionKey, leaf.encryptionKey)) {
    throw new ValidationError('encryption-key-unchanged', { leafIndex: leafIndex! });
  }
  const encryptionHolder = members.encryptionKeyHolder(leaf.encryptionKey, ownNode);
  if (encryptionHolder !== undefined) throw new ValidationError('duplicate-encryption-key', { nodeIndex: encryptionHolder });
  const signatureHolder = members.signatureKeyHolder(leaf.signatureKey, current === undefined ? undefined : leafIndex);
  if (signatureHolder !== undefined) throw new ValidationError('duplicate-signature-key', { leafIndex: signatureHolder });

  // A key_package use has a key_package source (checked above), so leafIndex is set whenever a context is needed.
  const context = source.type === 'key_package' || leafIndex === undefined ? undefined : { groupId: group.groupId, leafIndex };
  if (!verifyLeafNodeSignature(group.suite, leaf, context)) throw new ValidationError('invalid-signature', { object: 'leaf-node', leafIndex });

  if (!policy.validateCredential({ credential: leaf.credential, signatureKey: leaf.signatureKey, leafIndex })) {
    throw new ValidationError('credential-rejected', { credentialType, leafIndex });
  }
}
