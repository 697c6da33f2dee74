/**
 * Device linking rendezvous (HTTP, protocol v1): a short-lived mailbox on the server through
 * which a new device and an existing device of the same account meet. The server stores
 * two opaque blobs and cannot read the one that matters:
 *
 *   POST /v1/links             CreateLink {offer}          -> LinkCreated {linkId, expiresAt}
 *        (no session: the new device has none yet; rate-limited per source)
 *   GET  /v1/links/:linkId                                  -> LinkState {offer, sealed|null, expiresAt}
 *        (no session: the link id, 128 random bits, is the capability; once `sealed` is
 *        returned the mailbox is deleted)
 *   PUT  /v1/links/:linkId     SealLink {sealed}   (auth)   -> {}
 *        (a signed-in device answers the offer once; a second answer is `forbidden`)
 *
 * `offer` is public (the new device's device key and ephemeral HPKE key; the existing
 * device checks it against the commitment in the code it was shown). `sealed` is HPKE
 * ciphertext to the offer's ephemeral key. An unknown or expired link is `not-found`.
 * The client's formats of both blobs are in packages/client/src/engine/devices/.
 */
import { toBase64Url, toHex } from './encoding.ts';
import { ID_BYTES } from './limits.ts';
import { base64, hexValue, integer, objectWith, ValidationError } from './validate.ts';

/**
 * A link offer: version, device id and key, and an X-Wing public key (1216 bytes) for
 * HPKE: 4 KiB leaves room for a larger post-quantum KEM.
 */
export const MAX_LINK_OFFER_BYTES = 4096;
/**
 * The sealed answer: account keys, the signed device list, contacts' signed device lists
 * (bounded by the client, about 200 bytes each) and conversation ids. 256 KiB bounds the
 * row and the request.
 */
export const MAX_LINK_SEALED_BYTES = 256 * 1024;
/** A mailbox lives 10 minutes: long enough to pick up the other device, short for a capability. */
export const LINK_TTL_MS = 10 * 60 * 1000;

export interface CreateLinkRequest {
  readonly offer: Uint8Array;
}

export interface LinkCreatedResponse {
  readonly linkId: Uint8Array;
  readonly expiresAt: number;
}

export interface SealLinkRequest {
  readonly sealed: Uint8Array;
}

export interface LinkStateResponse {
  readonly offer: Uint8Array;
  /** The existing device's answer, or null while it has not answered. */
  readonly sealed: Uint8Array | null;
  readonly expiresAt: number;
}

/** @throws ValidationError */
export function parseCreateLinkRequest(body: unknown): CreateLinkRequest {
  const o = objectWith(body, ['offer']);
  return { offer: base64(o, 'offer', 1, MAX_LINK_OFFER_BYTES) };
}

/** @throws ValidationError */
export function parseSealLinkRequest(body: unknown): SealLinkRequest {
  const o = objectWith(body, ['sealed']);
  return { sealed: base64(o, 'sealed', 1, MAX_LINK_SEALED_BYTES) };
}

/** A link id in a path: lowercase hex of ID_BYTES. @throws ValidationError */
export function parseLinkId(text: string): Uint8Array {
  return hexValue(text, 'linkId', ID_BYTES);
}

export function linkCreatedJson(r: LinkCreatedResponse): object {
  return { linkId: toHex(r.linkId), expiresAt: r.expiresAt };
}
/** @throws ValidationError */
export function parseLinkCreatedResponse(body: unknown): LinkCreatedResponse {
  const o = objectWith(body, ['linkId', 'expiresAt']);
  return { linkId: hexValue(o['linkId'], 'linkId', ID_BYTES), expiresAt: integer(o, 'expiresAt', 0, Number.MAX_SAFE_INTEGER) };
}

export function linkStateJson(r: LinkStateResponse): object {
  return { offer: toBase64Url(r.offer), sealed: r.sealed === null ? null : toBase64Url(r.sealed), expiresAt: r.expiresAt };
}
/** @throws ValidationError */
export function parseLinkStateResponse(body: unknown): LinkStateResponse {
  const o = objectWith(body, ['offer', 'sealed', 'expiresAt']);
  if (o['sealed'] !== null && typeof o['sealed'] !== 'string') throw new ValidationError('bad-request', 'sealed', 'not a string or null');
  return {
    offer: base64(o, 'offer', 1, MAX_LINK_OFFER_BYTES),
    sealed: o['sealed'] === null ? null : base64(o, 'sealed', 1, MAX_LINK_SEALED_BYTES),
    expiresAt: integer(o, 'expiresAt', 0, Number.MAX_SAFE_INTEGER),
  };
}
