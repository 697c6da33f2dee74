/**
 * Where a vault keeps its bytes: one small header and the encrypted records. One
 * implementation per platform (memory for tests, a directory in Node, IndexedDB later).
 */
import type { RecordBackend } from '../store/backend.ts';

export interface VaultStorage {
  /** The header bytes, or undefined when no vault was ever created here. */
  readHeader(): Promise<Uint8Array | undefined>;
  /**
   * Replaces the header atomically and durably: after it resolves, a crash or a kill leaves
   * the new bytes; if it rejects, the old bytes or the new ones, never a mix.
   */
  writeHeader(bytes: Uint8Array): Promise<void>;
  /**
   * Runs `task` while holding an exclusive lock shared by every process (and every Vault
   * object) on this storage, so that reading, counting and writing the failure counter is
   * atomic: parallel processes cannot each count from the same old value.
   * @throws VaultError('busy') when the lock cannot be taken within the storage's bound.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Opens the record back end (created empty if missing). */
  openRecords(): Promise<RecordBackend>;
  /** Closes any open back end and destroys every record. Idempotent. */
  destroyRecords(): Promise<void>;
}
