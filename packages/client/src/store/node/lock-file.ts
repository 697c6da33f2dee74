/**
 * A cross-process lock on a directory: a file created with O_EXCL holding the owner's pid.
 * It is held only for a read-count-write of the vault header (milliseconds), so a lock
 * whose owner is dead, or which is older than LOCK_STALE_MS, is taken over.
 *
 * Limit (documented in docs/vault.md): two processes that find the same stale lock at the
 * same instant may both take it over; that needs a crash and a concurrent start together.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { VaultError } from '../../vault/errors.ts';

/**
 * A lock older than 30 s is stale whoever holds it: the critical section is a few fsyncs
 * (a wipe adds deleting three files); a pid reused by another program must not block forever.
 */
export const LOCK_STALE_MS = 30_000;
/** Pause between tries while another live process holds the lock. */
const LOCK_RETRY_MS = 10;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(path: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const pid = Number.parseInt(text, 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return Date.now() - info.mtimeMs > LOCK_RETRY_MS * 100;
    return !alive(pid) || Date.now() - info.mtimeMs > LOCK_STALE_MS;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // released meanwhile: just retry
    throw error;
  }
}

/**
 * Takes the lock at `path`, waiting at most `timeoutMs`; resolves to its release function.
 * @throws VaultError('busy') when a live owner keeps it longer than `timeoutMs`.
 */
export async function acquireLock(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const file = await open(path, 'wx', 0o600);
      try {
        await file.writeFile(String(process.pid));
      } finally {
        await file.close();
      }
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(path)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) throw new VaultError('busy', 'another process is unlocking this vault');
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}
