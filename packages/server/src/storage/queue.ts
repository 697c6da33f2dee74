/**
 * Delivery queues and groups' epochs. `enqueue` is the one operation that must be atomic
 * across concerns (idempotency, commit ordering, queue bounds, one entry per recipient), so
 * it is one call and one transaction.
 */
import { MAX_APPLICATION_EPOCH_LAG } from '@sealed/protocol/limits';
import type { DeviceId, GroupId, MessageKind, Millis, QueueEntry } from './types.ts';

/**
 * An application message no member could decrypt any more: members read their queues in
 * order, so they hold the group's current epoch and only MAX_APPLICATION_EPOCH_LAG past
 * ones when they reach it. Every back end refuses it like a stale commit (the PostgreSQL
 * function repeats this rule: enqueue-function-v3.ts).
 */
export function isStaleApplication(input: Pick<EnqueueInput, 'kind' | 'epoch'>, currentEpoch: number): boolean {
  return input.kind === 'application' && currentEpoch - input.epoch > MAX_APPLICATION_EPOCH_LAG;
}

export interface EnqueueInput {
  readonly senderDeviceId: DeviceId;
  /** Client-chosen id (16 bytes hex); (sender, id) makes a retry idempotent. */
  readonly clientMessageId: string;
  readonly groupId: GroupId;
  /**
   * For a commit: must equal the group's current epoch. A group the server does not know
   * (never seen, or expired after a long quiet period) accepts a commit at any epoch: the
   * first one wins and the row starts at its epoch + 1.
   */
  readonly epoch: number;
  readonly kind: MessageKind;
  /** Distinct device ids, already bounded by the service. */
  readonly recipients: readonly DeviceId[];
  readonly payload: Uint8Array;
  readonly now: Millis;
  /** Stored as the entry's receive time: the service passes the start of the UTC day (the exact time would date each send). */
  readonly receivedAt: Millis;
  /** Per-device bound on queued entries. */
  readonly maxQueuedPerDevice: number;
  /** How long the idempotency record lives (the window in which a retry is recognised). */
  readonly idempotencyTtlMs: number;
}

/** The sequence number each recipient got. */
export interface Enqueued {
  readonly deviceId: DeviceId;
  readonly seq: number;
}

export type EnqueueResult =
  | {
      readonly status: 'accepted';
      readonly entries: readonly Enqueued[];
      /** The group's epoch after this send (advanced by one for an accepted commit). */
      readonly epoch: number;
    }
  /** Same (sender, clientMessageId) seen before: nothing was written again. */
  | { readonly status: 'duplicate'; readonly epoch: number }
  /**
   * A commit whose epoch is not the group's current one, or an application message more
   * than MAX_APPLICATION_EPOCH_LAG epochs behind it (isStaleApplication); nothing written.
   */
  | { readonly status: 'stale-epoch'; readonly currentEpoch: number }
  /** A recipient's queue is at its bound; nothing written. */
  | { readonly status: 'queue-full'; readonly deviceId: DeviceId }
  /** A recipient device does not exist (or was removed); nothing written. */
  | { readonly status: 'unknown-recipient'; readonly deviceId: DeviceId };

export interface QueueStore {
  /**
   * Atomic per send: idempotency check, epoch check/advance, bounds, one entry per recipient.
   * Calls are applied in the order they are made, even when the caller does not wait for one
   * before making the next (the edge pipelines a socket's sends and relies on this for
   * per-sender order); a back end that group-commits must keep its batches FIFO.
   */
  enqueue(input: EnqueueInput): Promise<EnqueueResult>;
  /**
   * Up to `limit` entries of the device with `seq > afterSeq`, in order. Callers stream a
   * queue in windows this way; a back end never loads a whole queue.
   */
  fetch(deviceId: DeviceId, afterSeq: number, limit: number): Promise<QueueEntry[]>;
  /** Deletes the device's entries with these seqs (others' entries are untouchable); returns how many. */
  ack(deviceId: DeviceId, seqs: readonly number[]): Promise<number>;
  /** Entries queued for the device. */
  count(deviceId: DeviceId): Promise<number>;
  /** Deletes entries received before `before` and idempotency records past their TTL; returns entries deleted. */
  expire(before: Millis, now: Millis): Promise<number>;
  /**
   * Deletes the (group id, epoch) rows of groups whose last commit was on a day before
   * `before`; returns how many. The next commit of such a group starts over (any epoch is
   * accepted for a group the server does not know).
   */
  expireGroups(before: Millis): Promise<number>;
  /** The group's current epoch (0 when the server has never seen a commit for it). */
  getEpoch(groupId: GroupId): Promise<number>;
}
