// Builders for ratchet tree and validation tests: real keys, real signatures, suite 1 by default.
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { type CipherSuite, cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { hpkeSuiteOf } from '../../src/crypto/hpke.ts';
import type { Capabilities } from '../../src/structs/capabilities.ts';
import type { Credential } from '../../src/structs/credential.ts';
import type { Extension } from '../../src/structs/extensions.ts';
import type { KeyPackage } from '../../src/structs/key-package.ts';
import type { LeafNode, LeafNodeContent, LeafNodeSourceData } from '../../src/structs/leaf-node.ts';
import { signKeyPackage } from '../../src/validation/key-package.ts';
import { signLeafNode } from '../../src/validation/leaf-node-signature.ts';

export const SUITE: CipherSuite = cipherSuite(1, nobleProvider);
export const NOW = 1_800_000_000n;
export const GROUP_ID = new TextEncoder().encode('group');

export interface Member {
  readonly leafNode: LeafNode;
  readonly signaturePrivateKey: Uint8Array;
  readonly encryptionPrivateKey: Uint8Array;
  readonly keyPackage: KeyPackage;
  readonly initPrivateKey: Uint8Array;
}

export interface MemberOptions {
  readonly suite?: CipherSuite;
  readonly identity?: string;
  readonly capabilities?: Partial<Capabilities>;
  readonly credential?: Credential;
  readonly extensions?: readonly Extension[];
  readonly keyPackageExtensions?: readonly Extension[];
  readonly source?: LeafNodeSourceData;
  readonly signaturePrivateKey?: Uint8Array;
  /** Reuse this encryption key pair instead of a fresh one. */
  readonly encryption?: { readonly privateKey: Uint8Array; readonly publicKey: Uint8Array };
  readonly initKey?: Uint8Array;
}

let counter = 0;

export function defaultCapabilities(suite: CipherSuite, extra: Partial<Capabilities> = {}): Capabilities {
  return { versions: [1], cipherSuites: [suite.id], extensions: [], proposals: [], credentials: [1], ...extra };
}

/** A member with a key_package leaf and a KeyPackage for `suite`. */
export function makeMember(options: MemberOptions = {}): Member {
  const suite = options.suite ?? SUITE;
  const provider = suite.provider;
  const signaturePrivateKey = options.signaturePrivateKey ?? provider.signatureGenerate(suite.signature).privateKey;
  const kem = hpkeSuiteOf(suite).kem;
  const encryption = options.encryption ?? kem.generateKeyPair(provider);
  const init = kem.generateKeyPair(provider);
  const content: LeafNodeContent = {
    encryptionKey: encryption.publicKey,
    signatureKey: provider.signaturePublicKey(suite.signature, signaturePrivateKey),
    credential: options.credential ?? { type: 'basic', identity: new TextEncoder().encode(options.identity ?? `member-${counter++}`) },
    capabilities: defaultCapabilities(suite, options.capabilities),
    source: options.source ?? { type: 'key_package', lifetime: { notBefore: NOW - 3600n, notAfter: NOW + 30n * 86400n } },
    extensions: options.extensions ?? [],
  };
  const leafNode = signLeafNode(suite, signaturePrivateKey, content);
  const keyPackage = signKeyPackage(suite, signaturePrivateKey, {
    version: 1,
    cipherSuite: suite.id,
    initKey: options.initKey ?? init.publicKey,
    leafNode,
    extensions: options.keyPackageExtensions ?? [],
  });
  return { leafNode, signaturePrivateKey, encryptionPrivateKey: encryption.privateKey, keyPackage, initPrivateKey: init.privateKey };
}

/** `leaf` re-signed as an update leaf for `leafIndex` of GROUP_ID, with `changes` applied. */
export function updateLeaf(suite: CipherSuite, member: Member, leafIndex: number, changes: Partial<LeafNodeContent> = {}): LeafNode {
  const { signature: _signature, ...content } = member.leafNode;
  return signLeafNode(suite, member.signaturePrivateKey, { ...content, source: { type: 'update' }, ...changes }, { groupId: GROUP_ID, leafIndex });
}
