/**
 * The few IndexedDB calls the web client needs, as promises. IndexedDB is asynchronous and
 * callback based; these wrappers keep the vault storage and record back end readable.
 */

/** Resolves with a request's result, rejects with its error. */
export function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Resolves when `tx` commits (with strict durability the data is on disk by then), rejects
 * when it aborts or fails.
 */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

/** Object store names of the vault database (version 1). */
export const HEADER_STORE = 'header';
export const RECORD_STORE = 'records';
/** Unique index on (kind, collection, key): one row per record. */
export const ROW_INDEX = 'row';
/** Index on (kind, collection, seq): a collection's rows in insertion order. */
export const LIST_INDEX = 'list';
export const VAULT_DB_VERSION = 1;

/** Why the vault database could not be opened (shown on the start-up error screen). */
export type OpenFailure = 'version' | 'unavailable';

export class VaultDatabaseError extends Error {
  override readonly name = 'VaultDatabaseError';
  constructor(readonly code: OpenFailure, detail: string) {
    super(`${code}: ${detail}`);
  }
}

export interface OpenHooks {
  /** Our upgrade waits for another tab to close the database (it may still succeed later). */
  readonly onBlocked?: () => void;
  /**
   * Another tab wants to upgrade or delete the database: this connection was closed so it
   * is not held up (an open that waits on a connection nobody closes never settles).
   */
  readonly onClosed?: () => void;
}

/**
 * Opens (creating on first use) the vault database `name`. Rows are
 * `{ seq (auto), kind, collection (hex), key (hex), keyBytes, value }`.
 * @throws VaultDatabaseError('version') when the database is newer than this code (another
 *   tab runs a newer release), VaultDatabaseError('unavailable') when IndexedDB refuses
 */
export function openVaultDatabase(name: string, hooks: OpenHooks = {}): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.open(name, VAULT_DB_VERSION);
    } catch {
      reject(new VaultDatabaseError('unavailable', 'IndexedDB is not available'));
      return;
    }
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(HEADER_STORE);
      const records = db.createObjectStore(RECORD_STORE, { keyPath: 'seq', autoIncrement: true });
      records.createIndex(ROW_INDEX, ['kind', 'collection', 'key'], { unique: true });
      records.createIndex(LIST_INDEX, ['kind', 'collection', 'seq'], { unique: true });
    };
    request.onblocked = () => hooks.onBlocked?.();
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => {
        db.close();
        hooks.onClosed?.();
      };
      // The browser closed it (storage cleared, disk error): the next use opens again.
      db.onclose = () => hooks.onClosed?.();
      resolve(db);
    };
    request.onerror = () => {
      const error = request.error;
      reject(new VaultDatabaseError(error?.name === 'VersionError' ? 'version' : 'unavailable', error?.name ?? 'open failed'));
    };
  });
}

/** Lowercase hex of bytes (IndexedDB key paths on strings sort and compare simply). */
export function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}
