// The model behind the randomised simulation: members with their join/leave epochs, a
// delivery service that orders handshake messages per epoch (the first commit submitted for
// an epoch wins, like the Sealed server) and holds application messages to deliver them late
// and out of order. Pure bookkeeping: the MLS work happens through the real group API.
import type { GroupState } from '../../src/group/state.ts';

/** One participant of the simulation, current or removed. */
export interface SimMember {
  readonly id: number;
  state: GroupState;
  /** First epoch whose keys this member received (its Welcome's epoch, 0 for the creator). */
  readonly joinEpoch: bigint;
  /** Set when a commit removed it: its state stays at the last epoch it was a member of. */
  removed: boolean;
}

/** An application message in flight, with who tried to read it and what happened. */
export interface InFlight {
  readonly bytes: Uint8Array;
  readonly epoch: bigint;
  readonly senderId: number;
  readonly text: string;
  /** Member ids that have already been handed the message (each at most once). */
  readonly handed: Set<number>;
  /** Member ids that decrypted it. */
  readonly readBy: Set<number>;
  /** Member ids that were expected to decrypt it at the time it was handed to them. */
  readonly expectedBy: Set<number>;
}

/**
 * Whether `member` must be able to decrypt an application message of `epoch` when it is
 * handed the message now. Precisely: the member had the keys of that epoch (it joined at or
 * before it, and its state reached it) and still holds them (its state's epoch is at most
 * MAX_PAST_EPOCHS later, §12.4.2 window). A removed member's state stays at the last epoch it
 * belonged to, so messages of later epochs never qualify; a member added later never
 * qualifies for epochs before its Welcome.
 */
export function shouldRead(member: SimMember, epoch: bigint, maxPastEpochs: number): boolean {
  const current = member.state.groupContext.epoch;
  return member.joinEpoch <= epoch && epoch <= current && current - epoch <= BigInt(maxPastEpochs);
}

/** The delivery service's per-epoch ordering of handshake messages: first commit wins. */
export class HandshakeOrder {
  private readonly winners = new Map<bigint, number>();

  /** Submits a commit of `epoch` from `memberId`; true when it is the first for that epoch. */
  submitCommit(epoch: bigint, memberId: number): boolean {
    if (this.winners.has(epoch)) return false;
    this.winners.set(epoch, memberId);
    return true;
  }
}

/** A small seeded PRNG (mulberry32) for delivery choices, so a fast-check seed replays exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
