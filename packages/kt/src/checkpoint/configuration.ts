/**
 * The log's long-term Configuration (draft-ietf-keytrans-protocol, "Tree Head
 * Signature"), which every tree-head signature covers, in its TLS presentation encoding:
 *
 *   ciphersuite(u16) | mode(u8) | signature_public_key<u16> | vrf_public_key<u16>
 *   | [thirdPartyManagement: leaf_public_key<u16>]
 *   | [thirdPartyAuditing: max_auditor_lag(u64) | auditor_start_pos(u64) | auditor_public_key<u16>]
 *   | max_ahead(u64) | max_behind(u64) | reasonable_monitoring_window(u64)
 *   | maximum_lifetime: optional<u64> (presence octet 0/1, then the value)
 *
 * Durations are milliseconds. Integers are big-endian.
 */
import { CheckpointError } from './checkpoint-error.ts';

/** KT_128_SHA256_Ed25519 (draft, "KT Cipher Suites"). */
export const KT_128_SHA256_ED25519 = 0x0002;
/** opaque<0..2^16-1>: the longest key a Configuration can carry. */
const MAX_KEY_LEN = 0xffff;

export type DeploymentMode =
  | { readonly kind: 'contactMonitoring' }
  | { readonly kind: 'thirdPartyManagement'; readonly leafPublicKey: Uint8Array }
  | {
      readonly kind: 'thirdPartyAuditing';
      readonly maxAuditorLag: number;
      readonly auditorStartPos: number;
      readonly auditorPublicKey: Uint8Array;
    };

export interface Configuration {
  readonly ciphersuite: number;
  readonly mode: DeploymentMode;
  readonly signaturePublicKey: Uint8Array;
  readonly vrfPublicKey: Uint8Array;
  readonly maxAhead: number;
  readonly maxBehind: number;
  readonly reasonableMonitoringWindow: number;
  readonly maximumLifetime?: number;
}

/** Appends big-endian integers and length-prefixed vectors. */
export class TlsWriter {
  private readonly parts: Uint8Array[] = [];

  uint(value: number, octets: 1 | 2 | 8, field: string): this {
    const max = octets === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * octets) - 1;
    if (!Number.isSafeInteger(value) || value < 0 || value > max) {
      throw new CheckpointError('invalid-configuration', `${field} must be an integer in 0..${max}`);
    }
    const out = new Uint8Array(octets);
    let v = BigInt(value);
    for (let i = octets - 1; i >= 0; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    this.parts.push(out);
    return this;
  }

  bytes(value: Uint8Array): this {
    this.parts.push(value);
    return this;
  }

  vector16(value: Uint8Array, field: string): this {
    if (value.length > MAX_KEY_LEN) throw new CheckpointError('invalid-configuration', `${field} longer than ${MAX_KEY_LEN} octets`);
    return this.uint(value.length, 2, field).bytes(value);
  }

  finish(): Uint8Array {
    let len = 0;
    for (const p of this.parts) len += p.length;
    const out = new Uint8Array(len);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

const MODE_VALUE = { contactMonitoring: 1, thirdPartyManagement: 2, thirdPartyAuditing: 3 } as const;

/**
 * Writes the Configuration structure into `w`.
 * @throws {CheckpointError} `invalid-configuration` for a field out of its wire range
 *   (uint64 fields are limited to 2^53 - 1, the integers JavaScript holds exactly).
 */
export function writeConfiguration(w: TlsWriter, c: Configuration): TlsWriter {
  w.uint(c.ciphersuite, 2, 'ciphersuite').uint(MODE_VALUE[c.mode.kind], 1, 'mode');
  w.vector16(c.signaturePublicKey, 'signature_public_key').vector16(c.vrfPublicKey, 'vrf_public_key');
  if (c.mode.kind === 'thirdPartyManagement') w.vector16(c.mode.leafPublicKey, 'leaf_public_key');
  if (c.mode.kind === 'thirdPartyAuditing') {
    w.uint(c.mode.maxAuditorLag, 8, 'max_auditor_lag').uint(c.mode.auditorStartPos, 8, 'auditor_start_pos');
    w.vector16(c.mode.auditorPublicKey, 'auditor_public_key');
  }
  w.uint(c.maxAhead, 8, 'max_ahead').uint(c.maxBehind, 8, 'max_behind').uint(c.reasonableMonitoringWindow, 8, 'reasonable_monitoring_window');
  if (c.maximumLifetime === undefined) w.uint(0, 1, 'maximum_lifetime.present');
  else w.uint(1, 1, 'maximum_lifetime.present').uint(c.maximumLifetime, 8, 'maximum_lifetime');
  return w;
}

/** The encoded Configuration. @throws {CheckpointError} as {@link writeConfiguration}. */
export function encodeConfiguration(c: Configuration): Uint8Array {
  return writeConfiguration(new TlsWriter(), c).finish();
}
