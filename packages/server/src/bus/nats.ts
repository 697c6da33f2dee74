/**
 * The bus for several server processes: NATS core publish/subscribe (nothing stored in
 * NATS; storage is the truth). One subject per device, `<prefix>.dev.<deviceId>`: a node
 * subscribes while it holds a socket of that device, so an event reaches exactly the nodes
 * that can use it, with no device-to-node directory to keep consistent when a node dies.
 * NATS keeps the order of one publisher's messages, so one node's pushes to a device stay
 * in send order; across nodes the receiving side orders by `seq` (see bus.ts).
 *
 * Nothing here logs. Status changes go to `onStatus` without subjects (they hold device
 * ids) or payloads. Reconnect: the client retries forever and re-subscribes by itself;
 * events published to this node while it was cut off are lost, so after every reconnect
 * each local subscriber gets a resync event (`lastSeq` = {@link RESYNC_LAST_SEQ}, no
 * entries) telling it to read storage.
 */
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { RESYNC_LAST_SEQ, type Bus, type BusEvent, type BusListener, type BusSubscription } from './bus.ts';
import type { DeviceId } from '../storage/types.ts';
import { assertDeviceId, decodeBusEvent, encodeBusEvent } from './nats-codec.ts';

export { RESYNC_LAST_SEQ } from './bus.ts';
/** A node that cannot reach NATS at start-up says so within this time instead of hanging. */
export const NATS_CONNECT_TIMEOUT_MS = 5_000;
/** Pause between reconnect attempts; retries never stop (a node without NATS still serves its own sockets). */
export const NATS_RECONNECT_WAIT_MS = 250;
/** Subject prefixes are NATS tokens joined by dots; bounded and plain so no wildcard sneaks in. */
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]{1,32}(\.[A-Za-z0-9_-]{1,32}){0,3}$/;

export type NatsBusErrorCode = 'nats-unreachable' | 'nats-bad-config' | 'bus-closed';

/** A typed failure of the NATS bus. Never carries subjects or payloads. */
export class NatsBusError extends Error {
  override readonly name = 'NatsBusError';
  constructor(
    readonly code: NatsBusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type NatsBusStatus = 'disconnected' | 'reconnected' | 'closed';

export interface NatsBusOptions {
  /** e.g. `nats://127.0.0.1:4222`. */
  readonly url: string;
  /** Subject prefix shared by the nodes of one deployment (default: the URL's `prefix` parameter, else `sealed`). */
  readonly subjectPrefix?: string;
  /** Told about connection changes, for the node's log (no identifiers in the argument). */
  readonly onStatus?: (status: NatsBusStatus) => void;
}

interface DeviceSubscription {
  readonly sub: Subscription;
  readonly listeners: Set<BusListener>;
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '4222'}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Splits Sealed's own `prefix` query parameter off a NATS URL (`nats://host:4222?prefix=x`),
 * so one `--nats-url` flag can carry the deployment's subject prefix.
 */
export function splitPrefixParam(url: string): { url: string; prefix: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, prefix: undefined };
  }
  const prefix = parsed.searchParams.get('prefix') ?? undefined;
  if (prefix === undefined) return { url, prefix };
  parsed.searchParams.delete('prefix');
  return { url: parsed.toString().replace(/\?$/, ''), prefix };
}

/**
 * Connects to NATS and returns a {@link Bus}.
 * @throws {NatsBusError} `nats-bad-config` for a bad subject prefix, `nats-unreachable`
 *   when the first connection fails.
 */
export async function openNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const { url, prefix: fromUrl } = splitPrefixParam(options.url);
  const prefix = options.subjectPrefix ?? fromUrl ?? 'sealed';
  if (!SUBJECT_PREFIX.test(prefix)) {
    throw new NatsBusError('nats-bad-config', 'NATS subject prefix must be 1-4 dot-separated tokens of [A-Za-z0-9_-]');
  }
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name: 'sealed-server',
      timeout: NATS_CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: -1,
      reconnectTimeWait: NATS_RECONNECT_WAIT_MS,
    });
  } catch (cause) {
    throw new NatsBusError('nats-unreachable', `NATS unreachable at ${hostOf(url)}`, { cause });
  }
  return new NatsBus(nc, prefix, options.onStatus);
}

/** See the module comment. Create with {@link openNatsBus}. */
export class NatsBus implements Bus {
  private readonly devices = new Map<DeviceId, DeviceSubscription>();
  private closed = false;
  /** Events that failed to decode or named another device than their subject (never expected). */
  droppedEvents = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly onStatus: ((status: NatsBusStatus) => void) | undefined,
  ) {
    void this.watchStatus();
  }

  private subject(deviceId: DeviceId): string {
    return `${this.prefix}.dev.${assertDeviceId(deviceId)}`;
  }

  /**
   * Publishes the event (entries inline when small, see nats-codec.ts). Resolves when the
   * client accepted it; while reconnecting the client buffers it.
   * @throws {NatsBusError} `bus-closed` after {@link close}.
   * @throws {BusCodecError} for a device id that is not lowercase hex.
   */
  publish(event: BusEvent): Promise<void> {
    if (this.closed) return Promise.reject(new NatsBusError('bus-closed', 'bus is closed'));
    try {
      this.nc.publish(this.subject(event.deviceId), encodeBusEvent(event));
    } catch (error) {
      return Promise.reject(error instanceof Error && error.name === 'BusCodecError' ? error : new NatsBusError('bus-closed', 'NATS connection is closed', { cause: error }));
    }
    return Promise.resolve();
  }

  /**
   * Listens for one device's events; the first listener of a device opens its NATS
   * subscription, the last one to leave closes it.
   * @throws {BusCodecError} for a device id that is not lowercase hex.
   * @throws {NatsBusError} `bus-closed` after {@link close}.
   */
  subscribe(deviceId: DeviceId, listener: BusListener): BusSubscription {
    if (this.closed) throw new NatsBusError('bus-closed', 'bus is closed');
    let entry = this.devices.get(deviceId);
    if (entry === undefined) {
      const listeners = new Set<BusListener>();
      const sub = this.nc.subscribe(this.subject(deviceId), {
        callback: (err, msg) => {
          if (err !== null) return;
          let event: BusEvent;
          try {
            event = decodeBusEvent(msg.data);
          } catch {
            this.droppedEvents++;
            return;
          }
          if (event.deviceId !== deviceId) {
            this.droppedEvents++;
            return;
          }
          this.deliver(listeners, event);
        },
      });
      entry = { sub, listeners };
      this.devices.set(deviceId, entry);
    }
    entry.listeners.add(listener);
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        const current = this.devices.get(deviceId);
        if (current === undefined) return;
        current.listeners.delete(listener);
        if (current.listeners.size === 0) {
          this.devices.delete(deviceId);
          if (!this.nc.isClosed()) current.sub.unsubscribe();
        }
      },
    };
  }

  /** Number of devices this node currently listens for (for metrics; no identifiers). */
  get subscribedDevices(): number {
    return this.devices.size;
  }

  /**
   * Resolves once the NATS server has processed everything this node sent so far
   * (subscriptions included): after it, events published anywhere reach our listeners.
   * @throws {NatsBusError} `bus-closed` after {@link close}.
   */
  async flush(): Promise<void> {
    if (this.closed) throw new NatsBusError('bus-closed', 'bus is closed');
    await this.nc.flush();
  }

  /** Drains the connection (pending publishes are sent) and stops delivering. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.devices.clear();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => {});
  }

  private deliver(listeners: ReadonlySet<BusListener>, event: BusEvent): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // One failing listener (a socket torn down mid-write) must not starve the others;
        // storage keeps the entries for the next fetch.
      }
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.onStatus?.('disconnected');
      else if (status.type === 'reconnect') {
        this.onStatus?.('reconnected');
        // Wait until the server has our re-sent subscriptions before telling listeners to
        // re-read storage, so nothing published after the resync can be missed either.
        await this.nc.flush().catch(() => {});
        for (const [deviceId, { listeners }] of this.devices) {
          this.deliver(listeners, { type: 'entries', deviceId, lastSeq: RESYNC_LAST_SEQ });
        }
      }
    }
    this.onStatus?.('closed');
  }
}
