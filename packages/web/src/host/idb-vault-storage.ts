/**
 * VaultStorage (packages/client/src/vault/vault-storage.ts) over IndexedDB: the vault's
 * header and its encrypted records live in one database of the origin. The vault itself
 * (Argon2id parameters, attempt limit, wipe) is the CLI's, unchanged; only where the bytes
 * go differs.
 *
 * `exclusive` uses the Web Locks API, which every tab of the origin shares, so two tabs
 * cannot both count a wrong passcode from the same old value (the role of the lock file
 * in Node).
 */
import type { RecordBackend } from '@sealed/client/store/backend';
import { VaultError } from '@sealed/client/vault/errors';
import type { VaultStorage } from '@sealed/client/vault/vault-storage';
import { HEADER_STORE, openVaultDatabase, RECORD_STORE, requestResult, transactionDone } from './idb.ts';
import { IndexedDbRecordBackend } from './idb-record-backend.ts';

/**
 * Longest wait for the attempt lock: 30 s. An unlock holds it for a few header writes (not
 * during Argon2id), so a longer wait means a stuck tab; the caller gets VaultError('busy').
 */
export const VAULT_LOCK_WAIT_MS = 30_000;
const HEADER_KEY = 'header';

export class IndexedDbVaultStorage implements VaultStorage {
  #db: Promise<IDBDatabase> | undefined;
  #blocked = false;
  readonly #lockName: string;

  /** `name` is the IndexedDB database (one vault per name and origin). */
  constructor(readonly name = 'sealed-vault') {
    this.#lockName = `${name}:attempts`;
  }

  /** True while our open waits for another tab to close the database. */
  get blocked(): boolean {
    return this.#blocked;
  }

  /**
   * The open connection, opened on first use and again after it was closed (another tab's
   * upgrade, `close()` on pagehide) or after an open failed, so a retry really retries.
   */
  #open(): Promise<IDBDatabase> {
    if (this.#db !== undefined) return this.#db;
    const opening = openVaultDatabase(this.name, {
      onBlocked: () => (this.#blocked = true),
      onClosed: () => {
        if (this.#db === opening) this.#db = undefined;
      },
    });
    this.#db = opening;
    opening.then(
      () => (this.#blocked = false),
      () => {
        if (this.#db === opening) this.#db = undefined;
      },
    );
    return opening;
  }

  /**
   * Closes the connection (on pagehide: a page that leaves must not hold the database
   * against the next page's upgrade). Later calls open it again.
   */
  close(): void {
    const opened = this.#db;
    this.#db = undefined;
    void opened?.then((db) => db.close(), () => undefined);
  }

  async readHeader(): Promise<Uint8Array | undefined> {
    const db = await this.#open();
    const value = (await requestResult(db.transaction(HEADER_STORE, 'readonly').objectStore(HEADER_STORE).get(HEADER_KEY))) as Uint8Array | undefined;
    return value === undefined ? undefined : new Uint8Array(value);
  }

  async writeHeader(bytes: Uint8Array): Promise<void> {
    const db = await this.#open();
    // Strict durability: the transaction completes only once the browser flushed it.
    const tx = db.transaction(HEADER_STORE, 'readwrite', { durability: 'strict' });
    tx.objectStore(HEADER_STORE).put(bytes.slice(), HEADER_KEY);
    await transactionDone(tx);
  }

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(VAULT_LOCK_WAIT_MS);
    return navigator.locks.request(this.#lockName, { mode: 'exclusive', signal }, () => task()).catch((error: unknown) => {
      if (error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
        throw new VaultError('busy', 'another tab holds the vault lock');
      }
      throw error;
    }) as Promise<T>;
  }

  async openRecords(): Promise<RecordBackend> {
    await this.#open();
    return new IndexedDbRecordBackend(() => this.#open());
  }

  async destroyRecords(): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(RECORD_STORE, 'readwrite', { durability: 'strict' });
    tx.objectStore(RECORD_STORE).clear();
    await transactionDone(tx);
  }
}
