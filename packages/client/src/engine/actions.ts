/**
 * What the engine asks its host to do (STYLE.md habit 2): the engine never touches the
 * network, disk or UI; it returns actions and is told the outcomes as events (events.ts).
 * Requests carry an id; the host reports the answer with the same id.
 */
import type { ClientFrame } from '@sealed/protocol/frames/client';
import type { KeyPackageUploadRequest, RegisterRequest, SessionRequest } from '@sealed/protocol/http';
import type { OwnDevice } from './devices/own-devices.ts';
import type { MessageContent } from '../content/message.ts';
import type { DecryptFailureReason, EngineError } from './errors.ts';

/** HTTP requests of protocol v1 (packages/protocol/src/http.ts), as typed values. */
export type HttpRequest =
  | { readonly kind: 'challenge' }
  | { readonly kind: 'register'; readonly body: RegisterRequest }
  | { readonly kind: 'session'; readonly body: SessionRequest }
  | { readonly kind: 'upload-key-packages'; readonly body: KeyPackageUploadRequest }
  /**
   * GET /v1/accounts/:username. `formerDevices`: hex ids of devices a commit or Welcome
   * named that the latest list may have dropped; with key transparency the transport adds
   * the earlier logged lists naming them (`formerDeviceLists`, account-fetch.ts).
   */
  | { readonly kind: 'get-account'; readonly username: string; readonly formerDevices?: readonly string[] }
  | { readonly kind: 'claim-key-packages'; readonly username: string }
  /** PUT /v1/devices: our account's new signed device list. */
  | { readonly kind: 'put-device-list'; readonly deviceList: Uint8Array }
  /** Device linking (protocol link.ts): open a mailbox, read it, answer it. */
  | { readonly kind: 'create-link'; readonly offer: Uint8Array }
  | { readonly kind: 'get-link'; readonly linkId: Uint8Array }
  | { readonly kind: 'seal-link'; readonly linkId: Uint8Array; readonly sealed: Uint8Array };

/** Who sent a message: the account and the device (from the sender's MLS credential). */
export interface SenderRef {
  readonly username: string;
  readonly deviceId: string;
}

export interface ShownMessage {
  readonly conversationId: string;
  /** Hex of the 32-byte message id (content/message.ts). */
  readonly messageId: string;
  readonly sender: SenderRef;
  /** True for a message this device sent. */
  readonly outgoing: boolean;
  /**
   * For a received message: the MLS epoch it was encrypted in (and decrypted with), so a
   * host or test can tell which membership could read it (only members of that epoch).
   */
  readonly epoch?: bigint | undefined;
  readonly content: MessageContent;
}

export type Action =
  /** Perform `request`; report with an `http-response` event carrying `id`. */
  | { readonly type: 'http'; readonly id: number; readonly request: HttpRequest; readonly token?: Uint8Array | undefined }
  /** Open (or reopen) the WebSocket and send AUTH with `token`; report `socket-open` after READY. */
  | { readonly type: 'connect'; readonly token: Uint8Array }
  /** Signing in failed (relay unreachable or refusing): feed `socket-closed` again after a back-off. */
  | { readonly type: 'sign-in-failed'; readonly code: string }
  /** Send this frame on the socket (SEND answers come back as `frame` events). */
  | { readonly type: 'send-frame'; readonly frame: ClientFrame }
  /**
   * Persist an opaque record (to be encrypted by the vault's stores) durably before later
   * actions run. `lazy`: it may be written after later actions, but durably before the
   * next ACK frame leaves (records of received messages, receipt state).
   */
  | { readonly type: 'save'; readonly record: 'account' | 'group' | 'meta'; readonly key: string; readonly bytes: Uint8Array; readonly lazy?: true }
  /** Delete a persisted record (a conversation we were removed from). */
  | { readonly type: 'delete'; readonly record: 'group' | 'meta'; readonly key: string }
  /** The account exists and its first device is registered and connected. */
  | { readonly type: 'account-ready'; readonly username: string; readonly deviceId: string }
  /** A conversation was created or joined, or its members changed. */
  | { readonly type: 'conversation'; readonly conversationId: string; readonly members: readonly SenderRef[]; readonly epoch: bigint }
  /**
   * Members whose leaf does not match their account's verified device list (a possible
   * ghost device). `left`: the conversation was just joined and has been left again.
   */
  | { readonly type: 'member-unverified'; readonly conversationId: string; readonly usernames: readonly string[]; readonly left: boolean }
  /**
   * Key transparency: devices of `username` the relay offered that the log does not show
   * yet were not added to the conversation (pending until a later epoch logs them).
   */
  | { readonly type: 'devices-pending'; readonly conversationId: string; readonly username: string; readonly deviceIds: readonly string[] }
  /** New device: show `code` (text and QR) for an existing device to read; both show `verificationCode`. */
  | { readonly type: 'link-offer'; readonly code: string; readonly verificationCode: string; readonly expiresAt: number }
  /** Existing device: the device of the code was added to the account's list and given the account (sync to groups follows). */
  | { readonly type: 'device-linked'; readonly deviceId: string; readonly verificationCode: string }
  /** Our account's device list as now verified (after a link, a removal or a refresh). */
  | { readonly type: 'devices'; readonly devices: readonly OwnDevice[] }
  /** This device is no longer in its account's signed list (removed from another device): the host wipes it. */
  | { readonly type: 'device-removed' }
  /** We were removed from a conversation. */
  | { readonly type: 'conversation-closed'; readonly conversationId: string }
  | { readonly type: 'show'; readonly message: ShownMessage }
  /** The relay acknowledged (stored) an outgoing message, encrypted in `epoch`: the single check mark. */
  | { readonly type: 'sent'; readonly conversationId: string; readonly messageId: string; readonly epoch: bigint }
  /**
   * What is known of one of our outgoing messages (receipts): emitted only when it changes,
   * so a UI never shows the same state twice. `deliveredTo`/`readBy` name accounts, not us.
   */
  | { readonly type: 'message-status'; readonly conversationId: string; readonly messageId: string; readonly sent: boolean; readonly deliveredTo: readonly string[]; readonly readBy: readonly string[] }
  /** Disappearing messages whose time is up: the host deletes them and their stored plaintext now. */
  | { readonly type: 'expired'; readonly conversationId: string; readonly messageIds: readonly string[] }
  /** A conversation's shared settings changed (name, topic, disappearing timer), by `changedBy`. */
  | { readonly type: 'conversation-settings'; readonly conversationId: string; readonly name: string; readonly topic: string; readonly disappearAfterSeconds: number; readonly changedBy: SenderRef }
  /**
   * The relay offered another identity key for `username` than the one pinned on this
   * device: refused (nothing is encrypted to it) until the user accepts it after checking
   * the new safety number. `verified`: the user had verified the old key (warn loudly).
   */
  | { readonly type: 'identity-changed'; readonly username: string; readonly verified: boolean }
  /** An incoming entry that could not be shown (counted in stats). */
  | { readonly type: 'decrypt-failure'; readonly seq: number; readonly reason: DecryptFailureReason; readonly conversationId?: string | undefined }
  /** An intent failed for good. `intent` is the id returned when it was started. */
  | { readonly type: 'intent-failed'; readonly intent: number; readonly error: EngineError };
