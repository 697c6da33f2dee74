/**
 * PostgreSQL implementation of QueueStore, with the semantics of sqlite/queue.ts. Several
 * nodes enqueue at once, so `enqueue` takes row locks in one fixed order inside one
 * transaction (READ COMMITTED):
 *
 *   1. the idempotency row of (sender, clientMessageId): inserted as a placeholder, so a
 *      concurrent retry of the same send waits for us and then sees a duplicate;
 *   2. for a commit, the group row (`FOR UPDATE`): of two commits at one epoch, the second
 *      waits, re-reads the advanced epoch and gets `stale-epoch`;
 *   3. the recipients' device rows, sorted by id (`FOR UPDATE`, no deadlock between sends):
 *      `next_seq` is read and bumped under the lock, so per-device sequence numbers are
 *      contiguous and become visible in order.
 *
 * Any rejection rolls the transaction back: a rejected send writes nothing.
 */
import type pg from 'pg';
import type { EnqueueInput, EnqueueResult, Enqueued, QueueStore } from '../queue.ts';
import { MESSAGE_KIND_CODE, messageKindFromCode, type DeviceId, type GroupId, type Millis, type QueueEntry } from '../types.ts';
import { inTransaction } from './pool.ts';
import { bytes } from './rows.ts';

/** Rows deleted per expiry transaction, so expiry never holds locks on many queues for long. */
const EXPIRE_BATCH = 1000;

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

/** Carries a rejection out of the transaction so that it rolls back. */
class Rejected extends Error {
  constructor(readonly result: EnqueueResult) {
    super(result.status);
  }
}

/** All writes of an accepted send in one statement (data-modifying CTEs all run). */
const WRITE_SEND = `
  WITH entries AS (
    INSERT INTO queue (device_id, seq, kind, received_at, payload)
    SELECT d, s, $3, $4, $5 FROM unnest($1::text[], $2::bigint[]) AS t(d, s)
  ), counters AS (
    UPDATE devices SET next_seq = next_seq + 1, queued = queued + 1 WHERE id = ANY($1::text[])
  ), seen AS (
    INSERT INTO idempotency (sender_device_id, client_message_id, epoch, expires_at) VALUES ($6, $7, $8, $9)
    ON CONFLICT (sender_device_id, client_message_id) DO UPDATE SET epoch = excluded.epoch, expires_at = excluded.expires_at
  )
  UPDATE groups SET epoch = $8 WHERE group_id = $10 AND $11::boolean`;

export class PgQueueStore implements QueueStore {
  constructor(private readonly pool: pg.Pool) {}

  async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    try {
      return await inTransaction(this.pool, (client) => this.enqueueIn(client, input));
    } catch (error) {
      if (error instanceof Rejected) return error.result;
      throw error;
    }
  }

  private async enqueueIn(client: pg.PoolClient, input: EnqueueInput): Promise<EnqueueResult> {
    const { senderDeviceId: sender, clientMessageId: messageId, now } = input;
    const placeholder = await client.query(
      'INSERT INTO idempotency (sender_device_id, client_message_id, epoch, expires_at) VALUES ($1, $2, -1, $3) ON CONFLICT DO NOTHING',
      [sender, messageId, now + input.idempotencyTtlMs],
    );
    if (placeholder.rowCount === 0) {
      const seen = await client.query<{ epoch: number; expires_at: number }>(
        'SELECT epoch, expires_at FROM idempotency WHERE sender_device_id = $1 AND client_message_id = $2 FOR UPDATE',
        [sender, messageId],
      );
      const row = seen.rows[0];
      if (row !== undefined && row.expires_at > now) throw new Rejected({ status: 'duplicate', epoch: row.epoch });
      // An expired record not yet purged: this is a new send; WRITE_SEND overwrites it.
    }

    const isCommit = input.kind === 'commit';
    if (isCommit) {
      await client.query('INSERT INTO groups (group_id, epoch) VALUES ($1, 0) ON CONFLICT DO NOTHING', [input.groupId]);
    }
    const group = await client.query<{ epoch: number }>(
      `SELECT epoch FROM groups WHERE group_id = $1${isCommit ? ' FOR UPDATE' : ''}`,
      [input.groupId],
    );
    const current = group.rows[0]?.epoch ?? 0;
    if (isCommit && input.epoch !== current) throw new Rejected({ status: 'stale-epoch', currentEpoch: current });

    const locked = await client.query<{ id: string; next_seq: number; queued: number }>(
      'SELECT id, next_seq, queued FROM devices WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
      [input.recipients],
    );
    const counters = new Map(locked.rows.map((r) => [r.id, r]));
    const entries: Enqueued[] = [];
    for (const deviceId of input.recipients) {
      const row = counters.get(deviceId);
      if (row === undefined) throw new Rejected({ status: 'unknown-recipient', deviceId });
      if (row.queued >= input.maxQueuedPerDevice) throw new Rejected({ status: 'queue-full', deviceId });
      entries.push({ deviceId, seq: row.next_seq });
    }

    const epoch = isCommit ? current + 1 : current;
    await client.query(WRITE_SEND, [
      entries.map((e) => e.deviceId),
      entries.map((e) => e.seq),
      MESSAGE_KIND_CODE[input.kind],
      now,
      input.payload,
      sender,
      messageId,
      epoch,
      now + input.idempotencyTtlMs,
      input.groupId,
      isCommit,
    ]);
    return { status: 'accepted', entries, epoch };
  }

  async fetch(deviceId: DeviceId, afterSeq: number, limit: number): Promise<QueueEntry[]> {
    const { rows } = await this.pool.query<EntryRow>(
      'SELECT seq, kind, received_at, payload FROM queue WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [deviceId, afterSeq, limit],
    );
    return rows.map(toEntry);
  }

  /** One statement: the delete and the counter update commit together. */
  async ack(deviceId: DeviceId, seqs: readonly number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    const { rows } = await this.pool.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM queue WHERE device_id = $1 AND seq = ANY($2::bigint[]) RETURNING 1
       ), total AS (SELECT count(*)::int AS n FROM gone),
       counter AS (UPDATE devices SET queued = queued - total.n FROM total WHERE id = $1 AND total.n > 0)
       SELECT n FROM total`,
      [deviceId, seqs],
    );
    return rows[0]?.n ?? 0;
  }

  async count(deviceId: DeviceId): Promise<number> {
    const { rows } = await this.pool.query<{ queued: number }>('SELECT queued FROM devices WHERE id = $1', [deviceId]);
    return rows[0]?.queued ?? 0;
  }

  async expire(before: Millis, now: Millis): Promise<number> {
    let total = 0;
    // Bounded by the table: each round deletes up to EXPIRE_BATCH rows or ends the loop.
    for (;;) {
      const n = await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ n: number }>(
          `WITH gone AS (
             DELETE FROM queue WHERE (device_id, seq) IN (
               SELECT device_id, seq FROM queue WHERE received_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
             ) RETURNING device_id
           ), per_device AS (SELECT device_id, count(*)::int AS n FROM gone GROUP BY device_id),
           counter AS (UPDATE devices SET queued = queued - per_device.n FROM per_device WHERE devices.id = per_device.device_id)
           SELECT coalesce(sum(n), 0)::int AS n FROM per_device`,
          [before, EXPIRE_BATCH],
        );
        return rows[0]?.n ?? 0;
      });
      total += n;
      if (n < EXPIRE_BATCH) break;
    }
    await this.pool.query('DELETE FROM idempotency WHERE expires_at <= $1', [now]);
    return total;
  }

  async getEpoch(groupId: GroupId): Promise<number> {
    const { rows } = await this.pool.query<{ epoch: number }>('SELECT epoch FROM groups WHERE group_id = $1', [groupId]);
    return rows[0]?.epoch ?? 0;
  }
}
