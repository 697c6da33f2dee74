/**
 * Every limit of the Sealed protocol, each with its reason. Both ends check them before
 * doing work: a decoder rejects an oversized length prefix before allocating, the server
 * rejects an oversized body before reading it. Server-side operational limits (rate limits,
 * timeouts, retention) are configurable and live in the server's config; the defaults that
 * clients may rely on are here.
 */

/** Ids of accounts, devices and client messages: 16 random bytes (128 bits: collision-free in practice). */
export const ID_BYTES = 16;
/** Attachment ids: 32 random bytes; they are the capability to download, so unguessable. */
export const ATTACHMENT_ID_BYTES = 32;
/** Ed25519 public keys (RFC 8032 §5.1.5). */
export const ED25519_PUBLIC_KEY_BYTES = 32;
/** Ed25519 signatures (RFC 8032 §5.1.6). */
export const ED25519_SIGNATURE_BYTES = 64;
/** Session tokens: 32 random bytes (256 bits); the server stores only their SHA-256. */
export const SESSION_TOKEN_BYTES = 32;
/** Authentication challenges: 32 random bytes, used once. */
export const CHALLENGE_BYTES = 32;

/** Username length in characters after normalisation (short enough to type, long enough to be unique). */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;

/**
 * Devices per account. A person has a phone, a laptop, a tablet, a few browsers; 16 keeps
 * fan-out (one queue entry per device per message) and the signed list small.
 */
export const MAX_DEVICES_PER_ACCOUNT = 16;

/** MLS group ids as Sealed clients create them are 32 bytes; 64 leaves room, bounds the groups table. */
export const MAX_GROUP_ID_BYTES = 64;

/**
 * Recipient devices of one send. Fan-out is done by the server in one transaction; 1,024
 * devices covers a group of a few hundred people with several devices each, and bounds the
 * transaction and the frame (16 KiB of ids).
 */
export const MAX_RECIPIENTS_PER_SEND = 1024;

/**
 * The MLS message of one send (and so of one queue entry): 1 MiB. Enough for a Welcome with
 * the ratchet tree of a group of a few hundred members under the post-quantum suite (leaf
 * nodes of about 1.4 KB); bigger trees go out of band as an attachment.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Fixed part of a SEND frame besides group id, recipients and payload (see frames/client.ts). */
const SEND_OVERHEAD = 64;
/**
 * Largest WebSocket message a client may send: one SEND with every field at its bound. The
 * server configures `ws` with this as `maxPayload`, so a larger message is refused before
 * it is buffered.
 */
export const MAX_CLIENT_FRAME_BYTES = SEND_OVERHEAD + MAX_GROUP_ID_BYTES + MAX_RECIPIENTS_PER_SEND * ID_BYTES + MAX_MESSAGE_BYTES;

/**
 * How many epochs an application message may be behind its group's current epoch when the
 * relay stores it. Members process a queue in order, so at the moment they read a message they
 * are at the epoch the group had when it was stored (or up to two epochs later, by commits
 * of their own the relay accepted first): members keep the secrets of MAX_PAST_EPOCHS (4)
 * past epochs (mls group/limits.ts), and a message further behind could not be decrypted.
 * The relay refuses it (`stale-epoch`, nothing stored) and the sender encrypts it again once
 * it has caught up (found by the chaos suite: a SEND delayed in the
 * network while a storm of commits passed was stored, and failed as wrong-epoch for all).
 */
export const MAX_APPLICATION_EPOCH_LAG = 2;

/** Seqs in one ACK frame; a client acks what it received in a batch, at most a DELIVER's worth. */
export const MAX_ACK_SEQS = 1024;

/** Entries in one DELIVER frame (the server batches pushes per socket per event-loop turn). */
export const MAX_DELIVER_ENTRIES = 256;
/**
 * Bytes of one DELIVER frame. The server starts a new frame rather than exceed it; one entry
 * at MAX_MESSAGE_BYTES always fits.
 */
export const MAX_DELIVER_FRAME_BYTES = 2 * 1024 * 1024;
/** Largest WebSocket message a server may send (clients configure their decoder with it). */
export const MAX_SERVER_FRAME_BYTES = MAX_DELIVER_FRAME_BYTES;

/** Key packages in one upload request; bounds the request and the transaction. */
export const MAX_KEY_PACKAGES_PER_UPLOAD = 100;
/** Ordinary key packages stored per device: enough for a burst of new contacts, bounded storage. */
export const MAX_KEY_PACKAGES_PER_DEVICE = 200;
/** One MLS KeyPackage; a post-quantum one is about 2.5 KB, so 16 KiB is generous. */
export const MAX_KEY_PACKAGE_BYTES = 16 * 1024;
/** When a device has this many ordinary key packages or fewer, the server tells it to upload more. */
export const KEY_PACKAGES_LOW_MARK = 10;

/** Signed device list encoding: header + 16 keys + signature, with room. */
export const MAX_DEVICE_LIST_BYTES = 2048;

/**
 * JSON request bodies (everything but attachments). The largest is a key-package upload:
 * 100 packages of up to 16 KiB in base64 would be 2.2 MB; bodies are bounded at 4 MiB.
 */
export const MAX_JSON_BODY_BYTES = 4 * 1024 * 1024;

/** Default maximum attachment size (the server may lower or raise it by configuration). */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;
