/**
 * The encrypted layer every typed store goes through: ids become HMAC tags, records become
 * AEAD envelopes, and only then do bytes reach a back end. Reads authenticate before
 * returning anything, and check that the id inside matches the tag asked for.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { VaultError } from '../vault/errors.ts';
import type { RecordBackend, RecordKind } from './backend.ts';
import { openRecord, sealRecord, type StoredRecord } from './envelope.ts';
import { MAX_LIST_LIMIT, MAX_RECORD_ID_BYTES } from './limits.ts';
import type { RecordKeys } from './record-keys.ts';

/** One page of a listing; pass `next` back as `after` to continue, undefined at the end. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: number | undefined;
}

export interface ListOptions {
  /** Cursor from a previous page (default: from the start). */
  readonly after?: number;
  /** At most this many items, 1..MAX_LIST_LIMIT (default MAX_LIST_LIMIT). */
  readonly limit?: number;
}

const NO_COLLECTION = new Uint8Array(0);

function checkId(id: Uint8Array, name: string): void {
  if (!(id instanceof Uint8Array) || id.length > MAX_RECORD_ID_BYTES) {
    throw new VaultError('invalid-argument', `${name} must be a Uint8Array of at most ${MAX_RECORD_ID_BYTES} bytes`);
  }
}

export class SealedRecords {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly backend: RecordBackend,
    private readonly keys: RecordKeys,
  ) {}

  /** HMAC tag of a collection id ("C" || kind || id); empty for stores without collections. */
  #collectionTag(kind: RecordKind, collection: Uint8Array | undefined): Uint8Array {
    if (collection === undefined) return NO_COLLECTION;
    checkId(collection, 'collection id');
    const input = new Uint8Array(2 + collection.length);
    input[0] = 0x43;
    input[1] = kind;
    input.set(collection, 2);
    return this.provider.hmac('SHA-256', this.keys.indexKey, input);
  }

  /** HMAC tag of a record id ("K" || kind || collection tag || id); tags are fixed-length, so this is unambiguous. */
  #keyTag(kind: RecordKind, collectionTag: Uint8Array, id: Uint8Array): Uint8Array {
    checkId(id, 'record id');
    const input = new Uint8Array(2 + collectionTag.length + id.length);
    input[0] = 0x4b;
    input[1] = kind;
    input.set(collectionTag, 2);
    input.set(id, 2 + collectionTag.length);
    return this.provider.hmac('SHA-256', this.keys.indexKey, input);
  }

  /**
   * @throws VaultError('locked'), ('invalid-argument'), ('record-*') for a stored envelope
   *   that does not authenticate or parse.
   */
  async get(kind: RecordKind, collection: Uint8Array | undefined, id: Uint8Array): Promise<StoredRecord | undefined> {
    const collectionTag = this.#collectionTag(kind, collection);
    const keyTag = this.#keyTag(kind, collectionTag, id);
    const envelope = await this.backend.get(kind, collectionTag, keyTag);
    if (envelope === undefined) return undefined;
    const opened = openRecord(this.provider, this.keys.recordKey, kind, collectionTag, keyTag, envelope);
    if (!this.provider.constantTimeEqual(opened.id, id)) throw new VaultError('record-auth', 'record holds another id');
    return opened.record;
  }

  /** @throws VaultError('locked'), ('invalid-argument'). */
  async put(kind: RecordKind, collection: Uint8Array | undefined, id: Uint8Array, record: StoredRecord): Promise<void> {
    const collectionTag = this.#collectionTag(kind, collection);
    const keyTag = this.#keyTag(kind, collectionTag, id);
    const envelope = sealRecord(this.provider, this.keys.recordKey, kind, collectionTag, keyTag, id, record);
    await this.backend.put(kind, collectionTag, keyTag, envelope);
  }

  /** @throws VaultError('locked'), ('invalid-argument'). */
  async delete(kind: RecordKind, collection: Uint8Array | undefined, id: Uint8Array): Promise<boolean> {
    const collectionTag = this.#collectionTag(kind, collection);
    return this.backend.delete(kind, collectionTag, this.#keyTag(kind, collectionTag, id));
  }

  /** @throws VaultError('locked'), ('invalid-argument'). */
  async deleteCollection(kind: RecordKind, collection: Uint8Array | undefined): Promise<number> {
    return this.backend.deleteCollection(kind, this.#collectionTag(kind, collection));
  }

  /**
   * Records of a collection in insertion order, authenticated one by one.
   * @throws VaultError('invalid-argument') for a limit outside 1..MAX_LIST_LIMIT or a bad
   *   cursor; ('locked'); ('record-*') for a stored envelope that fails.
   */
  async list(
    kind: RecordKind,
    collection: Uint8Array | undefined,
    options: ListOptions = {},
  ): Promise<Page<{ readonly id: Uint8Array; readonly record: StoredRecord }>> {
    const limit = options.limit ?? MAX_LIST_LIMIT;
    const after = options.after ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new VaultError('invalid-argument', `limit must be in [1, ${MAX_LIST_LIMIT}]`);
    }
    if (!Number.isSafeInteger(after) || after < 0) throw new VaultError('invalid-argument', 'cursor must be a non-negative integer');
    const collectionTag = this.#collectionTag(kind, collection);
    const rows = await this.backend.list(kind, collectionTag, after, limit);
    const items = rows.map((row) => {
      const opened = openRecord(this.provider, this.keys.recordKey, kind, collectionTag, row.key, row.value);
      const expected = this.#keyTag(kind, collectionTag, opened.id);
      if (!this.provider.constantTimeEqual(expected, row.key)) throw new VaultError('record-auth', 'record holds another id');
      return opened;
    });
    const last = rows[rows.length - 1];
    return { items, next: rows.length === limit && last !== undefined ? last.seq : undefined };
  }
}
