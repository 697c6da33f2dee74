/**
 * Byte helpers shared by both providers and by the code above them: argument asserts that
 * name the parameter, concatenation, and a constant-time comparison written in portable
 * TypeScript (no node:*; the browser provider uses it as is).
 *
 * Every assert throws `CryptoError`; messages name the parameter and the lengths involved,
 * never the bytes.
 */
import { CryptoError } from './errors.ts';

/**
 * Asserts that `value` is a `Uint8Array` (a Node `Buffer` is one too) and, when `length` is
 * given, that it has exactly that many bytes.
 * @throws CryptoError('invalid-length') when it is not a Uint8Array or has another length.
 */
export function abytes(value: unknown, length: number | undefined, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new CryptoError('invalid-length', `${name}: expected Uint8Array`);
  }
  if (length !== undefined && value.length !== length) {
    throw new CryptoError('invalid-length', `${name}: expected ${length} bytes, got ${value.length}`);
  }
}

/**
 * Asserts that `value` is an integer in [min, max].
 * @throws CryptoError('invalid-length') otherwise.
 */
export function anumber(value: unknown, min: number, max: number, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new CryptoError('invalid-length', `${name}: expected an integer in [${min}, ${max}]`);
  }
}

/** A fresh array holding `parts` one after the other. Inputs are not retained. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * True when `a` and `b` hold the same bytes. Unequal lengths return false at once (lengths
 * are public in every use we have); for equal lengths the loop touches every byte and has no
 * data-dependent branch, so its time does not depend on where the arrays differ. This is
 * the best plain JavaScript offers: the JIT gives no formal constant-time guarantee, which
 * is why the Node provider uses `crypto.timingSafeEqual` instead.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  abytes(a, undefined, 'a');
  abytes(b, undefined, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** True when every byte of `bytes` is zero, without an early exit. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i] as number;
  return acc === 0;
}
