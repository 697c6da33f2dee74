/** Shared test helpers for the vault: weak Argon2id parameters (tests only) and a quick vault. */
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Argon2Params } from '../../src/vault/argon2.ts';
import type { VaultStorage } from '../../src/vault/vault-storage.ts';
import { Vault } from '../../src/vault/vault.ts';

/** 8 KiB, one pass: fast, and only accepted with allowWeakParametersForTests. */
export const WEAK_ARGON2: Argon2Params = { memoryKiB: 8, iterations: 1, parallelism: 1 };

export const provider = nodeProvider;

export function createWeakVault(storage: VaultStorage, passcode: string, maxAttempts?: number): Promise<Vault> {
  return Vault.create({
    provider,
    storage,
    passcode,
    argon2: WEAK_ARGON2,
    allowWeakParametersForTests: true,
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

export function openWeakVault(storage: VaultStorage): Promise<Vault> {
  return Vault.open({ provider, storage, allowWeakParametersForTests: true });
}

/** Resolves to the VaultError code the promise rejects with (fails if it resolves). */
export async function rejectCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `untyped: ${String(error)}`;
  }
  throw new Error('expected a rejection');
}

export function throwCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? `untyped: ${String(error)}`;
  }
  throw new Error('expected a throw');
}
