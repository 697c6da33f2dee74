/**
 * Records the storage layer holds. Everything here is what the operator can know (see the
 * disclosure manifest): no message content (ciphertexts are opaque MLS messages), no IP
 * address, no phone number or e-mail. Times the server does not need precisely are kept to
 * the day.
 *
 * Identifiers are lowercase hex strings of random bytes (16 bytes for accounts, devices and
 * attachments); group ids are the MLS group id in hex. Branded so they cannot be mixed up.
 */

/** Account id: 16 random bytes, hex. */
export type AccountId = string & { readonly __brand: 'AccountId' };
/** Device id: 16 random bytes, hex. Globally unique (not per account). */
export type DeviceId = string & { readonly __brand: 'DeviceId' };
/** MLS group id, hex (bounded by MAX_GROUP_ID_BYTES in @sealed/protocol/limits). */
export type GroupId = string & { readonly __brand: 'GroupId' };
/** Attachment id: 32 random bytes, hex (unguessable: it is the only capability to read it). */
export type AttachmentId = string & { readonly __brand: 'AttachmentId' };

/** Milliseconds since the Unix epoch, as every clock in the server returns. */
export type Millis = number;

/** Milliseconds in one day; day-precision fields are floor(ms / DAY_MS) * DAY_MS. */
export const DAY_MS = 86_400_000;

/** Milliseconds in one hour. */
export const HOUR_MS = 3_600_000;

/** The end of the UTC day containing `ms` (or `ms` itself on a day boundary): coarse expiries never come early. */
export function ceilToDay(ms: Millis): Millis {
  return Math.ceil(ms / DAY_MS) * DAY_MS;
}

/** The end of the hour containing `ms` (or `ms` itself on an hour boundary). */
export function ceilToHour(ms: Millis): Millis {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}

/** Truncates a time to the start of its UTC day (what we store for creation / last seen). */
export function toDay(ms: Millis): Millis {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export interface AccountRecord {
  readonly id: AccountId;
  /** Normalised username (see @sealed/protocol/username). Unique. */
  readonly username: string;
  /** Ed25519 public key (32 bytes) of the account identity; signs the device list. */
  readonly identityKey: Uint8Array;
  /** Start of the UTC day the account was created. */
  readonly createdDay: Millis;
  /** Start of the UTC day of the last authentication by any device of the account. */
  readonly lastSeenDay: Millis;
}

export interface DeviceRecord {
  readonly id: DeviceId;
  readonly accountId: AccountId;
  /** Ed25519 public key (32 bytes) the device authenticates with. */
  readonly signatureKey: Uint8Array;
  readonly createdDay: Millis;
}

/** The latest device list signed by the account identity key, as the client encoded it. */
export interface SignedDeviceListRecord {
  /** Strictly increasing per account; version 1 is written at registration. */
  readonly version: number;
  /** The canonical signed encoding (@sealed/protocol/device-list), served verbatim. */
  readonly encoded: Uint8Array;
}

/** What a device upload contains. */
export interface KeyPackageInput {
  /** The MLS KeyPackage, opaque to the server. */
  readonly data: Uint8Array;
}

export interface ClaimedKeyPackage {
  readonly deviceId: DeviceId;
  readonly data: Uint8Array;
  /** True when the device had no ordinary key package left and its last-resort one was served. */
  readonly lastResort: boolean;
  /** Ordinary key packages left for this device after the claim (for the low-count signal). */
  readonly remaining: number;
}

/** Message kinds; only `commit` takes part in epoch ordering. */
export type MessageKind = 'application' | 'commit' | 'proposal' | 'welcome';

/** Stable small integers for kinds, as databases store them (same values as the wire). */
export const MESSAGE_KIND_CODE: Readonly<Record<MessageKind, number>> = { application: 1, commit: 2, proposal: 3, welcome: 4 };
/** Inverse of MESSAGE_KIND_CODE; undefined for an unknown code. */
export function messageKindFromCode(code: number): MessageKind | undefined {
  switch (code) {
    case 1:
      return 'application';
    case 2:
      return 'commit';
    case 3:
      return 'proposal';
    case 4:
      return 'welcome';
    default:
      return undefined;
  }
}

/** One queued entry as a device receives it. `seq` is per device, contiguous from 1. */
export interface QueueEntry {
  readonly seq: number;
  readonly kind: MessageKind;
  /** Server receive time (ms); also the base of expiry. */
  readonly receivedAt: Millis;
  /** The MLS message, opaque to the server. */
  readonly payload: Uint8Array;
}

export interface AttachmentRecord {
  readonly id: AttachmentId;
  readonly size: number;
  readonly createdAt: Millis;
  readonly expiresAt: Millis;
}
