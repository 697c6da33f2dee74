/**
 * The storage a platform provides under the encrypted stores: rows of opaque bytes. A back
 * end never sees a plaintext, a record id or a key: `collection` and `key` are keyed hashes
 * (HMAC) of the ids, `value` is an AEAD envelope. Every call is async so IndexedDB (whose API
 * is asynchronous) can implement it in the browser as memory and SQLite do in Node.
 *
 * Rows are unique by (kind, collection, key). Each row gets a sequence number when first
 * inserted; replacing its value keeps the number, so list() returns rows in insertion order.
 */

/** Which typed store a row belongs to. Stored as a small integer; part of every record's AAD. */
export const RecordKind = {
  keyMaterial: 1,
  groupState: 2,
  conversation: 3,
  message: 4,
  setting: 5,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export interface BackendRow {
  /** Insertion order, > 0, unique within the back end. */
  readonly seq: number;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** One write of a batch (write-buffer.ts): puts only; deletes are never staged. */
export interface StagedPut {
  readonly kind: RecordKind;
  readonly collection: Uint8Array;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface RecordBackend {
  get(kind: RecordKind, collection: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Inserts or replaces; a replaced row keeps its sequence number. */
  put(kind: RecordKind, collection: Uint8Array, key: Uint8Array, value: Uint8Array): Promise<void>;
  /** True when a row was removed. */
  delete(kind: RecordKind, collection: Uint8Array, key: Uint8Array): Promise<boolean>;
  /** Removes every row of a collection; returns how many. */
  deleteCollection(kind: RecordKind, collection: Uint8Array): Promise<number>;
  /** Rows of a collection with seq > afterSeq, ascending, at most `limit` (caller-bounded). */
  list(kind: RecordKind, collection: Uint8Array, afterSeq: number, limit: number): Promise<BackendRow[]>;
  /**
   * Optional: applies `puts` in order as one transaction. `durable`: on stable storage when
   * it resolves (survives a power cut); otherwise it survives a crash of this process and
   * becomes durable with the next durable call (which makes every earlier write durable,
   * even with `puts` empty). A back end without it gets the puts one by one.
   */
  applyBatch?(puts: readonly StagedPut[], durable: boolean): Promise<void>;
  /** Releases the storage; later calls reject. Idempotent. */
  close(): Promise<void>;
}
