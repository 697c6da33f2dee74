/**
 * Send reservations: our application generations are reserved durably in blocks, so the
 * message path does not save the whole group state (and wait for the disk) before every
 * ciphertext leaves, and a restored device still never encrypts twice with one generation
 * (the key and nonce of a generation must be used once: RFC 9420 §9.1, §16.8).
 *
 * Every save of a group in an epoch where we reserved puts our application ratchet at the
 * END of the reserved block (mls SerializeOptions.ownApplicationAt), never at its live
 * position. A message may leave once its generation is below that end in a durable save:
 * after encrypting, `reserveSends` tells the caller whether the block is used up; then a
 * new block is reserved and the group must be saved (durably) before the sends. After a
 * crash the device restarts at the end of the block; receivers accept the jump (at most
 * SEND_RESERVATION_BLOCK generations, far below the secret tree's MAX_GENERATION_GAP) and
 * keep the skipped keys like those of lost messages (bounded by MAX_RETAINED_KEYS; keys of
 * generations never used protect nothing).
 */
import type { RatchetSnapshot } from '@sealed/mls/secret-tree/secret-tree';
import { MAX_GENERATION } from '@sealed/mls/secret-tree/limits';
import type { Conversation } from './conversation.ts';

/**
 * Generations reserved per durable save: one fsync per 32 messages a device sends in a
 * conversation instead of one per message; after a crash receivers skip at most 32 keys.
 */
export const SEND_RESERVATION_BLOCK = 32;

interface Reservation {
  readonly epoch: bigint;
  /** Our application ratchet at the end of the block: what every save of this epoch stores. */
  readonly end: RatchetSnapshot;
}

const reservations = new WeakMap<Conversation, Reservation>();

/**
 * The position to save our application ratchet at, when a block is reserved in the current
 * epoch and still ahead of the live ratchet; undefined otherwise (the live position is saved).
 */
export function reservedPosition(conversation: Conversation): RatchetSnapshot | undefined {
  const reservation = reservations.get(conversation);
  const state = conversation.state;
  if (reservation === undefined || reservation.epoch !== state.groupContext.epoch) return undefined;
  if (state.secretTree.nextGeneration(state.own.leafIndex, 'application') > reservation.end.generation) return undefined;
  return reservation.end;
}

/**
 * Called after encrypting application messages, before they are sent. Returns false when
 * every generation used is inside the durably saved block; true when a new block was
 * reserved: the caller must then save the group (durably) before anything is sent.
 */
export function reserveSends(conversation: Conversation): boolean {
  if (reservedPosition(conversation) !== undefined) return false;
  const state = conversation.state;
  const own = state.own.leafIndex;
  const next = state.secretTree.nextGeneration(own, 'application');
  const end = state.secretTree.ratchetSecretAt(own, 'application', Math.min(next + SEND_RESERVATION_BLOCK, MAX_GENERATION));
  reservations.get(conversation)?.end.secret.fill(0);
  reservations.set(conversation, { epoch: state.groupContext.epoch, end });
  return true;
}
