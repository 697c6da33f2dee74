// A two-member epoch for protection tests: suite, group context, secret trees of both
// members (each member has its own copy of the tree) and their signature keys.
import type { CryptoProvider } from '@sealed/crypto/provider';
import { cipherSuite, type CipherSuite } from '../../src/crypto/cipher-suite.ts';
import { deriveEpochSecrets } from '../../src/key-schedule/epoch-secrets.ts';
import type { PrivateMessageState } from '../../src/protection/private-message.ts';
import { SecretTree } from '../../src/secret-tree/secret-tree.ts';
import type { Sender } from '../../src/structs/framing.ts';
import { groupContextBytes, type GroupContext } from '../../src/structs/group-context.ts';

export interface Epoch {
  readonly suite: CipherSuite;
  readonly groupContext: GroupContext;
  readonly membershipKey: Uint8Array;
  readonly senderDataSecret: Uint8Array;
  readonly encryptionSecret: Uint8Array;
  readonly signatureKeys: readonly { privateKey: Uint8Array; publicKey: Uint8Array }[];
  /** A fresh view of the epoch for one member (its own secret tree). */
  state(): PrivateMessageState;
  keyOf(sender: Sender): Uint8Array | undefined;
}

export function twoMemberEpoch(suiteId: number, provider: CryptoProvider, seed = 1): Epoch {
  const suite = cipherSuite(suiteId, provider);
  const groupContext: GroupContext = {
    version: 1,
    cipherSuite: suiteId,
    groupId: new TextEncoder().encode('sealed test group'),
    epoch: 3n,
    treeHash: new Uint8Array(suite.Nh).fill(1),
    confirmedTranscriptHash: new Uint8Array(suite.Nh).fill(2),
    extensions: [],
  };
  const secrets = deriveEpochSecrets(suite, {
    initSecret: new Uint8Array(suite.Nh).fill(seed),
    commitSecret: new Uint8Array(suite.Nh).fill(4),
    pskSecret: undefined,
    groupContext: groupContextBytes(groupContext),
  });
  const signatureKeys = [provider.signatureGenerate(suite.signature), provider.signatureGenerate(suite.signature)];
  return {
    suite,
    groupContext,
    membershipKey: secrets.membershipKey,
    senderDataSecret: secrets.senderDataSecret,
    encryptionSecret: secrets.encryptionSecret,
    signatureKeys,
    state: () => ({ groupContext, secretTree: new SecretTree(suite, secrets.encryptionSecret, 2), senderDataSecret: secrets.senderDataSecret }),
    keyOf: (sender) => (sender.type === 'member' ? signatureKeys[sender.leafIndex]?.publicKey : undefined),
  };
}
