/**
 * Capabilities (RFC 9420 §7.2).
 *
 *   struct {
 *       ProtocolVersion versions<V>;
 *       CipherSuite cipher_suites<V>;
 *       ExtensionType extensions<V>;
 *       ProposalType proposals<V>;
 *       CredentialType credentials<V>;
 *   } Capabilities;
 *
 * Every list holds raw uint16 code points: unknown and GREASE values (§13.5) are legal and
 * round-trip unchanged.
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { MAX_CAPABILITY_ENTRIES } from './limits.ts';

/** Capabilities (RFC 9420 §7.2). */
export interface Capabilities {
  readonly versions: readonly number[];
  readonly cipherSuites: readonly number[];
  readonly extensions: readonly number[];
  readonly proposals: readonly number[];
  readonly credentials: readonly number[];
}

/** Writes `uint16 values<V>`. */
export function encodeUint16List(writer: Writer, values: readonly number[]): void {
  writer.vector(values, (w, value) => w.uint16(value));
}

/**
 * Reads `uint16 values<V>` of at most MAX_CAPABILITY_ENTRIES entries.
 * @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes')
 */
export function decodeUint16List(reader: Reader, what: string): number[] {
  return reader.vector((r) => r.uint16(what), what, MAX_CAPABILITY_ENTRIES, 2 * MAX_CAPABILITY_ENTRIES);
}

/**
 * Writes Capabilities (RFC 9420 §7.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeCapabilities(writer: Writer, value: Capabilities): void {
  encodeUint16List(writer, value.versions);
  encodeUint16List(writer, value.cipherSuites);
  encodeUint16List(writer, value.extensions);
  encodeUint16List(writer, value.proposals);
  encodeUint16List(writer, value.credentials);
}

/** @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes') */
export function decodeCapabilities(reader: Reader): Capabilities {
  const versions = decodeUint16List(reader, 'Capabilities.versions');
  const cipherSuites = decodeUint16List(reader, 'Capabilities.cipher_suites');
  const extensions = decodeUint16List(reader, 'Capabilities.extensions');
  const proposals = decodeUint16List(reader, 'Capabilities.proposals');
  const credentials = decodeUint16List(reader, 'Capabilities.credentials');
  return { versions, cipherSuites, extensions, proposals, credentials };
}
