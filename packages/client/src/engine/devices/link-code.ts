/**
 * The code a new device shows (as text and as a QR code) and the existing device reads:
 * the mailbox's link id and a commitment to the new device's offer (link-offer.ts), so the
 * offer the relay hands over can be checked byte for byte; and a 6-digit verification code
 * both devices display so the user sees they linked the device in their hand.
 *
 *   code bytes = version u8 (=1) | linkId[16] | commitment[16]
 *   text       = Crockford base32 (RFC 4648 alphabet variant without I, L, O, U), groups
 *                of 5 joined by '-'; decoding ignores case, spaces and '-', and reads
 *                I/L as 1 and O as 0 (typing errors a person makes).
 *
 * The commitment is 128 bits of SHA-256: a relay that wants to substitute its own offer
 * must find a second preimage, which is out of reach, so the code alone authenticates the
 * offer; no secret is in the code.
 */
import { ID_BYTES } from '@sealed/protocol/limits';
import { EngineError } from '../errors.ts';

export const LINK_CODE_VERSION = 1;
export const LINK_COMMITMENT_BYTES = 16;
const CODE_BYTES = 1 + ID_BYTES + LINK_COMMITMENT_BYTES;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Longest text accepted before decoding (53 symbols, 10 separators, room for spaces). */
const MAX_CODE_TEXT = 128;

export interface LinkCode {
  readonly linkId: Uint8Array;
  readonly commitment: Uint8Array;
}

export function encodeLinkCode(code: LinkCode): string {
  const bytes = new Uint8Array(CODE_BYTES);
  bytes[0] = LINK_CODE_VERSION;
  bytes.set(code.linkId, 1);
  bytes.set(code.commitment, 1 + ID_BYTES);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(value >> bits) & 31]!;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]!;
  return out.match(/.{1,5}/g)!.join('-');
}

function symbol(char: string): number {
  const c = char === 'I' || char === 'L' ? '1' : char === 'O' ? '0' : char;
  return ALPHABET.indexOf(c);
}

/**
 * @throws EngineError('invalid-link-code') for text that is not a link code of this version
 *   (a typo usually lands here or on an unknown link: `link-expired`)
 */
export function decodeLinkCode(text: string): LinkCode {
  if (text.length > MAX_CODE_TEXT) throw new EngineError('invalid-link-code', 'too long');
  const clean = text.toUpperCase().replace(/[\s-]/g, '');
  const symbols = Math.ceil((CODE_BYTES * 8) / 5);
  if (clean.length !== symbols) throw new EngineError('invalid-link-code', `${clean.length} symbols, expected ${symbols}`);
  const bytes = new Uint8Array(CODE_BYTES);
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const char of clean) {
    const digit = symbol(char);
    if (digit < 0) throw new EngineError('invalid-link-code', 'not a link code character');
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (value >> bits) & 0xff;
    }
  }
  if ((value & ((1 << bits) - 1)) !== 0) throw new EngineError('invalid-link-code', 'trailing bits');
  if (bytes[0] !== LINK_CODE_VERSION) throw new EngineError('invalid-link-code', `version ${bytes[0]}`);
  return { linkId: bytes.slice(1, 1 + ID_BYTES), commitment: bytes.slice(1 + ID_BYTES) };
}
