/**
 * What the engine asks its host to do (STYLE.md habit 2): the engine never touches the
 * network, disk or UI; it returns actions and is told the outcomes as events (events.ts).
 * Requests carry an id; the host reports the answer with the same id.
 */
import type { ClientFrame } from '@sealed/protocol/frames/client';
import type { KeyPackageUploadRequest, RegisterRequest, SessionRequest } from '@sealed/protocol/http';
import type { MessageContent } from '../content/message.ts';
import type { DecryptFailureReason, EngineError } from './errors.ts';

/** HTTP requests of protocol v1 (packages/protocol/src/http.ts), as typed values. */
export type HttpRequest =
  | { readonly kind: 'challenge' }
  | { readonly kind: 'register'; readonly body: RegisterRequest }
  | { readonly kind: 'session'; readonly body: SessionRequest }
  | { readonly kind: 'upload-key-packages'; readonly body: KeyPackageUploadRequest }
  | { readonly kind: 'get-account'; readonly username: string }
  | { readonly kind: 'claim-key-packages'; readonly username: string };

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
  /** Persist an opaque record (to be encrypted by the vault's stores) before later actions run. */
  | { readonly type: 'save'; readonly record: 'account' | 'group'; readonly key: string; readonly bytes: Uint8Array }
  /** Delete a persisted record (a conversation we were removed from). */
  | { readonly type: 'delete'; readonly record: 'group'; readonly key: string }
  /** The account exists and its first device is registered and connected. */
  | { readonly type: 'account-ready'; readonly username: string; readonly deviceId: string }
  /** A conversation was created or joined, or its members changed. */
  | { readonly type: 'conversation'; readonly conversationId: string; readonly members: readonly SenderRef[]; readonly epoch: bigint }
  /**
   * Members whose leaf does not match their account's verified device list (a possible
   * ghost device). `left`: the conversation was just joined and has been left again.
   */
  | { readonly type: 'member-unverified'; readonly conversationId: string; readonly usernames: readonly string[]; readonly left: boolean }
  /** We were removed from a conversation. */
  | { readonly type: 'conversation-closed'; readonly conversationId: string }
  | { readonly type: 'show'; readonly message: ShownMessage }
  /** An incoming entry that could not be shown (counted in stats). */
  | { readonly type: 'decrypt-failure'; readonly seq: number; readonly reason: DecryptFailureReason; readonly conversationId?: string | undefined }
  /** An intent failed for good. `intent` is the id returned when it was started. */
  | { readonly type: 'intent-failed'; readonly intent: number; readonly error: EngineError };
