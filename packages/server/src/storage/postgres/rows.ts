/** Helpers shared by the PostgreSQL stores: bytes out of `pg`, constraint errors to StorageError. */
import { StorageError } from '../errors.ts';
import { hasSqlState } from './pool.ts';

/** SQLSTATE of unique_violation (also raised for primary keys). */
export const UNIQUE_VIOLATION = '23505';

/** `pg` returns bytea as a Buffer; callers get a plain Uint8Array over the same memory. */
export function bytes(value: unknown): Uint8Array {
  const buf = value as Uint8Array;
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Runs `fn`, turning a unique / primary key violation into StorageError('conflict', what). */
export async function mapConstraint<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (hasSqlState(error, UNIQUE_VIOLATION)) throw new StorageError('conflict', what);
    throw error;
  }
}
