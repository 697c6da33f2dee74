/**
 * Shared set-up of the host e2e tests: one real relay process (SQLite in a temporary
 * directory, rate limits lifted) for a test file, a cheap vault KDF, and a bounded wait.
 */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, type ServerProcess } from '../../../server/test/support/server-process.ts';

/** Argon2id parameters too weak for anything but tests (the vault's KDF is not what these test). */
export const WEAK = { memoryKiB: 8, iterations: 1, parallelism: 1 };
export const WAIT_MS = 60_000;

/** Polls `predicate` every 20 ms; fails with `what` after WAIT_MS. */
export async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface RealRelay {
  /** The running relay (set once the file's `before` hook ran). */
  readonly server: ServerProcess;
  /** The file's temporary directory (the relay's data lives in `server/` below it). */
  readonly dir: string;
}

/** Starts a relay before the file's tests and removes it and its directory after them. */
export function useRealRelay(prefix: string): RealRelay {
  const relay = {} as { server: ServerProcess; dir: string };
  before(async () => {
    relay.dir = mkdtempSync(join(tmpdir(), prefix));
    relay.server = await startServer({ label: 'server', port: await freePort(), args: ['--storage', 'sqlite', '--data-dir', join(relay.dir, 'server'), '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn'] });
  });
  after(async () => {
    await relay.server.stop();
    rmSync(relay.dir, { recursive: true, force: true });
  });
  return relay;
}
