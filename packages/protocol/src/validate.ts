/**
 * A few runtime validators for JSON bodies (no schema library: the shapes are small and
 * the rules strict). Unknown keys are rejected, every string and list is bounded before it
 * is decoded, and the error names the field but never echoes its value.
 */
import { base64UrlLength, fromBase64Url, fromHex } from './encoding.ts';

export type ValidationErrorCode = 'bad-request' | 'too-large';

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly code: ValidationErrorCode,
    /** The field path, e.g. `keyPackages[3]`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${code}: ${field}: ${reason}`);
  }
}

export type Json = Readonly<Record<string, unknown>>;

/** A plain JSON object with no keys outside `allowed`. */
export function objectWith(value: unknown, allowed: readonly string[], field = 'body'): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError('bad-request', field, 'not an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new ValidationError('bad-request', field, 'unknown key');
  }
  return value as Json;
}

export function string(obj: Json, key: string, maxLength: number): string {
  const value = obj[key];
  if (typeof value !== 'string') throw new ValidationError('bad-request', key, 'not a string');
  if (value.length > maxLength) throw new ValidationError('too-large', key, `longer than ${maxLength}`);
  return value;
}

export function integer(obj: Json, key: string, min: number, max: number): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ValidationError('bad-request', key, 'not an integer');
  if (value < min || value > max) throw new ValidationError('bad-request', key, `outside ${min}..${max}`);
  return value;
}

/** Decodes a base64url string of `min..max` bytes, checking the text length first. */
export function base64Value(value: unknown, field: string, min: number, max: number): Uint8Array {
  if (typeof value !== 'string') throw new ValidationError('bad-request', field, 'not a string');
  if (value.length > base64UrlLength(max)) throw new ValidationError('too-large', field, `more than ${max} bytes`);
  const bytes = fromBase64Url(value);
  if (bytes === undefined) throw new ValidationError('bad-request', field, 'not canonical base64url');
  if (bytes.length < min || bytes.length > max) throw new ValidationError('bad-request', field, `not ${min}..${max} bytes`);
  return bytes;
}

export function base64(obj: Json, key: string, min: number, max = min): Uint8Array {
  return base64Value(obj[key], key, min, max);
}

/** A lowercase hex id of exactly `length` bytes. */
export function hexValue(value: unknown, field: string, length: number): Uint8Array {
  if (typeof value !== 'string' || value.length !== length * 2) throw new ValidationError('bad-request', field, `not ${length} bytes of hex`);
  const bytes = fromHex(value);
  if (bytes === undefined) throw new ValidationError('bad-request', field, 'not lowercase hex');
  return bytes;
}

/** An array of at most `max` items, each checked by `item`. */
export function list<T>(obj: Json, key: string, min: number, max: number, item: (value: unknown, field: string) => T): T[] {
  const value = obj[key];
  if (!Array.isArray(value)) throw new ValidationError('bad-request', key, 'not an array');
  if (value.length > max) throw new ValidationError('too-large', key, `more than ${max} items`);
  if (value.length < min) throw new ValidationError('bad-request', key, `fewer than ${min} items`);
  return value.map((v, i) => item(v, `${key}[${i}]`));
}

export function has(obj: Json, key: string): boolean {
  return obj[key] !== undefined;
}
