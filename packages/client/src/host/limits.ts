/** Bounds of the host, each with its reason. */

/**
 * Clock ticks fed to the engine: once a second. The engine's schedules (self-update after
 * 24 h) need far less; a second keeps a UI's "sending..." and expiring messages prompt.
 */
export const TICK_MS = 1000;

/**
 * Delivery receipts wait this long after the first message shown without one, then go out
 * as one report per conversation (an MLS message that every member decrypts): the message
 * reaches the screen before its receipt is signed and encrypted, and a burst of messages
 * costs one receipt instead of one each. Far below what a user notices of a "delivered" mark.
 */
export const DELIVERY_RECEIPT_DELAY_MS = 200;

/** Pages of 1000 messages read to show a conversation's history: 100 000 messages is beyond any terminal's scrollback. */
export const MAX_HISTORY_PAGES = 100;

/** Pages of 1000 conversation records loaded at start (a loop over stored data is bounded). */
export const MAX_CONVERSATION_PAGES = 100;

/** Intent failures remembered for `outcome()`; older ones are forgotten first. */
export const MAX_REMEMBERED_FAILURES = 1024;

/** Polling interval of `settle()` and `until()`: short against a loopback relay, cheap otherwise. */
export const SETTLE_POLL_MS = 20;

/** Longest local name of a conversation, in characters. */
export const MAX_CONVERSATION_NAME = 64;
