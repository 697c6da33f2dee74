/**
 * Bounds and schedules of device linking and device-list synchronisation, each with its
 * reason. Times are compared with the engine's clock (tick events), never read here.
 */

/** The new device asks the mailbox for the answer this often while it waits (tick-driven). */
export const LINK_POLL_MS = 2_000;

/**
 * Contacts' signed device lists sent to a new device. Each is about 150-800 bytes; 256 keep
 * the answer far below the mailbox bound (protocol MAX_LINK_SEALED_BYTES). Contacts beyond
 * it are fetched (trust on first use) by the new device when it meets them.
 */
export const MAX_LINK_CONTACTS = 256;

/** Conversation ids sent to a new device (32 bytes each): shown as "joining" until their Welcome. */
export const MAX_LINK_CONVERSATIONS = 2_048;

/**
 * Our own device list is fetched again this often (and at every READY, after catch-up) so
 * a device linked or removed elsewhere reaches every group even when no commit told us.
 */
export const DEVICE_REFRESH_MS = 10 * 60 * 1000;

/**
 * After a device was linked, it may not have uploaded key packages yet when the other
 * devices first try to add it. They retry with a doubling delay from the first to the
 * last value, for at most DEVICE_PENDING_WINDOW_MS; one conversation probes (one claim per
 * try) until the device joined one group, then every other group follows at once.
 */
export const DEVICE_PENDING_RETRY_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000] as const;
export const DEVICE_PENDING_WINDOW_MS = 10 * 60 * 1000;
