/**
 * Write batches over a record back end: while a batch is open (`hold`), puts are staged in
 * memory (already sealed: only tags and envelopes, as everywhere below the encrypted layer)
 * and applied together by `release` as one transaction, durable or not as the caller says.
 * One transaction per batch of engine actions instead of one durable commit (an fsync) per
 * record: the message path of the client writes its records without waiting for the disk,
 * and pays one fsync where a guarantee needs it (before a SEND that depends on a record,
 * before acknowledging a delivery: transport/node-transport.ts).
 *
 * Outside a batch every call goes straight to the back end, durable as before, so code
 * that writes outside the transport (settings, renames, the CLI) keeps its guarantees.
 * Reads, deletes and listings apply the staged puts first (without waiting for the disk),
 * so every reader sees its own writes in order. A back end without `applyBatch` (IndexedDB
 * today) is never staged for.
 */
import type { BackendRow, RecordBackend, RecordKind, StagedPut } from './backend.ts';

/**
 * Puts staged in one batch before they are applied anyway (without waiting for the disk):
 * an engine batch writes a handful of records; the bound keeps a runaway batch from
 * holding an unbounded amount of memory.
 */
export const MAX_STAGED_PUTS = 4096;

function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export class WriteBuffer implements RecordBackend {
  #staged: StagedPut[] = [];
  /** Row id -> index in #staged: a row put twice in a batch is written once, with the last value. */
  #index = new Map<string, number>();
  #holds = 0;
  #closed = false;

  constructor(private readonly inner: RecordBackend) {}

  /** Puts waiting in the open batch. */
  get staged(): number {
    return this.#staged.length;
  }

  /** Opens (or joins) a batch: puts are staged until the matching `release`. */
  hold(): void {
    if (this.inner.applyBatch !== undefined) this.#holds++;
  }

  /**
   * Closes a batch; the last one open applies every staged put as one transaction.
   * `durable`: on stable storage when it resolves (and every earlier write with it).
   */
  async release(durable: boolean): Promise<void> {
    if (this.#holds === 0) return;
    this.#holds--;
    if (this.#holds === 0 || durable) await this.flush(durable);
  }

  /** Applies what is staged now, the batch staying open. `durable` as in `release`. */
  async flush(durable: boolean): Promise<void> {
    const apply = this.inner.applyBatch;
    if (apply === undefined) return;
    const puts = this.#staged;
    this.#staged = [];
    this.#index.clear();
    if (puts.length > 0 || durable) await apply.call(this.inner, puts, durable);
  }

  /**
   * Makes every write applied so far durable, leaving staged puts staged: an ACK of a step
   * already released waits for this, and must not apply half of the next step's writes.
   */
  async sync(): Promise<void> {
    if (this.inner.applyBatch !== undefined) await this.inner.applyBatch([], true);
  }

  async get(kind: RecordKind, collection: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    await this.flush(false);
    return this.inner.get(kind, collection, key);
  }

  async put(kind: RecordKind, collection: Uint8Array, key: Uint8Array, value: Uint8Array): Promise<void> {
    if (this.#holds === 0) return this.inner.put(kind, collection, key, value);
    const id = `${kind}:${hexOf(collection)}:${hexOf(key)}`;
    const at = this.#index.get(id);
    // Replacing in place keeps the row's first position, so insertion order is what
    // applying the puts one by one would give.
    if (at !== undefined) this.#staged[at] = { kind, collection, key, value };
    else {
      this.#index.set(id, this.#staged.length);
      this.#staged.push({ kind, collection, key, value });
    }
    if (this.#staged.length >= MAX_STAGED_PUTS) await this.flush(false);
  }

  async delete(kind: RecordKind, collection: Uint8Array, key: Uint8Array): Promise<boolean> {
    await this.flush(false);
    return this.inner.delete(kind, collection, key);
  }

  async deleteCollection(kind: RecordKind, collection: Uint8Array): Promise<number> {
    await this.flush(false);
    return this.inner.deleteCollection(kind, collection);
  }

  async list(kind: RecordKind, collection: Uint8Array, afterSeq: number, limit: number): Promise<BackendRow[]> {
    await this.flush(false);
    return this.inner.list(kind, collection, afterSeq, limit);
  }

  async applyBatch(puts: readonly StagedPut[], durable: boolean): Promise<void> {
    await this.flush(false);
    if (this.inner.applyBatch !== undefined) await this.inner.applyBatch(puts, durable);
    else for (const p of puts) await this.inner.put(p.kind, p.collection, p.key, p.value);
  }

  /** Applies what is staged, durably, then closes the back end. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#holds = 0;
    try {
      await this.flush(true);
    } finally {
      await this.inner.close();
    }
  }
}
