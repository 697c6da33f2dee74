/** Limits of the encrypted record stores, each with its reason (checked before any work). */

/**
 * Longest record id or collection id: 1024 bytes. MLS group ids and message ids are far
 * shorter; the bound keeps a wrong caller from hashing and storing arbitrary blobs as keys.
 */
export const MAX_RECORD_ID_BYTES = 1024;

/**
 * Largest record payload: 64 MiB. A 1000-member group's state with its ratchet tree is a
 * few MiB; the bound keeps a corrupted length or a stored blob from allocating without end.
 */
export const MAX_RECORD_DATA_BYTES = 64 * 1024 * 1024;

/** Most records one list() call returns: 1000, so a page never loads a whole history. */
export const MAX_LIST_LIMIT = 1000;

/** Record schema versions are u16, and 0 is reserved so a zeroed record never parses. */
export const MAX_RECORD_VERSION = 0xffff;

/**
 * Random AES-256-GCM nonces are safe for up to 2^32 encryptions under one key (NIST
 * SP 800-38D §8.3). A device writes far fewer records in its life; the vault key never
 * leaves the device, so no other writer shares the budget.
 */
export const RECORD_NONCE_LENGTH = 12;
