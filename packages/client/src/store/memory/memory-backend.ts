/**
 * RecordBackend in memory, for tests and for ephemeral sessions. It still holds only
 * ciphertexts and tags (the encrypted layer sits above every back end).
 */
import { VaultError } from '../../vault/errors.ts';
import type { BackendRow, RecordBackend, RecordKind, StagedPut } from '../backend.ts';

function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

interface Row {
  readonly seq: number;
  readonly key: Uint8Array;
  value: Uint8Array;
}

export class MemoryBackend implements RecordBackend {
  /** collection id ("kind:collectionhex") -> key hex -> row; Map keeps insertion order. */
  #collections = new Map<string, Map<string, Row>>();
  #nextSeq = 1;
  #closed = false;

  #collection(kind: RecordKind, collection: Uint8Array, create: boolean): Map<string, Row> | undefined {
    if (this.#closed) throw new VaultError('locked', 'record back end is closed');
    const name = `${kind}:${hexOf(collection)}`;
    let rows = this.#collections.get(name);
    if (rows === undefined && create) {
      rows = new Map();
      this.#collections.set(name, rows);
    }
    return rows;
  }

  async get(kind: RecordKind, collection: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    const row = this.#collection(kind, collection, false)?.get(hexOf(key));
    return row?.value.slice();
  }

  async put(kind: RecordKind, collection: Uint8Array, key: Uint8Array, value: Uint8Array): Promise<void> {
    const rows = this.#collection(kind, collection, true) as Map<string, Row>;
    const name = hexOf(key);
    const existing = rows.get(name);
    if (existing !== undefined) existing.value = value.slice();
    else rows.set(name, { seq: this.#nextSeq++, key: key.slice(), value: value.slice() });
  }

  /** Applies the puts in order (memory has no durability to choose). */
  async applyBatch(puts: readonly StagedPut[]): Promise<void> {
    for (const p of puts) await this.put(p.kind, p.collection, p.key, p.value);
  }

  async delete(kind: RecordKind, collection: Uint8Array, key: Uint8Array): Promise<boolean> {
    return this.#collection(kind, collection, false)?.delete(hexOf(key)) ?? false;
  }

  async deleteCollection(kind: RecordKind, collection: Uint8Array): Promise<number> {
    const rows = this.#collection(kind, collection, false);
    const count = rows?.size ?? 0;
    rows?.clear();
    return count;
  }

  async list(kind: RecordKind, collection: Uint8Array, afterSeq: number, limit: number): Promise<BackendRow[]> {
    const out: BackendRow[] = [];
    // Rows of a collection are inserted with increasing seq, so Map order is seq order.
    for (const row of this.#collection(kind, collection, false)?.values() ?? []) {
      if (out.length >= limit) break;
      if (row.seq > afterSeq) out.push({ seq: row.seq, key: row.key.slice(), value: row.value.slice() });
    }
    return out;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** How many rows are stored (tests check the wipe empties it). */
  get rowCount(): number {
    let count = 0;
    for (const rows of this.#collections.values()) count += rows.size;
    return count;
  }

  /** Drops every row (the wipe). */
  clear(): void {
    this.#collections.clear();
  }
}
