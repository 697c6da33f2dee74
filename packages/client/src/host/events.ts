/**
 * What a host tells the UI that subscribed to it (the CLI prints these, the web client
 * renders them). Plain data: no keys, no group states; texts only in `message`.
 */
import type { DecryptFailureReason, EngineError } from '../engine/errors.ts';
import type { ConversationInfo, StoredMessage } from './records.ts';

export type HostEvent =
  /** Signed in and caught up with what the relay queued while we were away. */
  | { readonly type: 'online' }
  /** The socket dropped; the transport reconnects by itself (bounded back-off). */
  | { readonly type: 'offline' }
  /** Signing in failed; `code` is the relay's error code (or "unavailable" when unreachable). */
  | { readonly type: 'sign-in-failed'; readonly code: string }
  /** A message was shown and saved in the history (an edit or delete updates its target too). */
  | { readonly type: 'message'; readonly conversationId: string; readonly message: StoredMessage }
  /** A conversation was created or joined, or its members changed. */
  | { readonly type: 'conversation'; readonly conversation: ConversationInfo }
  /** We were removed from a conversation. */
  | { readonly type: 'conversation-closed'; readonly conversationId: string }
  /** Members whose device does not match their account's signed device list (a possible ghost device). */
  | { readonly type: 'member-unverified'; readonly conversationId: string; readonly usernames: readonly string[]; readonly left: boolean }
  /** An incoming entry that could not be shown (counted; the goal is zero). */
  | { readonly type: 'decrypt-failure'; readonly reason: DecryptFailureReason; readonly conversationId: string | undefined }
  /** An intent (create, add, remove, send) failed for good. */
  | { readonly type: 'intent-failed'; readonly intent: number; readonly error: EngineError }
  /** The vault was locked (by `lock()` or a lock request): the host is closed. */
  | { readonly type: 'locked' }
  /** Saving to the vault or running the transport failed: the host stopped. */
  | { readonly type: 'fatal'; readonly error: unknown };

export type HostListener = (event: HostEvent) => void;
