/**
 * RecordBackend (packages/client/src/store/backend.ts) over IndexedDB. It stores what the
 * encrypted layer hands it, nothing more: HMAC tags as keys and AEAD envelopes as values.
 * Each call is one IndexedDB transaction, so a put is all or nothing.
 */
import type { BackendRow, RecordBackend, RecordKind } from '@sealed/client/store/backend';
import { VaultError } from '@sealed/client/vault/errors';
import { hexOf, LIST_INDEX, RECORD_STORE, requestResult, ROW_INDEX, transactionDone } from './idb.ts';

interface StoredRow {
  seq?: number;
  readonly kind: number;
  readonly collection: string;
  readonly key: string;
  readonly keyBytes: Uint8Array;
  readonly value: Uint8Array;
}

export class IndexedDbRecordBackend implements RecordBackend {
  #closed = false;

  /** `database` gives the open connection (reopened by the storage after it was closed). */
  constructor(private readonly database: () => Promise<IDBDatabase>) {}

  async #tx(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    if (this.#closed) throw new VaultError('locked', 'record back end is closed');
    const db = await this.database();
    if (this.#closed) throw new VaultError('locked', 'record back end is closed');
    return db.transaction(RECORD_STORE, mode, { durability: 'strict' }).objectStore(RECORD_STORE);
  }

  async get(kind: RecordKind, collection: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    const row = (await requestResult((await this.#tx('readonly')).index(ROW_INDEX).get([kind, hexOf(collection), hexOf(key)]))) as StoredRow | undefined;
    return row === undefined ? undefined : new Uint8Array(row.value);
  }

  async put(kind: RecordKind, collection: Uint8Array, key: Uint8Array, value: Uint8Array): Promise<void> {
    const store = await this.#tx('readwrite');
    const done = transactionDone(store.transaction);
    const row: StoredRow = { kind, collection: hexOf(collection), key: hexOf(key), keyBytes: key.slice(), value: value.slice() };
    // A replaced row keeps its sequence number (insertion order), as the interface requires.
    const seq = (await requestResult(store.index(ROW_INDEX).getKey([row.kind, row.collection, row.key]))) as number | undefined;
    if (seq === undefined) store.add(row);
    else store.put({ ...row, seq });
    await done;
  }

  async delete(kind: RecordKind, collection: Uint8Array, key: Uint8Array): Promise<boolean> {
    const store = await this.#tx('readwrite');
    const done = transactionDone(store.transaction);
    const seq = (await requestResult(store.index(ROW_INDEX).getKey([kind, hexOf(collection), hexOf(key)]))) as number | undefined;
    if (seq !== undefined) store.delete(seq);
    await done;
    return seq !== undefined;
  }

  async deleteCollection(kind: RecordKind, collection: Uint8Array): Promise<number> {
    const store = await this.#tx('readwrite');
    const done = transactionDone(store.transaction);
    const name = hexOf(collection);
    const range = IDBKeyRange.bound([kind, name, 0], [kind, name, Number.MAX_SAFE_INTEGER]);
    const seqs = (await requestResult(store.index(LIST_INDEX).getAllKeys(range))) as number[];
    for (const seq of seqs) store.delete(seq);
    await done;
    return seqs.length;
  }

  async list(kind: RecordKind, collection: Uint8Array, afterSeq: number, limit: number): Promise<BackendRow[]> {
    const name = hexOf(collection);
    const range = IDBKeyRange.bound([kind, name, afterSeq], [kind, name, Number.MAX_SAFE_INTEGER], true, false);
    const rows = (await requestResult((await this.#tx('readonly')).index(LIST_INDEX).getAll(range, limit))) as StoredRow[];
    return rows.map((row) => ({ seq: row.seq!, key: new Uint8Array(row.keyBytes), value: new Uint8Array(row.value) }));
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
