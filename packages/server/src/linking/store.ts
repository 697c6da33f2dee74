/**
 * Storage of device-link mailboxes (protocol link.ts): rows keyed by the SHA-256 of the link
 * id (a database dump does not give the capability), holding the new device's public offer
 * and, once an existing device answered, its HPKE ciphertext. A mailbox is deleted when its
 * answer is fetched or when it expires (sweeper), whichever comes first.
 */
import type { Millis } from '../storage/types.ts';

export interface LinkRecord {
  readonly offer: Uint8Array;
  readonly sealed: Uint8Array | null;
  readonly expiresAt: Millis;
}

export interface LinkStore {
  /**
   * Stores a new mailbox after deleting expired ones.
   * @throws StorageError('limit-reached') when `maxOpen` unexpired mailboxes exist
   * @throws StorageError('conflict') when the id hash is taken (random ids: never in practice)
   */
  createLink(idHash: Uint8Array, offer: Uint8Array, expiresAt: Millis, now: Millis, maxOpen: number): Promise<void>;
  /**
   * The mailbox, or undefined when unknown or expired. A mailbox with an answer is deleted
   * in the same statement that returns it (one reader gets it).
   */
  takeLink(idHash: Uint8Array, now: Millis): Promise<LinkRecord | undefined>;
  /**
   * Stores the answer of an unanswered, unexpired mailbox.
   * @throws StorageError('not-found') for an unknown or expired mailbox, ('conflict') for one already answered
   */
  sealLink(idHash: Uint8Array, sealed: Uint8Array, now: Millis): Promise<void>;
  /** Deletes expired mailboxes; returns how many. */
  deleteExpiredLinks(now: Millis): Promise<number>;
}
