/**
 * Creating our own KeyPackages (RFC 9420 §10): the public KeyPackage to upload and the
 * private keys that stay on the device.
 */
import { kemFromId } from '@sealed/crypto/kem/registry';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { makeKeyPackageRef } from '../crypto/kdf.ts';
import type { Capabilities } from '../structs/capabilities.ts';
import { type Credential, credentialTypeOf } from '../structs/credential.ts';
import { ProtocolVersion } from '../structs/enums.ts';
import type { Extension } from '../structs/extensions.ts';
import { type KeyPackage, keyPackageBytes } from '../structs/key-package.ts';
import type { Lifetime } from '../structs/lifetime.ts';
import { signKeyPackage } from '../validation/key-package.ts';
import { signLeafNode } from '../validation/leaf-node-signature.ts';
import { checkUniqueExtensionTypes } from '../validation/extension-list.ts';
import { ValidationError } from '../validation/errors.ts';
import { isDefaultExtensionType } from '../validation/leaf-node.ts';

/** A KeyPackage and the private keys that belong to it. Private: never upload or log. */
export interface KeyPackageBundle {
  readonly keyPackage: KeyPackage;
  /** HPKE private key of `keyPackage.initKey` (used once, to open the Welcome). */
  readonly initPrivateKey: Uint8Array;
  /** HPKE private key of the leaf's encryption_key. */
  readonly encryptionPrivateKey: Uint8Array;
  /** Private key of the leaf's signature_key. */
  readonly signaturePrivateKey: Uint8Array;
}

export interface KeyPackageOptions {
  readonly credential: Credential;
  /** The device's signature key pair; a fresh one when omitted. */
  readonly signatureKeyPair?: { readonly privateKey: Uint8Array; readonly publicKey: Uint8Array } | undefined;
  /** Validity window in seconds since the Unix epoch (§7.2). */
  readonly lifetime: Lifetime;
  /** Extra capabilities beyond what this code needs (extension and proposal types). */
  readonly capabilities?: Partial<Capabilities> | undefined;
  readonly leafExtensions?: readonly Extension[] | undefined;
  readonly keyPackageExtensions?: readonly Extension[] | undefined;
}

/** Capabilities of a Sealed leaf: mls10, the leaf's suite, its credential type, plus `extra`. */
export function defaultCapabilities(suite: CipherSuite, credential: Credential, extra?: Partial<Capabilities>): Capabilities {
  const unique = (values: readonly number[]): number[] => [...new Set(values)];
  return {
    versions: unique([ProtocolVersion.mls10, ...(extra?.versions ?? [])]),
    cipherSuites: unique([suite.id, ...(extra?.cipherSuites ?? [])]),
    extensions: unique(extra?.extensions ?? []),
    proposals: unique(extra?.proposals ?? []),
    credentials: unique([credentialTypeOf(credential), ...(extra?.credentials ?? [])]),
  };
}

/**
 * A new KeyPackage with fresh init and encryption keys (§10).
 * @throws ValidationError('duplicate-extension') when an extension list repeats a type (§13.4)
 * @throws ValidationError('extension-not-in-capabilities') for a leaf extension its capabilities do not list (§7.2)
 * @throws CryptoError from the provider for a malformed signature private key
 */
export function createKeyPackage(suite: CipherSuite, options: KeyPackageOptions): KeyPackageBundle {
  checkUniqueExtensionTypes(options.leafExtensions ?? [], 'leaf-node');
  checkUniqueExtensionTypes(options.keyPackageExtensions ?? [], 'key-package');
  const capabilities = defaultCapabilities(suite, options.credential, options.capabilities);
  for (const { extensionType } of options.leafExtensions ?? []) {
    // §7.2, §13.5: a leaf lists every non-default extension it carries, GREASE included.
    if (!isDefaultExtensionType(extensionType) && !capabilities.extensions.includes(extensionType)) {
      throw new ValidationError('extension-not-in-capabilities', { extensionType, object: 'leaf-node' });
    }
  }
  const kem = kemFromId(suite.kem);
  const init = kem.generateKeyPair(suite.provider);
  const encryption = kem.generateKeyPair(suite.provider);
  const signature = options.signatureKeyPair ?? suite.provider.signatureGenerate(suite.signature);
  const leafNode = signLeafNode(suite, signature.privateKey, {
    encryptionKey: encryption.publicKey,
    signatureKey: signature.publicKey,
    credential: options.credential,
    capabilities,
    source: { type: 'key_package', lifetime: options.lifetime },
    extensions: options.leafExtensions ?? [],
  });
  const keyPackage = signKeyPackage(suite, signature.privateKey, {
    version: ProtocolVersion.mls10,
    cipherSuite: suite.id,
    initKey: init.publicKey,
    leafNode,
    extensions: options.keyPackageExtensions ?? [],
  });
  const bundle = { keyPackage, initPrivateKey: init.privateKey, encryptionPrivateKey: encryption.privateKey, signaturePrivateKey: signature.privateKey };
  // Private keys never leave through JSON or inspection (STYLE rule 9).
  Object.defineProperty(bundle, 'toJSON', { value: () => '[KeyPackageBundle: secret]', enumerable: false });
  Object.defineProperty(bundle, Symbol.for('nodejs.util.inspect.custom'), { value: () => '[KeyPackageBundle: secret]', enumerable: false });
  return bundle;
}

/** KeyPackageRef of `keyPackage` (§5.2). */
export function keyPackageRef(suite: CipherSuite, keyPackage: KeyPackage): Uint8Array {
  return makeKeyPackageRef(suite, keyPackageBytes(keyPackage));
}
