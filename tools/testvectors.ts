/**
 * Locates the shared, read-only test vectors (`../shared/testvectors` beside the project
 * root) for tests. A vector suite must never skip silently: if the folder or a file is
 * missing this throws, and the test that asked fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of `../shared/testvectors/<relative>`; throws when it does not exist. */
export function vectorPath(relative: string): string {
  const path = join(projectRoot, '..', 'shared', 'testvectors', relative);
  if (!existsSync(path)) {
    throw new Error(`test vectors missing: ${path} (expected ../shared/testvectors beside the project root)`);
  }
  return path;
}

/** Parses a JSON vector file from `../shared/testvectors/<relative>`. */
export function loadVectors<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(vectorPath(relative), 'utf8')) as T;
}

/** Lowercase hex to bytes; throws on odd length or non-hex characters. */
export function hex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new Error(`bad hex: ${text.slice(0, 20)}`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** Bytes to lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
