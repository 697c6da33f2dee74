/**
 * VaultStorage in a directory (Node): `vault.header` (the header, replaced atomically) and
 * `records.sqlite` with its `-wal` and `-shm` files (the encrypted records). The directory
 * is created with mode 0700.
 */
import { mkdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { VaultStorage } from '../../vault/vault-storage.ts';
import type { RecordBackend } from '../backend.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { openSqliteBackend } from './sqlite-backend.ts';

export const HEADER_FILE = 'vault.header';
export const RECORDS_FILE = 'records.sqlite';
/** Every file SQLite may create beside the records file. */
const RECORD_FILES = [RECORDS_FILE, `${RECORDS_FILE}-wal`, `${RECORDS_FILE}-shm`, `${RECORDS_FILE}-journal`];

export class DirectoryVaultStorage implements VaultStorage {
  #open: RecordBackend[] = [];

  /** @throws the fs error when the directory cannot be created. */
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
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
    const backend = openSqliteBackend(join(this.directory, RECORDS_FILE));
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
