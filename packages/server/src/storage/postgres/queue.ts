/**
 * PostgreSQL implementation of QueueStore, with the semantics of sqlite/queue.ts.
 *
 * Sends and acknowledgements are group-committed: sends waiting when a batch starts go
 * together in one call of
 * `sealed_enqueue_batch` (enqueue-function.ts: lock order, why a rejected send leaves
 * nothing). Every send of a batch is durable when its promise resolves, exactly as with one
 * transaction per send, but a commit's fsync is paid once per batch instead of once per
 * send. Acks waiting together are one statement too (ACK_BATCH), in the same FIFO pipeline.
 * An idle node sends a lone send at once (no timer, no added latency).
 *
 * Pipelined: a batch runs as BEGIN, the batch statement, COMMIT on a client of its own, and
 * the next batch starts executing as soon as the previous one's statement returned (it then
 * holds every row lock it needs and only waits for its commit's fsync), with at most
 * MAX_BATCHES_IN_FLIGHT batches executing or committing. So a node is not bound to one
 * commit latency at a time, and yet:
 * - batches execute one at a time, in FIFO order: a later batch touching a row of an earlier
 *   one waits for that row's lock until the earlier one committed, then reads its result
 *   (per-device seqs stay contiguous and in send order, commits see the advanced epoch);
 * - a batch never waits for a lock that a later batch of the same node holds (the later one
 *   started only after the earlier one took all its locks), so a node's batches never
 *   deadlock with each other; a deadlock with another node's batch rolls the statement back
 *   and it is retried.
 */
import type pg from 'pg';
import type { EnqueueInput, EnqueueResult, QueueStore } from '../queue.ts';
import { MESSAGE_KIND_CODE, messageKindFromCode, type DeviceId, type GroupId, type Millis, type QueueEntry } from '../types.ts';
import { PG_MAX_TRANSACTION_ATTEMPTS, hasSqlState, inTransaction, isConnectionLoss } from './pool.ts';
import { bytes } from './rows.ts';

/** Rows deleted per expiry transaction, so expiry never holds locks on many queues for long. */
const EXPIRE_BATCH = 1000;
/** Sends per batch at most: bounds the statement's size and how long it holds row locks. */
export const MAX_SENDS_PER_BATCH = 256;
/**
 * Batches executing or committing at once per node: one executes while up to two more wait
 * for their commit's fsync. Each holds a pool client while in flight.
 */
export const MAX_BATCHES_IN_FLIGHT = 3;
/** Payload bytes per batch at most (a larger single send still goes, alone). */
export const MAX_BATCH_PAYLOAD_BYTES = 4 * 1024 * 1024;

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

const ENQUEUE_BATCH =
  'SELECT n, status, new_epoch, seqs, detail FROM sealed_enqueue_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ORDER BY n';

interface BatchRow {
  n: number;
  status: string;
  new_epoch: number | null;
  seqs: string[] | null;
  detail: string | null;
}

interface PendingSend {
  readonly kind: 'send';
  readonly input: EnqueueInput;
  readonly resolve: (result: EnqueueResult) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingAck {
  readonly kind: 'ack';
  readonly deviceId: DeviceId;
  readonly seqs: readonly number[];
  readonly resolve: (deleted: number) => void;
  readonly reject: (error: unknown) => void;
}

type PendingWrite = PendingSend | PendingAck;

/**
 * Many devices' acknowledgements in one statement: request i deletes the device's entries
 * with seq in [lo, hi] (ranges: a DELIVER frame's seqs are contiguous), and each device's
 * counter drops by what was deleted. Returns how many rows each request deleted.
 */
const ACK_BATCH = `WITH req AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::int[]) AS r(device_id, lo, hi, i)
  ), gone AS (
    DELETE FROM queue q USING req WHERE q.device_id = req.device_id AND q.seq BETWEEN req.lo AND req.hi RETURNING q.device_id, req.i
  ), per_device AS (SELECT device_id, count(*)::int AS n FROM gone GROUP BY device_id),
  counter AS (UPDATE devices d SET queued = d.queued - p.n FROM per_device p WHERE d.id = p.device_id)
  SELECT i, count(*)::int AS n FROM gone GROUP BY i`;

/** Acknowledgement requests per batch at most. */
export const MAX_ACKS_PER_BATCH = 256;

/** Contiguous runs of distinct seqs, ascending. */
function seqRuns(seqs: readonly number[]): [number, number][] {
  const ordered = [...new Set(seqs)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const seq of ordered) {
    const last = runs[runs.length - 1];
    if (last !== undefined && seq === last[1] + 1) last[1] = seq;
    else runs.push([seq, seq]);
  }
  return runs;
}

/** The ack statement's parameters and, per range, the index of the ack it belongs to. */
function ackParams(acks: readonly PendingAck[]): unknown[] {
  const devices: string[] = [];
  const los: number[] = [];
  const his: number[] = [];
  const owners: number[] = [];
  acks.forEach((ack, i) => {
    for (const [lo, hi] of seqRuns(ack.seqs)) {
      devices.push(ack.deviceId);
      los.push(lo);
      his.push(hi);
      owners.push(i);
    }
  });
  return [devices, los, his, owners];
}

function toResult(input: EnqueueInput, row: BatchRow): EnqueueResult {
  switch (row.status) {
    case 'accepted': {
      const seqs = row.seqs ?? [];
      return { status: 'accepted', entries: input.recipients.map((deviceId, i) => ({ deviceId, seq: Number(seqs[i]) })), epoch: row.new_epoch ?? 0 };
    }
    case 'duplicate':
      return { status: 'duplicate', epoch: row.new_epoch ?? 0 };
    case 'stale-epoch':
      return { status: 'stale-epoch', currentEpoch: Number(row.detail) };
    case 'unknown-recipient':
      return { status: 'unknown-recipient', deviceId: row.detail as DeviceId };
    case 'queue-full':
      return { status: 'queue-full', deviceId: row.detail as DeviceId };
    default:
      throw new Error(`sealed_enqueue_batch returned an unknown status`);
  }
}

/** The batch statement's parameters: one array per column. */
function batchParams(inputs: readonly EnqueueInput[]): unknown[] {
  return [
    inputs.map((i) => i.senderDeviceId),
    inputs.map((i) => i.clientMessageId),
    inputs.map((i) => i.groupId),
    inputs.map((i) => i.epoch),
    inputs.map((i) => i.kind === 'commit'),
    inputs.map((i) => MESSAGE_KIND_CODE[i.kind]),
    inputs.flatMap((i) => i.recipients),
    inputs.map((i) => i.recipients.length),
    inputs.map((i) => i.payload),
    inputs.map((i) => i.now),
    inputs.map((i) => i.receivedAt),
    inputs.map((i) => i.maxQueuedPerDevice),
    inputs.map((i) => i.now + i.idempotencyTtlMs),
  ];
}

interface AckRow {
  i: number;
  n: number;
}

/** The statement and parameters of a batch of one kind. */
function statementOf(batch: readonly PendingSend[] | readonly PendingAck[]): [string, unknown[]] {
  if (batch[0]!.kind === 'send') return [ENQUEUE_BATCH, batchParams((batch as readonly PendingSend[]).map((p) => p.input))];
  return [ACK_BATCH, ackParams(batch as readonly PendingAck[])];
}

function settleAny(batch: readonly PendingSend[] | readonly PendingAck[], rows: readonly unknown[]): void {
  if (batch[0]!.kind === 'send') settle(batch as readonly PendingSend[], rows as BatchRow[]);
  else settleAcks(batch as readonly PendingAck[], rows as AckRow[]);
}

/** Resolves each ack with how many entries its ranges deleted. */
function settleAcks(batch: readonly PendingAck[], rows: readonly AckRow[]): void {
  const deleted = new Array<number>(batch.length).fill(0);
  for (const row of rows) deleted[row.i] = (deleted[row.i] ?? 0) + row.n;
  batch.forEach((p, i) => p.resolve(deleted[i]!));
}

/** Resolves each send of a batch with its row (rows come back in input order). */
function settle(batch: readonly PendingSend[], rows: readonly BatchRow[]): void {
  batch.forEach((p, i) => {
    const row = rows[i];
    if (row === undefined) p.reject(new Error('sealed_enqueue_batch returned too few rows'));
    else {
      try {
        p.resolve(toResult(p.input, row));
      } catch (error) {
        p.reject(error);
      }
    }
  });
}

export class PgQueueStore implements QueueStore {
  /** Sends and acks in call order; a batch takes a run of one kind. */
  private readonly waiting: PendingWrite[] = [];
  /** A batch's statement is running (the next one may not start yet). */
  private executing = false;
  /** Batches executing or committing. */
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly pool: pg.Pool) {}

  /** Queues the send for the next batch; resolves once that batch committed. */
  enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ kind: 'send', input, resolve, reject });
      this.startBatch();
    });
  }

  /** Resolves when no send is waiting or being written (graceful shutdown awaits it before closing the pool). */
  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts the next batch when none is executing and fewer than MAX_BATCHES_IN_FLIGHT are committing. */
  private startBatch(): void {
    if (this.executing || this.inFlight >= MAX_BATCHES_IN_FLIGHT || this.waiting.length === 0) return;
    const kind = this.waiting[0]!.kind;
    let bytes = 0;
    let take = 0;
    while (take < this.waiting.length) {
      const next = this.waiting[take]!;
      if (next.kind !== kind) break;
      if (next.kind === 'send') {
        if (take === MAX_SENDS_PER_BATCH) break;
        bytes += next.input.payload.length * next.input.recipients.length;
        if (take > 0 && bytes > MAX_BATCH_PAYLOAD_BYTES) break;
      } else if (take === MAX_ACKS_PER_BATCH) break;
      take++;
    }
    const batch = this.waiting.splice(0, take) as PendingSend[] | PendingAck[];
    this.executing = true;
    this.inFlight++;
    void this.runPipelined(batch).finally(() => {
      this.inFlight--;
      this.startBatch();
      if (this.waiting.length === 0 && this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  /** Lets the next batch execute (called once this one holds its locks, or has failed). */
  private executed(): void {
    if (!this.executing) return;
    this.executing = false;
    this.startBatch();
  }

  private async runPipelined(batch: readonly PendingSend[] | readonly PendingAck[]): Promise<void> {
    let executedHere = false;
    const markExecuted = () => {
      if (executedHere) return;
      executedHere = true;
      this.executed();
    };
    try {
      let rows: unknown[];
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        for (const p of batch) p.reject(error);
        return;
      }
      let broken: unknown;
      // A checked-out client whose server connection dies (pg_terminate_backend, a restart)
      // emits 'error' once its query failed; unheard, that event would crash the node. The
      // pending query rejects anyway, which is what the code below acts on.
      const onError = (error: unknown) => {
        broken ??= error;
      };
      client.on('error', onError);
      try {
        try {
          rows = await this.executeInTransaction(client, ...statementOf(batch));
        } catch (error) {
          // The connection may be unusable (a failed ROLLBACK): the pool drops it.
          broken = error;
          // The statement failed and was rolled back: one bad send must not fail the
          // others, so they run one by one, still before any later batch. A lone write
          // whose connection was lost is run again the same way, on a fresh connection.
          if (batch.length === 1 && !isConnectionLoss(error)) batch[0]!.reject(error);
          else for (const p of batch) await this.runSingle(p);
          return;
        }
        markExecuted();
        try {
          await client.query('COMMIT');
        } catch (error) {
          broken = error;
          if (!isConnectionLoss(error)) {
            // Not committed: nothing of the batch is durable, so nothing is acknowledged.
            for (const p of batch) p.reject(error);
            return;
          }
          // The connection died around COMMIT: whether the batch committed is unknown.
          // Each write is run again alone, which is safe either way: a send that did commit
          // is recognised by its client message id (answered "duplicate"), and an ack only
          // deletes what is still there. Rejecting instead would tell a sender "failed" for
          // a commit its group may already have.
          for (const p of batch) await this.runSingle(p);
          return;
        }
      } finally {
        client.off('error', onError);
        client.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
      }
      settleAny(batch, rows);
    } finally {
      markExecuted();
    }
  }

  /**
   * A lone send or ack in its own statement (after its batch failed), run again on a fresh
   * connection when the connection was lost (see runPipelined for why that is safe).
   */
  private async runSingle(p: PendingWrite): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (p.kind === 'send') settle([p], await this.execute([p.input]));
        else settleAcks([p], (await this.pool.query<AckRow>(ACK_BATCH, ackParams([p]))).rows);
        return;
      } catch (error) {
        if (!isConnectionLoss(error) || attempt >= PG_MAX_TRANSACTION_ATTEMPTS) {
          p.reject(error);
          return;
        }
      }
    }
  }

  /** BEGIN and the batch statement on `client`, retried when it loses a deadlock; the caller commits. */
  private async executeInTransaction(client: pg.PoolClient, sql: string, params: unknown[]): Promise<unknown[]> {
    for (let attempt = 1; ; attempt++) {
      await client.query('BEGIN');
      try {
        const { rows } = await client.query(sql, params);
        return rows;
      } catch (error) {
        await client.query('ROLLBACK');
        // A deadlock with another node's batch, expiry or a device-list change: the
        // transaction rolled back as a whole; run it again.
        const retryable = hasSqlState(error, '40P01') || hasSqlState(error, '40001');
        if (!retryable || attempt >= PG_MAX_TRANSACTION_ATTEMPTS) throw error;
      }
    }
  }

  /** One statement for the whole batch in its own transaction; retried when it loses a deadlock. */
  private async execute(inputs: readonly EnqueueInput[]): Promise<BatchRow[]> {
    const params = batchParams(inputs);
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.pool.query<BatchRow>(ENQUEUE_BATCH, params);
        return rows;
      } catch (error) {
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

  /**
   * Joins the write pipeline: acks waiting together are one statement (ACK_BATCH), so many
   * devices' acknowledgements share one commit, and like send batches they execute in call
   * order, one at a time, so they never deadlock with this node's send batches.
   */
  ack(deviceId: DeviceId, seqs: readonly number[]): Promise<number> {
    if (seqs.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.waiting.push({ kind: 'ack', deviceId, seqs, resolve, reject });
      this.startBatch();
    });
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

  async expireGroups(before: Millis): Promise<number> {
    const result = await this.pool.query('DELETE FROM groups WHERE last_commit_day < $1', [before]);
    return result.rowCount ?? 0;
  }

  async getEpoch(groupId: GroupId): Promise<number> {
    const { rows } = await this.pool.query<{ epoch: number }>('SELECT epoch FROM groups WHERE group_id = $1', [groupId]);
    return rows[0]?.epoch ?? 0;
  }
}
