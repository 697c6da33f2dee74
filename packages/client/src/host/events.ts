/**
 * What a host tells the UI that subscribed to it (the CLI prints these, the web client
 * renders them). Plain data: no keys, no group states; texts only in `message`.
 */
import type { DecryptFailureReason, EngineError } from '../engine/errors.ts';
import type { ConversationInfo, StoredMessage } from './records.ts';
import type { StoredTransparencyAlert } from './transparency-host.ts';

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
  /** A conversation's shared settings (name, topic, disappearing timer) changed. */
  | { readonly type: 'conversation-settings'; readonly conversationId: string; readonly name: string; readonly disappearAfterSeconds: number; readonly changedBy: string }
  /**
   * What is known of one of our outgoing messages changed (receipts): relayed, delivered to,
   * read by (accounts). See also `SealedHost.messageStatus` for messages already shown.
   */
  | { readonly type: 'message-status'; readonly conversationId: string; readonly messageId: string; readonly sent: boolean; readonly deliveredTo: readonly string[]; readonly readBy: readonly string[] }
  /** Disappearing messages reached their deadline and were deleted from the history. */
  | { readonly type: 'expired'; readonly conversationId: string; readonly messageIds: readonly string[] }
  /** A contact's identity key changed (refused until accepted after comparing safety numbers). */
  | { readonly type: 'identity-changed'; readonly username: string; readonly verified: boolean }
  /** New device: the code to enter (or scan) on an existing device, and the verification code both show. */
  | { readonly type: 'link-offer'; readonly code: string; readonly verificationCode: string; readonly expiresAt: number }
  /** Existing device: the new device was linked; its verification code must match the one it shows. */
  | { readonly type: 'device-linked'; readonly deviceId: string; readonly verificationCode: string }
  /** Our account's device list changed. */
  | { readonly type: 'devices'; readonly devices: readonly { readonly deviceId: string; readonly current: boolean }[] }
  /** This device was removed from its account by another device. */
  | { readonly type: 'device-removed' }
  /** Key transparency: a change to our account we may not have made, a forked log, a refused device, a failed check. */
  | { readonly type: 'transparency'; readonly alert: StoredTransparencyAlert }
  /** The vault was locked (by `lock()` or a lock request): the host is closed. */
  | { readonly type: 'locked' }
  /** Saving to the vault or running the transport failed: the host stopped. */
  | { readonly type: 'fatal'; readonly error: unknown };

export type HostListener = (event: HostEvent) => void;
