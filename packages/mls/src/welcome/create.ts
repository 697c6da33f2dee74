/**
 * Creating Welcome messages and GroupInfo (RFC 9420 §12.4.3, §12.4.3.1): a GroupInfo of
 * the new epoch signed by the committer, encrypted under the welcome secret, and one
 * GroupSecrets per new member (joiner secret, its path secret, the PSK ids) encrypted to
 * its KeyPackage's init key with EncryptWithLabel(.., "Welcome", encrypted_group_info, ..).
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { encryptWithLabelToMany } from '../crypto/hpke.ts';
import { externalKeyPair } from '../key-schedule/external-key.ts';
import { externalPubExtension, type Extension } from '../structs/extensions.ts';
import { type GroupInfo, groupInfoBytes } from '../structs/group-info.ts';
import type { KeyPackage } from '../structs/key-package.ts';
import type { PreSharedKeyID } from '../structs/psk.ts';
import { ratchetTreeExtension } from '../structs/ratchet-tree.ts';
import { groupSecretsBytes, type Welcome } from '../structs/welcome.ts';
import { keyPackageRef } from '../group/key-package.ts';
import type { GroupState } from '../group/state.ts';
import { signGroupInfo } from './group-info.ts';
import { encryptGroupInfo, WELCOME_LABEL } from './welcome-secrets.ts';

export interface GroupInfoOptions {
  /** Include the ratchet_tree extension (§12.4.3.3); otherwise joiners need the tree out of band. */
  readonly withRatchetTree?: boolean | undefined;
  /** Include external_pub (§12.4.3.2) so non-members can join by external commit. */
  readonly withExternalPub?: boolean | undefined;
}

/**
 * A GroupInfo of `state`'s current epoch, signed by us (§12.4.3).
 * Throws the provider's CryptoError for a malformed signature key.
 */
export function createGroupInfo(state: GroupState, options: GroupInfoOptions = {}): GroupInfo {
  const extensions: Extension[] = [];
  if (options.withRatchetTree !== false) extensions.push(ratchetTreeExtension(state.tree.toNodes()));
  if (options.withExternalPub === true) extensions.push(externalPubExtension({ externalPub: externalKeyPair(state.suite, state.keys.externalSecret).publicKey }));
  return signGroupInfo(state.suite, state.own.signatureKey, {
    groupContext: state.groupContext,
    extensions,
    confirmationTag: state.confirmationTag,
    signer: state.own.leafIndex,
  });
}

/** One new member of a Welcome. */
export interface WelcomeRecipient {
  readonly keyPackage: KeyPackage;
  /** Path secret of the lowest node of the committer's path above the member, if the commit had a path. */
  readonly pathSecret: Uint8Array | undefined;
}

/**
 * The Welcome for `recipients` (§12.4.3.1).
 * @throws MlsCryptoError('invalid-key') for a KeyPackage whose init key is not a valid KEM key
 */
export function createWelcome(
  suite: CipherSuite,
  groupInfo: GroupInfo,
  secrets: { readonly joinerSecret: Uint8Array; readonly welcomeSecret: Uint8Array },
  pskIds: readonly PreSharedKeyID[],
  recipients: readonly WelcomeRecipient[],
): Welcome {
  const encryptedGroupInfo = encryptGroupInfo(suite, secrets.welcomeSecret, groupInfoBytes(groupInfo));
  const encrypted = encryptWithLabelToMany(
    suite,
    WELCOME_LABEL,
    encryptedGroupInfo,
    recipients.map(({ keyPackage, pathSecret }) => ({
      publicKey: keyPackage.initKey,
      plaintext: groupSecretsBytes({ joinerSecret: secrets.joinerSecret, pathSecret: pathSecret === undefined ? undefined : { pathSecret }, psks: pskIds }),
    })),
  );
  return {
    cipherSuite: suite.id,
    secrets: recipients.map(({ keyPackage }, i) => ({ newMember: keyPackageRef(suite, keyPackage), encryptedGroupSecrets: encrypted[i]! })),
    encryptedGroupInfo,
  };
}
