// Shared fixtures of the group tests: suites, members with key packages, a permissive
// credential policy (the tests are about MLS rules, not credential checks).
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { cipherSuite, type CipherSuite, DEFAULT_CIPHER_SUITE } from '../../src/crypto/cipher-suite.ts';
import { createKeyPackage, type KeyPackageBundle } from '../../src/group/key-package.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS, type LeafValidationPolicy } from '../../src/validation/leaf-node.ts';

export const NOW = 1_800_000_000n;

export const SUITE_1: CipherSuite = cipherSuite(1, nobleProvider);
export const PQ_SUITE: CipherSuite = cipherSuite(DEFAULT_CIPHER_SUITE, nobleProvider);

export const acceptAll: LeafValidationPolicy = {
  validateCredential: () => true,
  now: NOW,
  maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS,
};

export function member(suite: CipherSuite, name: string): KeyPackageBundle {
  return createKeyPackage(suite, {
    credential: { type: 'basic', identity: new TextEncoder().encode(name) },
    lifetime: { notBefore: NOW - 3600n, notAfter: NOW + 30n * 24n * 3600n },
  });
}
