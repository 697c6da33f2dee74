// Shared fixtures of the group tests: suites, members with key packages, a permissive
// credential policy (the tests are about MLS rules, not credential checks).
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { cipherSuite, type CipherSuite, DEFAULT_CIPHER_SUITE } from '../../src/crypto/cipher-suite.ts';
import { GroupError, type GroupErrorCode } from '../../src/group/errors.ts';
import type { GroupState } from '../../src/group/state.ts';
import { createKeyPackage, type KeyPackageBundle } from '../../src/group/key-package.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS, type LeafValidationPolicy } from '../../src/validation/leaf-node.ts';

export const NOW = 1_800_000_000n;

export const SUITE_1: CipherSuite = cipherSuite(1, nodeProvider);
export const PQ_SUITE: CipherSuite = cipherSuite(DEFAULT_CIPHER_SUITE, nodeProvider);

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

/** One member's view in a test: its state and the name it goes by. */
export interface TestMember {
  name: string;
  state: GroupState;
}

export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Asserts that every member is in the same epoch with the same epoch authenticator. */
export function assertAgree(members: readonly TestMember[]): void {
  const first = members[0]!;
  for (const m of members) {
    assert.equal(m.state.groupContext.epoch, first.state.groupContext.epoch, `${m.name} epoch`);
    assert.equal(hexOf(m.state.keys.epochAuthenticator), hexOf(first.state.keys.epochAuthenticator), `${m.name} epoch authenticator`);
  }
}

/** Asserts `fn` throws a GroupError with `code`. */
export function assertGroupError(fn: () => unknown, code: GroupErrorCode): void {
  assert.throws(fn, (error: unknown) => {
    if (!(error instanceof GroupError)) throw error;
    assert.equal(error.code, code, error.message);
    return true;
  });
}
