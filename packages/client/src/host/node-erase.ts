/**
 * Erasing a Node device that was removed from its account (removal-watch.ts): the vault is
 * crypto-erased (its header, which holds the only wrapped copy of the vault key, becomes the
 * "wiped" tombstone) and its records are deleted, as after too many wrong passcodes. A
 * marker file (no secret in it) says why, so the next run explains it plainly instead of
 * blaming wrong passcodes.
 *
 * The marker is written first: a process killed half-way leaves a marker beside a vault that
 * is still whole, and the next run that sees the marker finishes the erasure before anything
 * else (`eraseRemovedDevice` is idempotent).
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { DirectoryVaultStorage } from '../store/node/directory-vault-storage.ts';
import { encodeHeader } from '../vault/header.ts';
import { acquireSession } from './node-host.ts';

/** In the data directory once this device learnt it was removed from its account. */
export const REMOVED_MARKER_FILE = 'device.removed';

const MARKER_TEXT = 'This device was removed from its account by another of its devices; its vault was erased.\n';

/** True when this data directory's device was removed from its account (and is, or will be, erased). */
export function wasRemovedFromAccount(directory: string): boolean {
  return existsSync(join(directory, REMOVED_MARKER_FILE));
}

/**
 * Marks the device removed, then erases the vault key and the records. The caller must have
 * closed its session first (the host locked, the session lock released).
 * @throws SessionBusyError when another process has the device unlocked; fs errors
 */
export async function eraseRemovedDevice(directory: string): Promise<void> {
  const release = await acquireSession(directory);
  try {
    await writeFile(join(directory, REMOVED_MARKER_FILE), MARKER_TEXT, { mode: 0o600 });
    const storage = new DirectoryVaultStorage(directory);
    await storage.exclusive(async () => {
      await storage.writeHeader(encodeHeader(nodeProvider, { state: 'wiped' }));
      await storage.destroyRecords();
    });
  } finally {
    await release();
  }
}

/** A new account or link in this directory: the old device's removal is history. */
export async function forgetRemoval(directory: string): Promise<void> {
  await rm(join(directory, REMOVED_MARKER_FILE), { force: true });
}
