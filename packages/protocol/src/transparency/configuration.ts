/**
 * The log's Configuration on the wire (draft-ietf-keytrans-protocol, "Tree Head
 * Signature"), served by GET /v1/kt/config so a client or auditor can compare it with what
 * it pinned. Same octets as @sealed/kt's encodeConfiguration:
 *
 *   ciphersuite(u16) | mode(u8) | signature_public_key<u16> | vrf_public_key<u16>
 *   | [mode 2: leaf_public_key<u16>]
 *   | [mode 3: max_auditor_lag(u64) | auditor_start_pos(u64) | auditor_public_key<u16>]
 *   | max_ahead(u64) | max_behind(u64) | reasonable_monitoring_window(u64)
 *   | maximum_lifetime: optional<u64>
 *
 * Sealed extension: in thirdPartyAuditing mode `auditor_public_key` is the concatenation of
 * 1..KT_MAX_AUDITORS Ed25519 keys (32 octets each), strictly ascending; every auditor signs
 * AuditorTreeHeadTBS over this same Configuration.
 */
import { DecodeError } from '../binary/decode-error.ts';
import { KT_MAX_AUDITORS, KT_MAX_CONFIGURATION_BYTES, KT_PUBLIC_KEY_BYTES } from './limits.ts';
import { decodeStrict, type TlsReader, TlsWriter } from './tls.ts';

export type WireDeploymentMode =
  | { readonly kind: 'contactMonitoring' }
  | { readonly kind: 'thirdPartyManagement'; readonly leafPublicKey: Uint8Array }
  | { readonly kind: 'thirdPartyAuditing'; readonly maxAuditorLag: number; readonly auditorStartPos: number; readonly auditorPublicKey: Uint8Array };

export interface WireConfiguration {
  readonly ciphersuite: number;
  readonly mode: WireDeploymentMode;
  readonly signaturePublicKey: Uint8Array;
  readonly vrfPublicKey: Uint8Array;
  readonly maxAhead: number;
  readonly maxBehind: number;
  readonly reasonableMonitoringWindow: number;
  readonly maximumLifetime?: number;
}

function key(r: TlsReader, what: string): Uint8Array {
  const k = r.vector(2, KT_PUBLIC_KEY_BYTES, what);
  if (k.length !== KT_PUBLIC_KEY_BYTES) throw new DecodeError('invalid-value', `${what}: ${k.length} octets`);
  return k;
}

/** Splits the Sealed multi-auditor field into keys (checked ascending, distinct). */
export function auditorKeys(field: Uint8Array): Uint8Array[] {
  if (field.length === 0 || field.length % KT_PUBLIC_KEY_BYTES !== 0 || field.length / KT_PUBLIC_KEY_BYTES > KT_MAX_AUDITORS) {
    throw new DecodeError('invalid-value', `auditor_public_key: ${field.length} octets is not 1..${KT_MAX_AUDITORS} keys`);
  }
  const keys: Uint8Array[] = [];
  for (let off = 0; off < field.length; off += KT_PUBLIC_KEY_BYTES) keys.push(field.subarray(off, off + KT_PUBLIC_KEY_BYTES));
  for (let i = 1; i < keys.length; i++) {
    const a = keys[i - 1]!;
    const b = keys[i]!;
    let c = 0;
    for (let j = 0; j < KT_PUBLIC_KEY_BYTES && c === 0; j++) c = a[j]! - b[j]!;
    if (c >= 0) throw new DecodeError('invalid-value', 'auditor_public_key: keys not strictly ascending');
  }
  return keys;
}

export function readConfiguration(r: TlsReader): WireConfiguration {
  const ciphersuite = r.u16('Configuration.ciphersuite');
  const modeValue = r.u8('Configuration.mode');
  const signaturePublicKey = key(r, 'Configuration.signature_public_key');
  const vrfPublicKey = key(r, 'Configuration.vrf_public_key');
  let mode: WireDeploymentMode;
  if (modeValue === 1) mode = { kind: 'contactMonitoring' };
  else if (modeValue === 2) mode = { kind: 'thirdPartyManagement', leafPublicKey: key(r, 'Configuration.leaf_public_key') };
  else if (modeValue === 3) {
    const maxAuditorLag = r.u64('Configuration.max_auditor_lag');
    const auditorStartPos = r.u64('Configuration.auditor_start_pos');
    const auditorPublicKey = r.vector(2, KT_MAX_AUDITORS * KT_PUBLIC_KEY_BYTES, 'Configuration.auditor_public_key');
    auditorKeys(auditorPublicKey);
    mode = { kind: 'thirdPartyAuditing', maxAuditorLag, auditorStartPos, auditorPublicKey };
  } else throw new DecodeError('invalid-value', `Configuration.mode ${modeValue}`);
  const maxAhead = r.u64('Configuration.max_ahead');
  const maxBehind = r.u64('Configuration.max_behind');
  const reasonableMonitoringWindow = r.u64('Configuration.reasonable_monitoring_window');
  const maximumLifetime = r.optional('Configuration.maximum_lifetime', (x) => x.u64('Configuration.maximum_lifetime'));
  const base = { ciphersuite, mode, signaturePublicKey, vrfPublicKey, maxAhead, maxBehind, reasonableMonitoringWindow };
  return maximumLifetime === undefined ? base : { ...base, maximumLifetime };
}

export function writeConfiguration(w: TlsWriter, c: WireConfiguration): void {
  w.u16(c.ciphersuite).u8(c.mode.kind === 'contactMonitoring' ? 1 : c.mode.kind === 'thirdPartyManagement' ? 2 : 3);
  w.vector(2, c.signaturePublicKey).vector(2, c.vrfPublicKey);
  if (c.mode.kind === 'thirdPartyManagement') w.vector(2, c.mode.leafPublicKey);
  if (c.mode.kind === 'thirdPartyAuditing') w.u64(c.mode.maxAuditorLag).u64(c.mode.auditorStartPos).vector(2, c.mode.auditorPublicKey);
  w.u64(c.maxAhead).u64(c.maxBehind).u64(c.reasonableMonitoringWindow);
  w.optional(c.maximumLifetime, (x, v) => x.u64(v));
}

export function encodeConfigurationWire(c: WireConfiguration): Uint8Array {
  const w = new TlsWriter();
  writeConfiguration(w, c);
  return w.finish();
}

/** @throws {DecodeError} on any malformed, oversized or non-canonical input. */
export function decodeConfigurationWire(bytes: Uint8Array): WireConfiguration {
  if (bytes.length > KT_MAX_CONFIGURATION_BYTES) throw new DecodeError('too-large', `Configuration ${bytes.length} > ${KT_MAX_CONFIGURATION_BYTES} octets`);
  return decodeStrict(bytes, 'Configuration', readConfiguration, encodeConfigurationWire);
}
