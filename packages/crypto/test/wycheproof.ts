/**
 * Shared plumbing for the Wycheproof suites: load a file from ../shared/testvectors/wycheproof,
 * walk every test of every group, and count what was run, rejected as outside the provider
 * interface, and failed. A suite asserts that nothing failed and that the counts add up to the
 * file's own `numberOfTests`, so no case can be skipped silently.
 */
import assert from 'node:assert/strict';
import { loadVectors } from '../../../tools/testvectors.ts';
import { CryptoError, type CryptoErrorCode } from '../src/errors.ts';

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofTest {
  readonly tcId: number;
  readonly comment?: string;
  readonly flags?: readonly string[];
  readonly result: WycheproofResult;
  readonly [field: string]: unknown;
}

export interface WycheproofGroup<T extends WycheproofTest> {
  readonly tests: readonly T[];
  readonly [field: string]: unknown;
}

export interface WycheproofFile<T extends WycheproofTest, G extends WycheproofGroup<T> = WycheproofGroup<T>> {
  readonly algorithm: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly G[];
}

export function loadWycheproof<T extends WycheproofTest, G extends WycheproofGroup<T> = WycheproofGroup<T>>(
  name: string,
): WycheproofFile<T, G> {
  return loadVectors<WycheproofFile<T, G>>(`wycheproof/${name}`);
}

/** What one case did: ran through the interface, or was outside it (and rejected as such). */
export type Outcome = 'run' | 'out-of-interface';

/**
 * Runs `check` on every test of `file`, collecting failures (with the tcId) instead of
 * stopping at the first, then asserts there were none and prints the counts.
 */
export function runSuite<T extends WycheproofTest, G extends WycheproofGroup<T>>(
  label: string,
  file: WycheproofFile<T, G>,
  check: (test: T, group: G) => Outcome,
): { run: number; outOfInterface: number } {
  let run = 0;
  let outOfInterface = 0;
  const failures: string[] = [];
  for (const group of file.testGroups) {
    for (const test of group.tests) {
      try {
        if (check(test, group) === 'run') run++;
        else outOfInterface++;
      } catch (error) {
        failures.push(`tcId ${test.tcId} (${test.result}, ${test.comment ?? ''}): ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }
  console.log(`${label}: ${run} cases run, ${outOfInterface} out-of-interface (rejected with a typed error), ${failures.length} failed`);
  assert.deepEqual(failures, []);
  assert.equal(run + outOfInterface, file.numberOfTests);
  return { run, outOfInterface };
}

/** Asserts that `fn` throws a `CryptoError` with `code`. */
export function expectCryptoError(code: CryptoErrorCode, fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CryptoError, `expected CryptoError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}
