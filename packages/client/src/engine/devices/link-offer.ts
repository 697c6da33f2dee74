/**
 * The new device's offer, stored in the link mailbox in the clear (it holds public keys
 * only) and authenticated by the commitment in the link code (link-code.ts):
 *
 *   offer = version u8 (=1) | deviceId[16] | deviceKey[32] (Ed25519, its leaf and login key)
 *         | kemId u16 | ephemeralKeyLength u16 | ephemeralKey (HPKE public key, X-Wing)
 *
 *   commitment        = SHA-256("sealed link offer v1\0" || offer)[0..16]
 *   verification code = 6 decimal digits of SHA-256("sealed link verification v1\0" || offer):
 *                       the first 4 bytes big-endian modulo 10^6 (bias below 2^-12)
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { Reader } from '@sealed/protocol/binary/reader';
import { Writer } from '@sealed/protocol/binary/writer';
import { DecodeError } from '@sealed/protocol/binary/decode-error';
import { ED25519_PUBLIC_KEY_BYTES, ID_BYTES } from '@sealed/protocol/limits';
import { MAX_LINK_OFFER_BYTES } from '@sealed/protocol/link';
import { EngineError } from '../errors.ts';
import { LINK_COMMITMENT_BYTES } from './link-code.ts';

export const LINK_OFFER_VERSION = 1;
const COMMITMENT_LABEL = new TextEncoder().encode('sealed link offer v1\0');
const VERIFICATION_LABEL = new TextEncoder().encode('sealed link verification v1\0');

export interface LinkOffer {
  readonly deviceId: Uint8Array;
  readonly deviceKey: Uint8Array;
  readonly kemId: number;
  readonly ephemeralKey: Uint8Array;
}

export function encodeLinkOffer(offer: LinkOffer): Uint8Array {
  return new Writer(1 + ID_BYTES + ED25519_PUBLIC_KEY_BYTES + 4 + offer.ephemeralKey.length)
    .u8(LINK_OFFER_VERSION)
    .bytes(offer.deviceId)
    .bytes(offer.deviceKey)
    .u16(offer.kemId)
    .u16(offer.ephemeralKey.length)
    .bytes(offer.ephemeralKey)
    .finish();
}

/** @throws EngineError('link-rejected') for an offer that does not decode strictly. */
export function decodeLinkOffer(bytes: Uint8Array): LinkOffer {
  try {
    if (bytes.length > MAX_LINK_OFFER_BYTES) throw new DecodeError('too-large', 'offer');
    const r = new Reader(bytes);
    const version = r.u8('offer version');
    if (version !== LINK_OFFER_VERSION) throw new DecodeError('version-unknown', `offer version ${version}`);
    const deviceId = r.bytes(ID_BYTES, 'device id');
    const deviceKey = r.bytes(ED25519_PUBLIC_KEY_BYTES, 'device key');
    const kemId = r.u16('kem id');
    const length = r.u16('ephemeral key length');
    const ephemeralKey = r.bytes(length, 'ephemeral key');
    r.finish('offer');
    return { deviceId, deviceKey, kemId, ephemeralKey };
  } catch (error) {
    if (error instanceof DecodeError) throw new EngineError('link-rejected', `offer: ${error.code}`);
    throw error;
  }
}

function labelled(provider: CryptoProvider, label: Uint8Array, offer: Uint8Array): Uint8Array {
  const input = new Uint8Array(label.length + offer.length);
  input.set(label);
  input.set(offer, label.length);
  return provider.hash('SHA-256', input);
}

export function offerCommitment(provider: CryptoProvider, offer: Uint8Array): Uint8Array {
  return labelled(provider, COMMITMENT_LABEL, offer).slice(0, LINK_COMMITMENT_BYTES);
}

export function verificationCode(provider: CryptoProvider, offer: Uint8Array): string {
  const digest = labelled(provider, VERIFICATION_LABEL, offer);
  const n = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  return String(n % 1_000_000).padStart(6, '0');
}
