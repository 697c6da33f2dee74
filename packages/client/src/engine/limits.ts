/**
 * Bounds of the engine's state against hostile peers and a hostile relay. Each is checked
 * before the work or memory it would cost.
 */

/**
 * Key packages each device keeps on the relay. Every conversation someone starts with us
 * consumes one; 20 covers a burst of invitations between two replenishments.
 */
export const KEY_PACKAGE_TARGET = 20;

/**
 * Unused key package bundles we keep locally: the relay holds at most 200 per device
 * (protocol MAX_KEY_PACKAGES_PER_DEVICE); we never need more private keys than that.
 */
export const MAX_LOCAL_KEY_PACKAGES = 200;

/**
 * Times one intent (add, remove, self-update) is retried after losing a commit race. Each
 * loss means another member's commit won; five in a row means a busy group or a relay
 * that keeps refusing, and the intent is reported as failed instead of looping.
 */
export const MAX_COMMIT_RETRIES = 5;

/**
 * Message ids remembered per conversation to show duplicates once. A duplicate arrives
 * within the relay's redelivery window; 4096 recent ids cover it with room to spare and
 * bound memory per conversation.
 */
export const MAX_SEEN_MESSAGE_IDS = 4096;

/** Participants named in one createConversation: the relay's recipient bound divided by 16 devices each. */
export const MAX_CONVERSATION_USERS = 64;

/** Entries held while a commit is in flight (their order must be kept); beyond it the relay is misbehaving. */
export const MAX_HELD_ENTRIES = 4096;

/** Texts queued while a conversation is being set up or a commit is in flight. */
export const MAX_OUTBOX = 1024;

/**
 * Self-update schedule for post-compromise security (RFC 9420 §12.4, "regularly"): after
 * this many messages sent by this device in a conversation, or after this much time since
 * its last commit, whichever comes first, the next clock tick commits a fresh UpdatePath.
 */
export const SELF_UPDATE_AFTER_MESSAGES = 100;
export const SELF_UPDATE_AFTER_MS = 24 * 3600 * 1000;

/** Validity of our key packages (RFC 9420 §7.2 lifetime): 60 days, below the 90-day default bound. */
export const KEY_PACKAGE_LIFETIME_SECONDS = 60n * 24n * 3600n;

/** Device ids one `devices-pending` action lists at most (a claim answer is bounded by the relay's device limit anyway). */
export const MAX_PENDING_REPORTED = 16;
