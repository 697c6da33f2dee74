/**
 * SQLite implementation of QueueStore. `enqueue` checks before it writes (idempotency,
 * epoch, recipients, bounds), so a rejected send leaves nothing. Per-device `next_seq` and
 * `queued` counters live on the device row so neither a sequence number nor a bound check
 * ever scans a queue.
 *
 * Group commit: sends and acks made during one event-loop turn (from every socket) run in
 * one transaction at the end of the turn, in call order; each promise resolves only after
 * that transaction committed. A commit costs the same for 1 or 500 writes, so this is where
 * throughput comes from.
 *
 * Row work per message is the other cost (see docs/BENCHMARKS.md, "Relay server"), so inside
 * one group commit:
 * - device counters and group epochs are read once per transaction into `TxState` and the
 *   counters written back once at its end (not one read and one update per entry);
 * - the idempotency record is written first with an upsert that only replaces an expired
 *   record, so a fresh send costs one B-tree descent there, not a lookup and an insert; a
 *   send rejected by a later check deletes the record it wrote again;
 * - acknowledgements delete contiguous runs of seqs with one range delete each;
 * - the queue and the idempotency table carry no secondary index: expiry walks each device's
 *   queue (bounded by the per-device bound) and the idempotency table in key order, in
 *   short transactions (schema version 3).
 */
import { isStaleApplication, type EnqueueInput, type EnqueueResult, type Enqueued, type QueueStore } from '../queue.ts';
import { MESSAGE_KIND_CODE, messageKindFromCode, toDay, type DeviceId, type GroupId, type Millis, type QueueEntry } from '../types.ts';
import { bytes, type Db } from './db.ts';

/** Rows deleted per expiry transaction, so expiry never holds the write lock for long. */
const EXPIRE_BATCH = 1000;
/**
 * Writes (sends, acks) per group commit at most: bounds how long one transaction holds the
 * write lock; more waiting writes go in the next transaction.
 */
export const MAX_WRITES_PER_COMMIT = 512;

interface PendingWrite {
  readonly run: () => unknown;
  readonly resolve: (value: never) => void;
  readonly reject: (error: unknown) => void;
}

/** A device's counters as the current transaction sees them. */
interface Counters {
  nextSeq: number;
  queued: number;
  dirty: boolean;
}

/** What one group-commit transaction has read or changed so far; dropped when it ends. */
class TxState {
  readonly counters = new Map<string, Counters | null>();
  /** Current epoch per group id; null when the group has no row. */
  readonly epochs = new Map<string, number | null>();
}

/** A queue row as the window query returns it: seq, kind, received_at, payload. */
type EntryTuple = [number, number, number, Uint8Array];

function toEntry(row: EntryTuple): QueueEntry {
  // A kind code outside the table can only come from a corrupted database.
  const kind = messageKindFromCode(row[1]);
  if (kind === undefined) throw new Error(`queue entry with unknown kind code ${row[1]}`);
  return { seq: row[0], kind, receivedAt: row[2], payload: bytes(row[3]) };
}

/**
 * Contiguous runs of distinct seqs, ascending: [[lo, hi], ...]. Acks nearly always name one
 * run (a DELIVER frame's seqs), so this usually returns one pair.
 */
export function seqRuns(seqs: readonly number[]): [number, number][] {
  let sorted = true;
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i]! <= seqs[i - 1]!) {
      sorted = false;
      break;
    }
  }
  const ordered = sorted ? seqs : [...new Set(seqs)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const seq of ordered) {
    const last = runs[runs.length - 1];
    if (last !== undefined && seq === last[1] + 1) last[1] = seq;
    else runs.push([seq, seq]);
  }
  return runs;
}

export class SqliteQueueStore implements QueueStore {
  private readonly claimIdempotent;
  private readonly selectIdempotent;
  private readonly deleteIdempotent;
  /** By the stored key as the expiry walk reads it (bytes), not by a hex id. */
  private readonly deleteIdempotencyKey;
  private readonly selectEpoch;
  private readonly upsertEpoch;
  private readonly selectCounters;
  private readonly writeCounters;
  private readonly insertEntry;
  private readonly selectWindow;
  private readonly deleteRange;
  private readonly decrementQueued;
  private readonly selectQueued;
  private readonly selectDevicesWithQueue;
  private readonly selectExpiredSeqs;
  private readonly deleteEntry;
  private readonly selectIdempotencyPage;
  private readonly selectIdempotencyFirstPage;
  private readonly deleteQuietGroups;
  private pending: PendingWrite[] = [];
  private scheduled = false;
  /** Set only while a group commit runs (its writes are synchronous). */
  private tx: TxState | undefined;

  constructor(private readonly db: Db) {
    // Inserts the record, or replaces one whose TTL ran out; a live record is left alone
    // (0 changes), which is how a retry is recognised.
    // The client message id arrives as hex and is stored as its bytes (schema version 5); SQLite
    // converts it (unhex) without a JavaScript allocation.
    this.claimIdempotent = db.prepare<[string, string, number, number, number]>(
      'INSERT INTO idempotency (sender_device_id, client_message_id, epoch, expires_at) VALUES (?, unhex(?), ?, ?) ' +
        'ON CONFLICT (sender_device_id, client_message_id) DO UPDATE SET epoch = excluded.epoch, expires_at = excluded.expires_at ' +
        'WHERE idempotency.expires_at <= ?',
    );
    this.selectIdempotent = db.prepare<[string, string], { epoch: number }>(
      'SELECT epoch FROM idempotency WHERE sender_device_id = ? AND client_message_id = unhex(?)',
    );
    this.deleteIdempotent = db.prepare('DELETE FROM idempotency WHERE sender_device_id = ? AND client_message_id = unhex(?)');
    this.deleteIdempotencyKey = db.prepare('DELETE FROM idempotency WHERE sender_device_id = ? AND client_message_id = ?');
    this.selectEpoch = db.prepare<[string], { epoch: number }>('SELECT epoch FROM groups WHERE group_id = ?');
    this.upsertEpoch = db.prepare(
      'INSERT INTO groups (group_id, epoch, last_commit_day) VALUES (?, ?, ?) ' +
        'ON CONFLICT (group_id) DO UPDATE SET epoch = excluded.epoch, last_commit_day = excluded.last_commit_day',
    );
    this.deleteQuietGroups = db.prepare('DELETE FROM groups WHERE last_commit_day < ?');
    this.selectCounters = db.prepare<[string], { next_seq: number; queued: number }>('SELECT next_seq, queued FROM devices WHERE id = ?');
    this.writeCounters = db.prepare('UPDATE devices SET next_seq = ?, queued = ? WHERE id = ?');
    this.insertEntry = db.prepare('INSERT INTO queue (device_id, seq, kind, received_at, payload) VALUES (?, ?, ?, ?, ?)');
    // Rows as arrays, not objects: a drain reads up to MAX_DELIVERY_WINDOW rows per window.
    this.selectWindow = db
      .prepare<[string, number, number], EntryTuple>('SELECT seq, kind, received_at, payload FROM queue WHERE device_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .raw(true);
    this.deleteRange = db.prepare('DELETE FROM queue WHERE device_id = ? AND seq >= ? AND seq <= ?');
    this.decrementQueued = db.prepare('UPDATE devices SET queued = queued - ? WHERE id = ?');
    this.selectQueued = db.prepare<[string], { queued: number }>('SELECT queued FROM devices WHERE id = ?');
    this.selectDevicesWithQueue = db.prepare<[], { id: string }>('SELECT id FROM devices WHERE queued > 0');
    this.selectExpiredSeqs = db.prepare<[string, number, number, number], { seq: number }>(
      'SELECT seq FROM queue WHERE device_id = ? AND seq > ? AND received_at < ? ORDER BY seq LIMIT ?',
    );
    this.deleteEntry = db.prepare('DELETE FROM queue WHERE device_id = ? AND seq = ?');
    this.selectIdempotencyFirstPage = db.prepare<[number], IdempotencyKeyRow>(
      'SELECT sender_device_id, client_message_id, expires_at FROM idempotency ORDER BY sender_device_id, client_message_id LIMIT ?',
    );
    this.selectIdempotencyPage = db.prepare<[string, Uint8Array, number], IdempotencyKeyRow>(
      'SELECT sender_device_id, client_message_id, expires_at FROM idempotency WHERE (sender_device_id, client_message_id) > (?, ?) ' +
        'ORDER BY sender_device_id, client_message_id LIMIT ?',
    );
  }

  /** Queues a write for the group commit at the end of this event-loop turn. */
  private submit<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: never) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.commitPending());
      }
    });
  }

  /** Commits the writes waiting for the end of the turn now (before closing the database). */
  commitPending(): void {
    this.scheduled = false;
    // Bounded: each round takes up to MAX_WRITES_PER_COMMIT writes off the list.
    while (this.pending.length > 0) {
      const batch = this.pending.length <= MAX_WRITES_PER_COMMIT ? this.pending : this.pending.slice(0, MAX_WRITES_PER_COMMIT);
      this.pending = batch === this.pending ? [] : this.pending.slice(MAX_WRITES_PER_COMMIT);
      const results: unknown[] = new Array<unknown>(batch.length);
      try {
        this.db.transaction(() => {
          this.tx = new TxState();
          for (let i = 0; i < batch.length; i++) results[i] = batch[i]!.run();
          this.flushCounters(this.tx);
        }).immediate();
      } catch (error) {
        for (const write of batch) write.reject(error);
        continue;
      } finally {
        this.tx = undefined;
      }
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i] as never);
    }
  }

  /** The device's counters in this transaction (null: no such device). */
  private counters(tx: TxState, deviceId: string): Counters | null {
    let counters = tx.counters.get(deviceId);
    if (counters === undefined) {
      const row = this.selectCounters.get(deviceId);
      counters = row === undefined ? null : { nextSeq: row.next_seq, queued: row.queued, dirty: false };
      tx.counters.set(deviceId, counters);
    }
    return counters;
  }

  private flushCounters(tx: TxState): void {
    for (const [deviceId, counters] of tx.counters) {
      if (counters?.dirty === true) this.writeCounters.run(counters.nextSeq, counters.queued, deviceId);
    }
  }

  /** The group's current epoch in this transaction (null: the server has no row for it). */
  private epochOf(tx: TxState, groupId: string): number | null {
    let epoch = tx.epochs.get(groupId);
    if (epoch === undefined) {
      epoch = this.selectEpoch.get(groupId)?.epoch ?? null;
      tx.epochs.set(groupId, epoch);
    }
    return epoch;
  }

  enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    return this.submit(() => this.enqueueLocked(input));
  }

  private enqueueLocked(input: EnqueueInput): EnqueueResult {
    const tx = this.tx!;
    const isCommit = input.kind === 'commit';
    // An unknown group (never seen or expired) accepts a commit at any epoch: it starts over.
    const current = this.epochOf(tx, input.groupId) ?? (isCommit ? input.epoch : 0);
    const epoch = isCommit ? current + 1 : current;

    const sender = input.senderDeviceId;
    const messageId = input.clientMessageId;
    const fresh = this.claimIdempotent.run(sender, messageId, epoch, input.now + input.idempotencyTtlMs, input.now).changes > 0;
    if (!fresh) return { status: 'duplicate', epoch: this.selectIdempotent.get(sender, messageId)!.epoch };

    // From here a rejection takes back the record it just wrote (an expired record it
    // replaced counts as no record, so deleting it changes nothing observable).
    if ((isCommit && input.epoch !== current) || isStaleApplication(input, current)) {
      this.deleteIdempotent.run(sender, messageId);
      return { status: 'stale-epoch', currentEpoch: current };
    }
    const recipients = input.recipients;
    const all: Counters[] = [];
    for (const deviceId of recipients) {
      const counters = this.counters(tx, deviceId);
      if (counters === null || counters.queued >= input.maxQueuedPerDevice) {
        this.deleteIdempotent.run(sender, messageId);
        return counters === null ? { status: 'unknown-recipient', deviceId } : { status: 'queue-full', deviceId };
      }
      all.push(counters);
    }

    if (isCommit) {
      this.upsertEpoch.run(input.groupId, epoch, toDay(input.now));
      tx.epochs.set(input.groupId, epoch);
    }
    const kind = MESSAGE_KIND_CODE[input.kind];
    const entries: Enqueued[] = [];
    for (let i = 0; i < recipients.length; i++) {
      const deviceId = recipients[i]!;
      const counters = all[i]!;
      const seq = counters.nextSeq;
      this.insertEntry.run(deviceId, seq, kind, input.receivedAt, input.payload);
      counters.nextSeq = seq + 1;
      counters.queued++;
      counters.dirty = true;
      entries.push({ deviceId, seq });
    }
    return { status: 'accepted', entries, epoch };
  }

  async fetch(deviceId: DeviceId, afterSeq: number, limit: number): Promise<QueueEntry[]> {
    return this.selectWindow.all(deviceId, afterSeq, limit).map(toEntry);
  }

  ack(deviceId: DeviceId, seqs: readonly number[]): Promise<number> {
    return this.submit(() => {
      let n = 0;
      for (const [lo, hi] of seqRuns(seqs)) n += this.deleteRange.run(deviceId, lo, hi).changes;
      if (n > 0) {
        const counters = this.counters(this.tx!, deviceId);
        if (counters !== null) {
          counters.queued -= n;
          counters.dirty = true;
        }
      }
      return n;
    });
  }

  async count(deviceId: DeviceId): Promise<number> {
    // A group commit of this turn has not run yet: storage is the committed state.
    return this.selectQueued.get(deviceId)?.queued ?? 0;
  }

  async expire(before: Millis, now: Millis): Promise<number> {
    // Writes of this turn first: expiry runs in its own transactions, outside any group commit.
    this.commitPending();
    let total = 0;
    const expireDeviceBatch = this.db.transaction((deviceId: string, afterSeq: number) => {
      const rows = this.selectExpiredSeqs.all(deviceId, afterSeq, before, EXPIRE_BATCH);
      for (const row of rows) this.deleteEntry.run(deviceId, row.seq);
      if (rows.length > 0) this.decrementQueued.run(rows.length, deviceId);
      return rows;
    });
    for (const { id } of this.selectDevicesWithQueue.all()) {
      let afterSeq = 0;
      // Bounded by the device's queue: each round deletes up to EXPIRE_BATCH rows past the
      // last one deleted, or ends the loop.
      for (;;) {
        const rows = expireDeviceBatch(id, afterSeq);
        total += rows.length;
        if (rows.length < EXPIRE_BATCH) break;
        afterSeq = rows[rows.length - 1]!.seq;
      }
    }
    this.expireIdempotency(now);
    return total;
  }

  /** Walks the idempotency table in key order, a page per transaction, deleting records past their TTL. */
  private expireIdempotency(now: Millis): void {
    const page = this.db.transaction((after: IdempotencyKeyRow | undefined) => {
      const rows =
        after === undefined
          ? this.selectIdempotencyFirstPage.all(EXPIRE_BATCH)
          : this.selectIdempotencyPage.all(after.sender_device_id, after.client_message_id, EXPIRE_BATCH);
      for (const row of rows) if (row.expires_at <= now) this.deleteIdempotencyKey.run(row.sender_device_id, row.client_message_id);
      return rows;
    });
    let after: IdempotencyKeyRow | undefined;
    // Bounded by the table: each round advances past EXPIRE_BATCH keys or ends the loop.
    for (;;) {
      const rows = page(after);
      if (rows.length < EXPIRE_BATCH) break;
      after = rows[rows.length - 1];
    }
  }

  async expireGroups(before: Millis): Promise<number> {
    return this.deleteQuietGroups.run(before).changes;
  }

  async getEpoch(groupId: GroupId): Promise<number> {
    return this.selectEpoch.get(groupId)?.epoch ?? 0;
  }
}

interface IdempotencyKeyRow {
  sender_device_id: string;
  /** The id's bytes (schema version 5). */
  client_message_id: Uint8Array;
  expires_at: number;
}
