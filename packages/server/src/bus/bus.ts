/**
 * Routes "something happened for device D" to whichever node holds D's socket. The
 * in-process bus (`memory.ts`) serves one process; `nats.ts` serves several processes.
 *
 * Events are hints, never the source of truth: storage is. A node that receives
 * `entries` either pushes the carried entries (when they continue exactly where the
 * socket's cursor is) or fetches from storage. Losing a bus event therefore delays a push
 * until the next event or reconnect; it never loses a message.
 */
import type { DeviceId, QueueEntry } from '../storage/types.ts';

export type BusEvent =
  /**
   * New entries were committed for the device. `entries` may be omitted (or trimmed) by a
   * bus that does not carry payloads; `lastSeq` is always the highest committed seq.
   */
  | { readonly type: 'entries'; readonly deviceId: DeviceId; readonly lastSeq: number; readonly entries?: readonly QueueEntry[] }
  /** The device was removed from its account: close its sockets now. */
  | { readonly type: 'revoked'; readonly deviceId: DeviceId }
  /** The device's ordinary key packages dropped to `remaining` (at or below the low mark). */
  | { readonly type: 'key-packages-low'; readonly deviceId: DeviceId; readonly remaining: number }
  /** The device's account has a new device list (`version`): the device refetches it and syncs its groups. */
  | { readonly type: 'devices-changed'; readonly deviceId: DeviceId; readonly version: number };

/**
 * `lastSeq` of an `entries` event that carries no entries and means "something may have been
 * missed, read storage": sent after a bus reconnect, and for the recipients of a retried send.
 */
export const RESYNC_LAST_SEQ = Number.MAX_SAFE_INTEGER;

export type BusListener = (event: BusEvent) => void;

export interface BusSubscription {
  unsubscribe(): void;
}

export interface Bus {
  /**
   * Delivers the event to every subscriber of `event.deviceId`, on any node. Resolves once
   * the bus accepted it (not when listeners ran).
   */
  publish(event: BusEvent): Promise<void>;
  /** Listens for events of one device (a node subscribes while it holds a socket of it). */
  subscribe(deviceId: DeviceId, listener: BusListener): BusSubscription;
  /** Stops delivering; idempotent. */
  close(): Promise<void>;
}
