/**
 * Argon2id (RFC 9106) through hash-wasm 4.13.0 (WASM; the same code in Node and browsers).
 * The crypto provider has no password hash, so this is the one primitive the vault takes
 * from elsewhere; it is never reimplemented here.
 */
import { argon2id } from 'hash-wasm';
import { VaultError } from './errors.ts';
import {
  ARGON2_SALT_LENGTH,
  MAX_ARGON2_ITERATIONS,
  MAX_ARGON2_MEMORY_KIB,
  MAX_ARGON2_PARALLELISM,
  MIN_ARGON2_ITERATIONS,
  MIN_ARGON2_MEMORY_KIB,
  MIN_TEST_ARGON2_MEMORY_KIB,
  VAULT_KEY_LENGTH,
} from './limits.ts';

/** Argon2id cost parameters (RFC 9106 §3.1: m in KiB, t passes, p lanes). */
export interface Argon2Params {
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/** Which floor a parameter set must meet: production (64 MiB, t >= 3) or the test opt-in. */
export type Argon2Floor = 'production' | 'weak-for-tests';

function inRange(value: number, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}

/**
 * Checks `params` against the upper bounds (always) and the floor named by `floor`.
 * @throws VaultError('weak-parameters') below the production floor; VaultError('invalid-argument')
 *   outside the absolute bounds (`code` is overridable for header decoding).
 */
export function checkArgon2Params(
  params: Argon2Params,
  floor: Argon2Floor,
  outOfRange: 'invalid-argument' | 'header-malformed' = 'invalid-argument',
): void {
  const { memoryKiB, iterations, parallelism } = params;
  if (
    !inRange(parallelism, 1, MAX_ARGON2_PARALLELISM) ||
    !inRange(memoryKiB, Math.max(MIN_TEST_ARGON2_MEMORY_KIB, 8 * parallelism), MAX_ARGON2_MEMORY_KIB) ||
    !inRange(iterations, 1, MAX_ARGON2_ITERATIONS)
  ) {
    throw new VaultError(outOfRange, 'Argon2id parameters outside the allowed bounds');
  }
  if (floor === 'production' && (memoryKiB < MIN_ARGON2_MEMORY_KIB || iterations < MIN_ARGON2_ITERATIONS)) {
    throw new VaultError(
      'weak-parameters',
      `Argon2id needs at least ${MIN_ARGON2_MEMORY_KIB} KiB and ${MIN_ARGON2_ITERATIONS} passes outside tests`,
    );
  }
}

/**
 * The 32-byte key that wraps the vault key: Argon2id(passcode, salt) with `params`.
 * The output belongs to the caller (zero it after use). hash-wasm keeps its working memory
 * inside its WASM instance; see docs/vault.md on what cannot be wiped.
 * @throws VaultError('invalid-argument') for a salt of the wrong length or parameters out of bounds.
 */
export async function deriveWrappingKey(passcode: Uint8Array, salt: Uint8Array, params: Argon2Params): Promise<Uint8Array> {
  if (!(salt instanceof Uint8Array) || salt.length !== ARGON2_SALT_LENGTH) {
    throw new VaultError('invalid-argument', `salt must be ${ARGON2_SALT_LENGTH} bytes`);
  }
  checkArgon2Params(params, 'weak-for-tests');
  return argon2id({
    password: passcode,
    salt,
    iterations: params.iterations,
    parallelism: params.parallelism,
    memorySize: params.memoryKiB,
    hashLength: VAULT_KEY_LENGTH,
    outputType: 'binary',
  });
}
