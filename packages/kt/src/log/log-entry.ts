/**
 * The log tree's entry (draft-ietf-keytrans-protocol, "Log Tree"): each epoch appends one
 * entry committing to the time and the prefix-tree root of that epoch.
 *
 *   LogEntry:  timestamp (uint64 BE, ms since the Unix epoch) | prefix_tree[32]
 *
 * The leaf is hashed as RFC 9162 §2.1.1 says (HASH(0x00 || LogEntry), see merkle-hash.ts),
 * as the Sealed issue requires; note the draft's own log tree hashes leaves as
 * Hash(LogEntry) and prefixes 0x00/0x01 only when combining, so roots differ from it.
 */
import { LogError } from './log-error.ts';
import { HASH_LEN, leafHash } from './merkle-hash.ts';

/** Octets of an encoded LogEntry. */
export const LOG_ENTRY_LEN = 8 + HASH_LEN;

export interface LogEntry {
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** Root value of the prefix tree after the epoch's changes. */
  readonly prefixTreeRoot: Uint8Array;
}

/**
 * Encodes a LogEntry.
 * @throws {LogError} `invalid-size` for a timestamp that is not a safe non-negative
 *   integer, `invalid-hash-length` for a root that is not 32 octets.
 */
export function encodeLogEntry(entry: LogEntry): Uint8Array {
  if (!Number.isSafeInteger(entry.timestamp) || entry.timestamp < 0) throw new LogError('invalid-size', 'timestamp must be a safe non-negative integer');
  if (entry.prefixTreeRoot.length !== HASH_LEN) throw new LogError('invalid-hash-length', `prefix_tree must be ${HASH_LEN} octets`);
  const out = new Uint8Array(LOG_ENTRY_LEN);
  new DataView(out.buffer).setBigUint64(0, BigInt(entry.timestamp), false);
  out.set(entry.prefixTreeRoot, 8);
  return out;
}

/**
 * Decodes a LogEntry: exactly {@link LOG_ENTRY_LEN} octets, timestamp below 2^53.
 * @throws {LogError} `invalid-entry-length` for any other length, `invalid-size` for a
 *   timestamp JavaScript cannot hold exactly.
 */
export function decodeLogEntry(bytes: Uint8Array): LogEntry {
  if (bytes.length !== LOG_ENTRY_LEN) throw new LogError('invalid-entry-length', `LogEntry must be ${LOG_ENTRY_LEN} octets, got ${bytes.length}`);
  const ts = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, false);
  if (ts > BigInt(Number.MAX_SAFE_INTEGER)) throw new LogError('invalid-size', 'timestamp above 2^53 - 1');
  return { timestamp: Number(ts), prefixTreeRoot: bytes.slice(8) };
}

/** The RFC 9162 leaf hash of a LogEntry. @throws {LogError} as {@link encodeLogEntry}. */
export function logEntryLeafHash(entry: LogEntry): Uint8Array {
  return leafHash(encodeLogEntry(entry));
}
