/**
 * One conversation = one MLS group of every device of every participant (DESIGN.md). This
 * file holds its local bookkeeping and reads membership out of the group's tree.
 */
import type { KeyPackage } from '@sealed/mls/structs/key-package';
import type { GroupState } from '@sealed/mls/group/state';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import type { SenderRef } from './actions.ts';
import { parseCredential } from './identity.ts';
import { MAX_SEEN_MESSAGE_IDS } from './limits.ts';

/** A change of membership this device wants to commit (RFC 9420 §12.4). */
export type CommitIntent =
  /** `sync`: bringing our own devices up to our device list (devices/sync.ts); nothing left to add is success, not an error. */
  /** `attempts`: times it was gathered again after a "not now" answer or no key package (commits.ts addLater). */
  /** `awaitLogUntil`: while a user's account is not in the transparency log yet, the time the add waits until (commits.ts). */
  /** `readd`: adding again members whose Welcome may never have gone out (unconfirmed-adds.ts); nothing left to add is success. */
  | { readonly kind: 'add'; readonly intent: number; readonly usernames: readonly string[]; keyPackages?: readonly KeyPackage[] | undefined; readonly retries: number; readonly sync?: boolean; readonly readd?: boolean; readonly attempts?: number; readonly awaitLogUntil?: number }
  /** Our own devices no longer in our signed list (devices/sync.ts); those already gone are skipped. */
  | { readonly kind: 'remove-devices'; readonly intent: number; readonly deviceIds: readonly string[]; readonly retries: number }
  | { readonly kind: 'remove'; readonly intent: number; readonly username: string; readonly retries: number }
  | { readonly kind: 'self-update'; readonly intent: number; readonly retries: number }
  /** Commit the proposals other members sent in this epoch (a member leaving: engine/leave.ts). */
  | { readonly kind: 'commit-pending'; readonly intent: number; readonly retries: number };

/** A commit sent and not yet answered by the relay. */
export interface InFlightCommit {
  readonly requestId: number;
  readonly intent: CommitIntent;
  /** Our state in the new epoch, adopted on SENT. */
  readonly next: GroupState;
  readonly welcome: Uint8Array | undefined;
  /** Devices the Welcome goes to (hex ids). */
  readonly newDevices: readonly string[];
  /** 'commit' until the relay accepted the commit, then 'welcome' until it accepted the Welcome. */
  phase: 'commit' | 'welcome';
  /** Accounts whose devices this commit removes to add them again next (unconfirmed-adds.ts). */
  readonly readd?: readonly string[];
}

export interface Conversation {
  readonly id: string;
  readonly groupId: Uint8Array;
  state: GroupState;
  inFlight: InFlightCommit | undefined;
  /** Intents waiting for their turn (one commit in flight per conversation). */
  readonly intents: CommitIntent[];
  /** Texts waiting for the conversation's commit to settle: encrypted only then, in order. */
  readonly outbox: OutgoingMessage[];
  /** Recent message ids (hex), oldest first, for showing duplicates once. */
  readonly seen: Set<string>;
  sentSinceUpdate: number;
  lastCommitAt: number;
  /** True while key packages are being fetched for the first intent (no second one starts). */
  preparing: boolean;
  /** After losing a commit race: the epoch the relay is at; intents wait until we reach it. */
  waitEpoch: bigint | undefined;
  /**
   * Members' devices their account's list no longer names (verify-members.ts): their removal
   * commit is expected until `until` (engine time). Nothing is sent meanwhile.
   */
  awaitingRemoval?: { readonly until: number; readonly joined: boolean } | undefined;
  /**
   * Per committer (device id): its latest add whose Welcome nothing has shown to have gone
   * out (unconfirmed-adds.ts): the new epoch and the devices it added.
   */
  unconfirmedAdds?: Map<string, { readonly epoch: bigint; readonly devices: readonly string[] }> | undefined;
}

/** Encoded MIMI content waiting to be encrypted, with its id (reported again when the relay acknowledges it). */
export interface OutgoingMessage {
  readonly content: Uint8Array;
  readonly messageId: string;
  /** Sends the relay answered with a "not now" error (commits.ts RETRIED_SEND_ERRORS). */
  readonly attempts?: number;
}

export function newConversation(state: GroupState, now: number): Conversation {
  const groupId = state.groupContext.groupId;
  return { id: toHex(groupId), groupId, state, inFlight: undefined, intents: [], outbox: [], seen: new Set(), sentSinceUpdate: 0, lastCommitAt: now, preparing: false, waitEpoch: undefined };
}

/** Every member device of `state` with its account (leaves with Sealed credentials). */
export function membersOf(state: GroupState): (SenderRef & { readonly leafIndex: number })[] {
  const out: (SenderRef & { readonly leafIndex: number })[] = [];
  for (let i = 0; i < state.tree.leafCount; i++) {
    const leaf = state.tree.leaf(i);
    if (leaf === undefined) continue;
    const named = parseCredential(leaf.credential);
    if (named !== undefined) out.push({ ...named, leafIndex: i });
  }
  return out;
}

/**
 * The member who sent an application message of `epoch` from `leafIndex`, looked up in that
 * epoch's tree (the current one or a kept past one): a sender removed since then still sent
 * it, and a late message of theirs is theirs (found by the chaos suite: such messages were
 * reported as authentication failures).
 */
export function senderAt(state: GroupState, epoch: bigint, leafIndex: number): SenderRef | undefined {
  const tree = epoch === state.groupContext.epoch ? state.tree : state.pastEpochs.find((p) => p.groupContext.epoch === epoch)?.tree;
  const leaf = tree?.leaf(leafIndex);
  return leaf === undefined ? undefined : parseCredential(leaf.credential);
}

/** Device ids (bytes) of every member but us: the recipients of what we send to the group. */
export function recipientsOf(state: GroupState): Uint8Array[] {
  const me = state.own.leafIndex;
  return membersOf(state)
    .filter((m) => m.leafIndex !== me)
    .map((m) => fromHex(m.deviceId)!);
}

/** Remembers `messageId`; false when it was seen before (a duplicate). Bounded by MAX_SEEN_MESSAGE_IDS. */
export function rememberMessage(conversation: Conversation, messageId: string): boolean {
  if (conversation.seen.has(messageId)) return false;
  conversation.seen.add(messageId);
  if (conversation.seen.size > MAX_SEEN_MESSAGE_IDS) {
    const oldest = conversation.seen.values().next().value;
    if (oldest !== undefined) conversation.seen.delete(oldest);
  }
  return true;
}
