/**
 * SQLite implementation of QueueStore. `enqueue` is one synchronous transaction: checks
 * first (idempotency, epoch, recipients, bounds), then writes, so a rejected send writes
 * nothing. Per-device `next_seq` and `queued` counters live on the device row so neither a
 * sequence number nor a bound check ever scans a queue.
 *
 * Group commit: sends and acks made during one event-loop turn (from every socket) run in
 * one transaction at the end of the turn, in call order; each promise resolves only after
 * that transaction committed. A commit costs the same for 1 or 500 writes, so this is where
 * throughput comes from. Each send still checks before it writes, so a rejected send in a
 * batch leaves nothing, and the others are unaffected.
 */
import type { EnqueueInput, EnqueueResult, Enqueued, QueueStore } from '../queue.ts';
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

interface EntryRow {
  seq: number;
  kind: number;
  received_at: number;
  payload: Uint8Array;
}

function toEntry(row: EntryRow): QueueEntry {
  // A kind code outside the table can only come from a corrupted database.
  const kind = messageKindFromCode(row.kind);
  if (kind === undefined) throw new Error(`queue entry with unknown kind code ${row.kind}`);
  return { seq: row.seq, kind, receivedAt: row.received_at, payload: bytes(row.payload) };
}

export class SqliteQueueStore implements QueueStore {
  private readonly selectIdempotent;
  private readonly selectEpoch;
  private readonly upsertEpoch;
  private readonly selectCounters;
  private readonly bumpCounters;
  private readonly insertEntry;
  private readonly insertIdempotent;
  private readonly selectWindow;
  private readonly deleteEntry;
  private readonly decrementQueued;
  private readonly selectQueued;
  private readonly deleteExpiredBatch;
  private readonly deleteExpiredIdempotency;
  private readonly deleteQuietGroups;
  private pending: PendingWrite[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {
    this.selectIdempotent = db.prepare<[string, string, number], { epoch: number }>(
      'SELECT epoch FROM idempotency WHERE sender_device_id = ? AND client_message_id = ? AND expires_at > ?',
    );
    this.selectEpoch = db.prepare<[string], { epoch: number }>('SELECT epoch FROM groups WHERE group_id = ?');
    this.upsertEpoch = db.prepare(
      'INSERT INTO groups (group_id, epoch, last_commit_day) VALUES (?, ?, ?) ' +
        'ON CONFLICT (group_id) DO UPDATE SET epoch = excluded.epoch, last_commit_day = excluded.last_commit_day',
    );
    this.deleteQuietGroups = db.prepare('DELETE FROM groups WHERE last_commit_day < ?');
    this.selectCounters = db.prepare<[string], { next_seq: number; queued: number }>('SELECT next_seq, queued FROM devices WHERE id = ?');
    this.bumpCounters = db.prepare('UPDATE devices SET next_seq = next_seq + 1, queued = queued + 1 WHERE id = ?');
    this.insertEntry = db.prepare('INSERT INTO queue (device_id, seq, kind, received_at, payload) VALUES (?, ?, ?, ?, ?)');
    this.insertIdempotent = db.prepare(
      'INSERT INTO idempotency (sender_device_id, client_message_id, epoch, expires_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (sender_device_id, client_message_id) DO UPDATE SET epoch = excluded.epoch, expires_at = excluded.expires_at',
    );
    this.selectWindow = db.prepare<[string, number, number], EntryRow>(
      'SELECT seq, kind, received_at, payload FROM queue WHERE device_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.deleteEntry = db.prepare('DELETE FROM queue WHERE device_id = ? AND seq = ?');
    this.decrementQueued = db.prepare('UPDATE devices SET queued = queued - ? WHERE id = ?');
    this.selectQueued = db.prepare<[string], { queued: number }>('SELECT queued FROM devices WHERE id = ?');
    this.deleteExpiredBatch = db.prepare<[number, number], { device_id: string }>(
      'DELETE FROM queue WHERE (device_id, seq) IN (SELECT device_id, seq FROM queue WHERE received_at < ? LIMIT ?) RETURNING device_id',
    );
    this.deleteExpiredIdempotency = db.prepare('DELETE FROM idempotency WHERE expires_at <= ?');
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
      const batch = this.pending.splice(0, MAX_WRITES_PER_COMMIT);
      const results: unknown[] = [];
      try {
        this.db.transaction(() => {
          for (const write of batch) results.push(write.run());
        }).immediate();
      } catch (error) {
        for (const write of batch) write.reject(error);
        continue;
      }
      batch.forEach((write, i) => write.resolve(results[i] as never));
    }
  }

  enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    return this.submit(() => this.enqueueLocked(input));
  }

  private enqueueLocked(input: EnqueueInput): EnqueueResult {
    const seen = this.selectIdempotent.get(input.senderDeviceId, input.clientMessageId, input.now);
    if (seen !== undefined) return { status: 'duplicate', epoch: seen.epoch };

    // An unknown group (never seen or expired) accepts a commit at any epoch: it starts over.
    const current = this.selectEpoch.get(input.groupId)?.epoch ?? (input.kind === 'commit' ? input.epoch : 0);
    if (input.kind === 'commit' && input.epoch !== current) return { status: 'stale-epoch', currentEpoch: current };

    const seqs: number[] = [];
    for (const deviceId of input.recipients) {
      const counters = this.selectCounters.get(deviceId);
      if (counters === undefined) return { status: 'unknown-recipient', deviceId };
      if (counters.queued >= input.maxQueuedPerDevice) return { status: 'queue-full', deviceId };
      seqs.push(counters.next_seq);
    }

    const epoch = input.kind === 'commit' ? current + 1 : current;
    if (input.kind === 'commit') this.upsertEpoch.run(input.groupId, epoch, toDay(input.now));
    const kind = MESSAGE_KIND_CODE[input.kind];
    const entries: Enqueued[] = [];
    input.recipients.forEach((deviceId, index) => {
      const seq = seqs[index]!;
      this.insertEntry.run(deviceId, seq, kind, input.receivedAt, input.payload);
      this.bumpCounters.run(deviceId);
      entries.push({ deviceId, seq });
    });
    this.insertIdempotent.run(input.senderDeviceId, input.clientMessageId, epoch, input.now + input.idempotencyTtlMs);
    return { status: 'accepted', entries, epoch };
  }

  async fetch(deviceId: DeviceId, afterSeq: number, limit: number): Promise<QueueEntry[]> {
    return this.selectWindow.all(deviceId, afterSeq, limit).map(toEntry);
  }

  ack(deviceId: DeviceId, seqs: readonly number[]): Promise<number> {
    return this.submit(() => {
      let n = 0;
      for (const seq of seqs) n += this.deleteEntry.run(deviceId, seq).changes;
      if (n > 0) this.decrementQueued.run(n, deviceId);
      return n;
    });
  }

  async count(deviceId: DeviceId): Promise<number> {
    return this.selectQueued.get(deviceId)?.queued ?? 0;
  }

  async expire(before: Millis, now: Millis): Promise<number> {
    let total = 0;
    const batch = this.db.transaction(() => {
      const rows = this.deleteExpiredBatch.all(before, EXPIRE_BATCH);
      const perDevice = new Map<string, number>();
      for (const row of rows) perDevice.set(row.device_id, (perDevice.get(row.device_id) ?? 0) + 1);
      for (const [deviceId, n] of perDevice) this.decrementQueued.run(n, deviceId);
      return rows.length;
    });
    // Bounded by the table: each round deletes up to EXPIRE_BATCH rows or ends the loop.
    for (;;) {
      const n = batch();
      total += n;
      if (n < EXPIRE_BATCH) break;
    }
    this.deleteExpiredIdempotency.run(now);
    return total;
  }

  async expireGroups(before: Millis): Promise<number> {
    return this.deleteQuietGroups.run(before).changes;
  }

  async getEpoch(groupId: GroupId): Promise<number> {
    return this.selectEpoch.get(groupId)?.epoch ?? 0;
  }
}
