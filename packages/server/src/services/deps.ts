/** What every service receives: stores, bus, configuration, clock, log and metrics. */
import type { Bus } from '../bus/bus.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Storage } from '../storage/storage.ts';
import type { AccountId, DeviceId } from '../storage/types.ts';

export interface ServiceDeps {
  readonly storage: Storage;
  readonly bus: Bus;
  readonly config: Config;
  readonly now: () => number;
  readonly log: Logger;
  readonly metrics: Metrics;
}

/** The authenticated caller: a device of an account. */
export interface Caller {
  readonly deviceId: DeviceId;
  readonly accountId: AccountId;
}
