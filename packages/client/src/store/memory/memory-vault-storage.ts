/**
 * VaultStorage in memory. Keep one instance and open several Vault objects on it to
 * simulate restarts in tests; `headerBytes` lets tests inspect and corrupt the header.
 */
import { VaultError } from '../../vault/errors.ts';
import type { VaultStorage } from '../../vault/vault-storage.ts';
import type { RecordBackend } from '../backend.ts';
import { MemoryBackend } from './memory-backend.ts';

export class MemoryVaultStorage implements VaultStorage {
  headerBytes: Uint8Array | undefined;
  /** How many times writeHeader ran. */
  headerWrites = 0;
  /** The rows; they survive lock/unlock as a file would. Exposed so tests can tamper. */
  readonly records = new MemoryBackend();

  #queue: Promise<unknown> = Promise.resolve();

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  readHeader(): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.headerBytes?.slice());
  }

  writeHeader(bytes: Uint8Array): Promise<void> {
    this.headerBytes = bytes.slice();
    this.headerWrites++;
    return Promise.resolve();
  }

  openRecords(): Promise<RecordBackend> {
    return Promise.resolve(handleOn(this.records));
  }

  destroyRecords(): Promise<void> {
    this.records.clear();
    return Promise.resolve();
  }
}

/** A handle on shared rows whose close() closes only this handle. */
function handleOn(rows: MemoryBackend): RecordBackend {
  let closed = false;
  const open = (): MemoryBackend => {
    if (closed) throw new VaultError('locked', 'record back end is closed');
    return rows;
  };
  return {
    get: async (kind, collection, key) => open().get(kind, collection, key),
    put: async (kind, collection, key, value) => open().put(kind, collection, key, value),
    delete: async (kind, collection, key) => open().delete(kind, collection, key),
    deleteCollection: async (kind, collection) => open().deleteCollection(kind, collection),
    list: async (kind, collection, afterSeq, limit) => open().list(kind, collection, afterSeq, limit),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}
