/**
 * The in-process bus: a map from device id to listeners. Listeners run synchronously in
 * publish order, so pushes to one device keep the order of their sends.
 */
import type { DeviceId } from '../storage/types.ts';
import type { Bus, BusEvent, BusListener, BusSubscription } from './bus.ts';

/** What every publish returns: the event was handed to the listeners already (one shared promise, none per event). */
const PUBLISHED: Promise<void> = Promise.resolve();

export class MemoryBus implements Bus {
  private readonly listeners = new Map<DeviceId, Set<BusListener>>();
  private closed = false;

  publish(event: BusEvent): Promise<void> {
    if (!this.closed) {
      const set = this.listeners.get(event.deviceId);
      // One socket per device is the usual case: no copy of the set for it. With several,
      // a copy, so a listener that unsubscribes (its socket closing) cannot skip another.
      if (set !== undefined) for (const listener of set.size === 1 ? set : [...set]) notify(listener, event);
    }
    return PUBLISHED;
  }

  subscribe(deviceId: DeviceId, listener: BusListener): BusSubscription {
    let set = this.listeners.get(deviceId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(deviceId, set);
    }
    set.add(listener);
    return {
      unsubscribe: () => {
        const current = this.listeners.get(deviceId);
        if (current === undefined) return;
        current.delete(listener);
        if (current.size === 0) this.listeners.delete(deviceId);
      },
    };
  }

  close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    return Promise.resolve();
  }
}

function notify(listener: BusListener, event: BusEvent): void {
  try {
    listener(event);
  } catch {
    // A failing listener (a socket torn down mid-write) must not stop the others;
    // storage still holds the entries, the device gets them on reconnect.
  }
}
