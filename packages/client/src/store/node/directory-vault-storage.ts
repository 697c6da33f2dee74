/**
 * VaultStorage in a directory (Node): `vault.header` (the header, replaced atomically) and
 * `records.sqlite` with its `-wal` and `-shm` files (the encrypted records), and
 * `vault.lock` while a process counts an attempt. The directory is created with mode 0700,
 * the files 0600.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { VaultStorage } from '../../vault/vault-storage.ts';
import type { RecordBackend } from '../backend.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { acquireLock } from './lock-file.ts';
import { openSqliteBackend } from './sqlite-backend.ts';

export const HEADER_FILE = 'vault.header';
export const RECORDS_FILE = 'records.sqlite';
export const LOCK_FILE = 'vault.lock';
/** Default wait for the attempt lock: 5 s, far longer than its critical section (a few fsyncs). */
export const DEFAULT_LOCK_TIMEOUT_MS = 5000;

export interface DirectoryVaultStorageOptions {
  /** How long exclusive() waits for another live process (default DEFAULT_LOCK_TIMEOUT_MS). */
  readonly lockTimeoutMs?: number;
}
/** Every file SQLite may create beside the records file. */
const RECORD_FILES = [RECORDS_FILE, `${RECORDS_FILE}-wal`, `${RECORDS_FILE}-shm`, `${RECORDS_FILE}-journal`];

export class DirectoryVaultStorage implements VaultStorage {
  #open: RecordBackend[] = [];

  readonly #lockTimeoutMs: number;

  /** @throws the fs error when the directory cannot be created. */
  constructor(
    readonly directory: string,
    options: DirectoryVaultStorageOptions = {},
  ) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  }

  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    const release = await acquireLock(join(this.directory, LOCK_FILE), this.#lockTimeoutMs);
    try {
      return await task();
    } finally {
      await release();
    }
  }

  async readHeader(): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.directory, HEADER_FILE)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  writeHeader(bytes: Uint8Array): Promise<void> {
    return writeFileAtomic(join(this.directory, HEADER_FILE), bytes);
  }

  openRecords(): Promise<RecordBackend> {
    const path = join(this.directory, RECORDS_FILE);
    // Owner-only, as the header: SQLite creates a new database file 0644 (less the umask)
    // and gives its -wal and -shm files the database file's mode. So the file is made (or
    // narrowed, for a vault made before) 0600 before SQLite opens it. The records are
    // encrypted anyway; their sizes and count are nobody else's business either.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    const backend = openSqliteBackend(path);
    this.#open.push(backend);
    return Promise.resolve(backend);
  }

  async destroyRecords(): Promise<void> {
    const open = this.#open;
    this.#open = [];
    for (const backend of open) await backend.close();
    for (const name of RECORD_FILES) await rm(join(this.directory, name), { force: true });
  }
}
