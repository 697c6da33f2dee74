/**
 * Bounds of the secret tree. Generations arrive in (encrypted but member-chosen)
 * SenderData, so both are checked before any derivation is done.
 */

/**
 * How far ahead of a ratchet's next unused generation a received message may be. Each
 * step costs three HKDF-Expand calls; without a bound a member could name generation
 * 2^32 - 1 and make every receiver derive four billion keys. 1024 covers a long burst of
 * lost or reordered messages from one sender within an epoch.
 */
export const MAX_GENERATION_GAP = 1024;

/**
 * How many skipped (out-of-order) keys one ratchet keeps. When a message skips ahead the
 * keys of the generations it skipped are kept for late arrivals; beyond this count the
 * oldest are deleted (forward secrecy, RFC 9420 §9.2, and bounded memory).
 */
export const MAX_RETAINED_KEYS = 256;

/** Generations are uint32 (SenderData.generation, §6.3.2). */
export const MAX_GENERATION = 0xffff_ffff;
