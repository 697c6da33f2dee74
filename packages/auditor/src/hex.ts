/** Lower-case hex for the auditor's JSON state and evidence files (public values only). */
import { AuditError } from './audit-error.ts';

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Strict hex: even length, lower-case digits only, and exactly `length` octets when given.
 * @throws {AuditError} `corrupt-state` (hex only ever comes from our own files or the feed
 *   decoder, which maps it to its own error).
 */
export function fromHex(text: unknown, length?: number): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) throw new AuditError('corrupt-state', 'not lower-case hex');
  if (length !== undefined && text.length !== length * 2) throw new AuditError('corrupt-state', `hex of ${text.length / 2} octets, expected ${length}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
