/**
 * Lifetime (RFC 9420 §7.2): `struct { uint64 not_before; uint64 not_after; } Lifetime;`
 * Seconds since the Unix epoch. Whether now lies inside it is checked by validation, not here.
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';

/** Lifetime (RFC 9420 §7.2). */
export interface Lifetime {
  readonly notBefore: bigint;
  readonly notAfter: bigint;
}

/** @throws RangeError when a field is outside uint64 */
export function encodeLifetime(writer: Writer, value: Lifetime): void {
  writer.uint64(value.notBefore).uint64(value.notAfter);
}

/** @throws DecodeError('truncated') */
export function decodeLifetime(reader: Reader): Lifetime {
  const notBefore = reader.uint64('Lifetime.not_before');
  const notAfter = reader.uint64('Lifetime.not_after');
  return { notBefore, notAfter };
}
