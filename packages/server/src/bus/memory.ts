/**
 * The in-process bus: a map from device id to listeners. Listeners run synchronously in
 * publish order, so pushes to one device keep the order of their sends.
 */
import type { DeviceId } from '../storage/types.ts';
import type { Bus, BusEvent, BusListener, BusSubscription } from './bus.ts';

export class MemoryBus implements Bus {
  private readonly listeners = new Map<DeviceId, Set<BusListener>>();
  private closed = false;

  publish(event: BusEvent): Promise<void> {
    if (!this.closed) {
      const set = this.listeners.get(event.deviceId);
      if (set !== undefined) {
        for (const listener of [...set]) {
          try {
            listener(event);
          } catch {
            // A failing listener (a socket torn down mid-write) must not stop the others;
            // storage still holds the entries, the device gets them on reconnect.
          }
        }
      }
    }
    return Promise.resolve();
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
