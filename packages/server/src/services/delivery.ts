/**
 * Sends, acknowledgements and queue reads. A send is acknowledged only after its one
 * transaction (every recipient's entry, the epoch, the idempotency record) committed; the
 * push to online devices follows through the bus.
 */
import type { SendFrame } from '@sealed/protocol/frames/client';
import { RESYNC_LAST_SEQ } from '../bus/bus.ts';
import { ServerError } from '../errors.ts';
import { ceilToHour, toDay, type DeviceId, type GroupId, type QueueEntry } from '../storage/types.ts';
import type { Caller, ServiceDeps } from './deps.ts';

/** Lowercase hex of bytes, through Buffer (native; this runs for every id of every send). */
function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A push the bus could not take: storage holds the entry; the next event or reconnect delivers it. */
function ignoreLostPush(): void {}

/** How long a client message id is remembered: retries come within minutes; a day is ample. */
export const IDEMPOTENCY_TTL_MS = 86_400_000;

export interface SendOutcome {
  readonly epoch: number;
  readonly duplicate: boolean;
}

export class DeliveryService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * @throws ServerError bad-request (duplicate recipients), stale-epoch (value: current epoch),
   * queue-full / unknown-recipient (value: recipient index).
   */
  async send(caller: Caller, frame: SendFrame): Promise<SendOutcome> {
    const recipients = frame.recipients.map((r) => hex(r) as DeviceId);
    if (recipients.length > 1 && new Set(recipients).size !== recipients.length) throw new ServerError('bad-request', 'a recipient appears twice');
    const now = this.deps.now();
    const result = await this.deps.storage.queue.enqueue({
      senderDeviceId: caller.deviceId,
      clientMessageId: hex(frame.clientMessageId),
      groupId: hex(frame.groupId) as GroupId,
      epoch: frame.epoch,
      kind: frame.kind,
      recipients,
      payload: frame.payload,
      now,
      // Day only: the exact receive time would date every send; ordering uses seq.
      receivedAt: toDay(now),
      maxQueuedPerDevice: this.deps.config.maxQueuedPerDevice,
      // The record expires at the end of the hour after now + one day: the stored expiry
      // reveals only the hour of the send, and a retry within a day is still recognised.
      idempotencyTtlMs: ceilToHour(now + IDEMPOTENCY_TTL_MS) - now,
    });
    switch (result.status) {
      case 'accepted': {
        this.deps.metrics.inc('sealed_messages_sent_total');
        this.deps.metrics.inc('sealed_entries_enqueued_total', {}, result.entries.length);
        // The storage transaction owns no reference to payload; entries share it read-only.
        const receivedAt = toDay(now);
        for (const { deviceId, seq } of result.entries) {
          const entry: QueueEntry = { seq, kind: frame.kind, receivedAt, payload: frame.payload };
          // A lost push is recovered on the next event or reconnect: storage has the entry.
          void this.deps.bus.publish({ type: 'entries', deviceId, lastSeq: seq, entries: [entry] }).catch(ignoreLostPush);
        }
        return { epoch: result.epoch, duplicate: false };
      }
      case 'duplicate':
        // A retry: the sender never saw our answer, so the first attempt's pushes may be lost
        // too (the node died between commit and publish, NATS was down, the commit's outcome
        // was unknown and it was run again). Each recipient is told to read its queue; a
        // device that already has everything reads nothing new.
        for (const deviceId of recipients) {
          // As above: storage has the entries; the next event or reconnect delivers them.
          void this.deps.bus.publish({ type: 'entries', deviceId, lastSeq: RESYNC_LAST_SEQ }).catch(ignoreLostPush);
        }
        return { epoch: result.epoch, duplicate: true };
      case 'stale-epoch':
        throw new ServerError('stale-epoch', frame.kind === 'commit' ? 'commit for a past or future epoch' : 'application message too many epochs behind', result.currentEpoch);
      case 'queue-full':
        throw new ServerError('queue-full', 'a recipient queue is full', recipients.indexOf(result.deviceId));
      case 'unknown-recipient':
        throw new ServerError('unknown-recipient', 'no such device', recipients.indexOf(result.deviceId));
    }
  }

  async ack(caller: Caller, seqs: readonly number[]): Promise<number> {
    const n = await this.deps.storage.queue.ack(caller.deviceId, seqs);
    this.deps.metrics.inc('sealed_entries_acked_total', {}, n);
    return n;
  }

  fetch(caller: Caller, afterSeq: number, limit: number): Promise<QueueEntry[]> {
    return this.deps.storage.queue.fetch(caller.deviceId, afterSeq, limit);
  }

  count(caller: Caller): Promise<number> {
    return this.deps.storage.queue.count(caller.deviceId);
  }
}
