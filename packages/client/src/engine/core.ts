/**
 * The engine's shared state and the bookkeeping of requests in flight: every HTTP request
 * and every SEND gets an id, and the continuation to run when its answer comes. Pending
 * continuations live in memory only: after a restart the host reconnects and intents that
 * were in flight are started again by the user (documented limit of this first version).
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import type { CipherSuite } from '@sealed/mls/crypto/cipher-suite';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS, type LeafValidationPolicy } from '@sealed/mls/validation/leaf-node';
import type { SendFrame } from '@sealed/protocol/frames/client';
import type { ErrorFrame, SentFrame } from '@sealed/protocol/frames/server';
import type { Action, HttpRequest } from './actions.ts';
import type { Account } from './account.ts';
import type { Conversation } from './conversation.ts';
import { Directory } from './directory.ts';
import type { HttpOutcome } from './events.ts';

export type HttpContinuation = (outcome: HttpOutcome) => Action[];
export type SendContinuation = (reply: SentFrame | ErrorFrame) => Action[];
/**
 * For an application message: what to do with it when its SEND went unanswered and the
 * catch-up after reconnecting is over (the same frame again if its epoch is still current,
 * otherwise encrypt it again in the current epoch).
 */
export type ApplicationRetry = () => Action[];

/** Counters a host can show; `undecryptable` is the one whose goal is zero. */
export interface EngineStats {
  undecryptable: number;
  duplicatesDropped: number;
  commitRacesLost: number;
  keyPackagesUploaded: number;
}

const MAX_REQUEST_ID = 0xffff_ffff;

export class EngineCore {
  account: Account | undefined;
  token: Uint8Array | undefined;
  /** Our account's id, from the relay's session answer (key transparency's account label). */
  accountId: Uint8Array | undefined;
  readonly directory: Directory;
  readonly conversations = new Map<string, Conversation>();
  readonly stats: EngineStats = { undecryptable: 0, duplicatesDropped: 0, commitRacesLost: 0, keyPackagesUploaded: 0 };
  replenishing = false;
  /** True between READY and the socket going down. */
  online = false;
  /** Entries the relay said were queued at READY and not processed yet: until 0, nothing new is encrypted (it could use an epoch the group already left). */
  catchUp = 0;
  /**
   * Entries held unprocessed (a commit of ours in flight, members being verified): we may be
   * behind the group, so nothing new is encrypted until they are processed.
   */
  holding = 0;
  /** Incremented at each READY: SENDs of an earlier session went unanswered on a socket that is gone. */
  session = 0;
  /**
   * Conversations we were removed from, kept for CLOSED_GROUP_GRACE_MS so that messages sent
   * to us while we were still a member, and arriving after the removal commit, can be read
   * (closed-groups.ts). Memory only; at most MAX_CLOSED_GROUPS.
   */
  readonly closedGroups = new Map<string, { readonly conversation: Conversation; readonly closedAt: number }>();
  /** Member verifications in progress (verify-members.ts); entries are held meanwhile. */
  verifying = 0;
  private nextRequestId = 1;
  private readonly httpWaiting = new Map<number, HttpContinuation>();
  private readonly sendWaiting = new Map<number, { readonly frame: SendFrame; readonly then: SendContinuation; readonly retry?: ApplicationRetry | undefined; session: number }>();
  /** Work that waits for the next tick or READY (a device-list fetch that got no answer). */
  private deferred: (() => Action[])[] = [];

  constructor(
    readonly provider: CryptoProvider,
    readonly suite: CipherSuite,
    /** Milliseconds since the Unix epoch, from the last tick. */
    public now: number,
  ) {
    this.directory = new Directory(provider);
  }

  /** Sending is allowed: connected, caught up with what was queued while away, and nothing held. */
  caughtUp(): boolean {
    return this.online && this.catchUp === 0 && this.holding === 0;
  }

  nowSeconds(): bigint {
    return BigInt(Math.floor(this.now / 1000));
  }

  /** The MLS policy of every group operation: our directory's credential check and the current time. */
  policy(): LeafValidationPolicy {
    return { validateCredential: this.directory.validateCredential, now: this.nowSeconds(), maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
  }

  id(): number {
    const id = this.nextRequestId;
    this.nextRequestId = id >= MAX_REQUEST_ID ? 1 : id + 1;
    return id;
  }

  http(request: HttpRequest, then: HttpContinuation): Action {
    const id = this.id();
    this.httpWaiting.set(id, then);
    return { type: 'http', id, request, token: this.token };
  }

  /**
   * A SEND frame with a fresh request id (and client message id) whose answer runs `then`.
   * `retry` marks an application message (see ApplicationRetry).
   */
  /**
   * A SEND with a fresh client message id, or `clientMessageId` to send the same message
   * again as a new request (the relay stores a message at most once per id).
   */
  send(frame: Omit<SendFrame, 'type' | 'requestId' | 'clientMessageId'> & { readonly clientMessageId?: Uint8Array }, then: SendContinuation, retry?: ApplicationRetry): Action {
    const requestId = this.id();
    const full: SendFrame = { type: 'send', requestId, ...frame, clientMessageId: frame.clientMessageId ?? this.provider.randomBytes(16) };
    this.sendWaiting.set(requestId, { frame: full, then, retry, session: this.session });
    return { type: 'send-frame', frame: full };
  }

  /** The same SEND again (same request and client message id): the relay stores it at most once. */
  resend(requestId: number): Action[] {
    const waiting = this.sendWaiting.get(requestId);
    if (waiting === undefined) return [];
    waiting.session = this.session;
    return [{ type: 'send-frame', frame: waiting.frame }];
  }

  /** Forgets an unanswered SEND that is replaced by a new one. */
  abandonSend(requestId: number): void {
    this.sendWaiting.delete(requestId);
  }

  /** Runs `step` on the next tick or READY. */
  defer(step: () => Action[]): void {
    this.deferred.push(step);
  }

  runDeferred(): Action[] {
    const steps = this.deferred;
    this.deferred = [];
    return steps.flatMap((step) => step());
  }

  resolveHttp(id: number, outcome: HttpOutcome): Action[] {
    const then = this.httpWaiting.get(id);
    if (then === undefined) return [];
    this.httpWaiting.delete(id);
    return then(outcome);
  }

  resolveSend(reply: SentFrame | ErrorFrame): Action[] {
    const waiting = this.sendWaiting.get(reply.requestId);
    if (waiting === undefined) return [];
    this.sendWaiting.delete(reply.requestId);
    const { frame } = waiting;
    if (reply.type === 'error' && reply.code === 'unknown-recipient' && frame.recipients.length > 1 && reply.value < frame.recipients.length) {
      // A device its owner removed (the relay revoked it) before the removal commit reached
      // us: nothing was queued, so the same payload goes again without it. Bounded: one
      // recipient fewer each time.
      const recipients = frame.recipients.filter((_, i) => i !== reply.value);
      return [this.send({ kind: frame.kind, epoch: frame.epoch, groupId: frame.groupId, recipients, payload: frame.payload }, waiting.then)];
    }
    return waiting.then(reply);
  }

  /**
   * Commit SENDs not answered before the socket closed, sent again in their order on the new
   * socket with the same client message id: the relay queues each at most once and answers
   * a retry with SENT(duplicate), so a commit the relay accepted is never lost to us.
   * Application messages wait for `retryApplications`, after the catch-up.
   */
  resendPending(): Action[] {
    return [...this.sendWaiting.values()].filter((w) => w.retry === undefined).map(({ frame }): Action => ({ type: 'send-frame', frame }));
  }

  /**
   * Application SENDs of an earlier session still unanswered once the catch-up is over. Resending the old
   * ciphertext after the group moved on would reach members who no longer hold (or never
   * held) its epoch: each is sent again as it was if its epoch is current, else encrypted
   * again in the current epoch. The message id does not change, so members who got the
   * first copy show it once.
   */
  retryApplications(): Action[] {
    // Only once nothing is held: our epoch must be the group's before we judge "current".
    if (!this.caughtUp()) return [];
    return [...this.sendWaiting.values()].flatMap((w) => (w.retry === undefined || w.session === this.session ? [] : w.retry()));
  }
}
