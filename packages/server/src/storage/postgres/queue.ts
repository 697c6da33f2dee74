/**
 * PostgreSQL implementation of QueueStore, with the semantics of sqlite/queue.ts. `enqueue`
 * is one call of the `sealed_enqueue` function (enqueue-function.ts: its lock order, why
 * sends never deadlock among themselves, why a rejected send writes nothing).
 */
import type pg from 'pg';
import type { EnqueueInput, EnqueueResult, QueueStore } from '../queue.ts';
import { MESSAGE_KIND_CODE, messageKindFromCode, type DeviceId, type GroupId, type Millis, type QueueEntry } from '../types.ts';
import { PG_MAX_TRANSACTION_ATTEMPTS, hasSqlState, inTransaction } from './pool.ts';
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

const ENQUEUE = 'SELECT status, new_epoch, seqs FROM sealed_enqueue($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';

/** The rejections sealed_enqueue raises, by SQLSTATE. */
function rejection(error: unknown): EnqueueResult | undefined {
  const e = error as { code?: unknown; detail?: unknown };
  const detail = typeof e.detail === 'string' ? e.detail : '';
  switch (e.code) {
    case 'SL001':
      return { status: 'stale-epoch', currentEpoch: Number(detail) };
    case 'SL002':
      return { status: 'unknown-recipient', deviceId: detail as DeviceId };
    case 'SL003':
      return { status: 'queue-full', deviceId: detail as DeviceId };
    default:
      return undefined;
  }
}

export class PgQueueStore implements QueueStore {
  constructor(private readonly pool: pg.Pool) {}

  async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    const isCommit = input.kind === 'commit';
    const params = [
      input.senderDeviceId,
      input.clientMessageId,
      input.groupId,
      input.epoch,
      isCommit,
      MESSAGE_KIND_CODE[input.kind],
      input.recipients,
      input.payload,
      input.now,
      input.maxQueuedPerDevice,
      input.now + input.idempotencyTtlMs,
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.pool.query<{ status: string; new_epoch: number; seqs: number[] | null }>(ENQUEUE, params);
        const row = rows[0]!;
        if (row.status === 'duplicate') return { status: 'duplicate', epoch: row.new_epoch };
        const seqs = row.seqs ?? [];
        return {
          status: 'accepted',
          entries: input.recipients.map((deviceId, i) => ({ deviceId, seq: Number(seqs[i]) })),
          epoch: row.new_epoch,
        };
      } catch (error) {
        const rejected = rejection(error);
        if (rejected !== undefined) return rejected;
        // A deadlock with expiry or a device-list change: the statement rolled back; retry.
        const retryable = hasSqlState(error, '40P01') || hasSqlState(error, '40001');
        if (!retryable || attempt >= PG_MAX_TRANSACTION_ATTEMPTS) throw error;
      }
    }
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
