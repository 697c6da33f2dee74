/**
 * Durable, atomic replacement of a small file: write a temporary file beside it, fsync it,
 * rename it over the target, fsync the directory. After `writeFileAtomic` resolves, a crash
 * or SIGKILL leaves the new content; before, the old one; never a torn mix (POSIX rename).
 */
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** @throws the underlying fs error; the temporary file is removed on failure. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.tmp`);
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
