/** Checks on the results of `sealed` processes, shared by the end-to-end tests. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Result } from './sealed-process.ts';

/** stdout of a command that must succeed. */
export function ok(result: Result): string {
  assert.equal(result.code, 0, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout;
}

/** stderr of a failed command: exactly one line, "sealed: <what happened> (<what to do next>)". */
export function oneLineError(result: Result, code: number): string {
  assert.equal(result.code, code, `exit code; stdout: ${result.stdout} stderr: ${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.match(lines[0]!, /^sealed: .+\(.+\)$/, 'message, then what to do next in parentheses');
  return lines[0]!;
}

/** Most runs of a command while waiting for a state (each run takes a second or more). */
const MAX_POLLS = 40;
const POLL_PAUSE_MS = 500;

/**
 * Runs `command` until `done(stdout)` holds; returns that stdout. Bounded in count (each
 * run is itself bounded by the process harness). @throws after MAX_POLLS runs
 */
export async function eventually(command: () => Promise<Result>, done: (stdout: string) => boolean, what: string): Promise<string> {
  let last = '';
  for (let i = 0; i < MAX_POLLS; i++) {
    last = ok(await command());
    if (done(last)) return last;
    await sleep(POLL_PAUSE_MS);
  }
  throw new Error(`${what}: not reached after ${MAX_POLLS} runs; last output:\n${last}`);
}
