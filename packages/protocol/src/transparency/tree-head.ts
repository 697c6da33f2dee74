/**
 * Signed tree heads on the wire (draft-ietf-keytrans-protocol, "Tree Head Signature",
 * "Auditor Tree Head Signature", "Full Tree Head Verification"):
 *
 *   TreeHead:         tree_size(u64) | signature<0..2^16-1>            (64 octets, Ed25519)
 *   AuditorTreeHead:  auditor_public_key[32] | timestamp(u64) | tree_size(u64)
 *                     | signature<0..2^16-1>                            (64 octets, Ed25519)
 *   FullTreeHead:     head_type(u8: same=1, updated=2)
 *                     | [updated: TreeHead | AuditorTreeHead auditor_tree_heads<0..2^16-1>]
 *
 * Sealed extension: several auditors. The draft's AuditorTreeHead has no key field and its
 * FullTreeHead holds one; Sealed names the signing auditor by its Ed25519 key and lists up
 * to KT_MAX_AUDITORS of them (the Configuration's auditor_public_key holds the concatenated
 * keys, see configuration.ts). The list is sorted by key, without duplicates.
 */
import { DecodeError } from '../binary/decode-error.ts';
import { KT_MAX_AUDITORS, KT_PUBLIC_KEY_BYTES, KT_SIGNATURE_BYTES } from './limits.ts';
import type { TlsReader, TlsWriter } from './tls.ts';

export interface TreeHead {
  readonly treeSize: number;
  readonly signature: Uint8Array;
}

export interface AuditorTreeHead {
  readonly auditorPublicKey: Uint8Array;
  /** Timestamp (ms) of the log entry at tree_size - 1, which the auditor checked. */
  readonly timestamp: number;
  readonly treeSize: number;
  readonly signature: Uint8Array;
}

export type FullTreeHead =
  | { readonly headType: 'same' }
  | { readonly headType: 'updated'; readonly treeHead: TreeHead; readonly auditorTreeHeads: readonly AuditorTreeHead[] };

function readSignature(r: TlsReader, what: string): Uint8Array {
  const sig = r.vector(2, KT_SIGNATURE_BYTES, what);
  if (sig.length !== KT_SIGNATURE_BYTES) throw new DecodeError('invalid-value', `${what}: ${sig.length} octets, expected ${KT_SIGNATURE_BYTES}`);
  return sig;
}

function checkSafe(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new DecodeError('invalid-value', `${what} must be a safe non-negative integer`);
}

export function readTreeHead(r: TlsReader): TreeHead {
  const treeSize = r.u64('TreeHead.tree_size');
  return { treeSize, signature: readSignature(r, 'TreeHead.signature') };
}

export function writeTreeHead(w: TlsWriter, h: TreeHead): void {
  checkSafe(h.treeSize, 'TreeHead.tree_size');
  w.u64(h.treeSize).vector(2, h.signature);
}

export function readAuditorTreeHead(r: TlsReader): AuditorTreeHead {
  const auditorPublicKey = r.fixed(KT_PUBLIC_KEY_BYTES, 'AuditorTreeHead.auditor_public_key');
  const timestamp = r.u64('AuditorTreeHead.timestamp');
  const treeSize = r.u64('AuditorTreeHead.tree_size');
  return { auditorPublicKey, timestamp, treeSize, signature: readSignature(r, 'AuditorTreeHead.signature') };
}

export function writeAuditorTreeHead(w: TlsWriter, h: AuditorTreeHead): void {
  checkSafe(h.timestamp, 'AuditorTreeHead.timestamp');
  checkSafe(h.treeSize, 'AuditorTreeHead.tree_size');
  w.bytes(h.auditorPublicKey).u64(h.timestamp).u64(h.treeSize).vector(2, h.signature);
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const AUDITOR_TREE_HEAD_MAX_BYTES = KT_PUBLIC_KEY_BYTES + 8 + 8 + 2 + KT_SIGNATURE_BYTES;

export function readFullTreeHead(r: TlsReader): FullTreeHead {
  const type = r.u8('FullTreeHead.head_type');
  if (type === 1) return { headType: 'same' };
  if (type !== 2) throw new DecodeError('invalid-value', `FullTreeHead.head_type ${type}`);
  const treeHead = readTreeHead(r);
  const auditorTreeHeads = r.structList(2, KT_MAX_AUDITORS * AUDITOR_TREE_HEAD_MAX_BYTES, KT_MAX_AUDITORS, 'FullTreeHead.auditor_tree_heads', readAuditorTreeHead);
  for (let i = 1; i < auditorTreeHeads.length; i++) {
    if (compareKeys(auditorTreeHeads[i - 1]!.auditorPublicKey, auditorTreeHeads[i]!.auditorPublicKey) >= 0) {
      throw new DecodeError('invalid-value', 'FullTreeHead.auditor_tree_heads not strictly ascending by key');
    }
  }
  return { headType: 'updated', treeHead, auditorTreeHeads };
}

export function writeFullTreeHead(w: TlsWriter, h: FullTreeHead): void {
  if (h.headType === 'same') {
    w.u8(1);
    return;
  }
  w.u8(2);
  writeTreeHead(w, h.treeHead);
  const sorted = [...h.auditorTreeHeads].sort((a, b) => compareKeys(a.auditorPublicKey, b.auditorPublicKey));
  w.nested(2, (inner) => {
    for (const a of sorted) writeAuditorTreeHead(inner, a);
  });
}
