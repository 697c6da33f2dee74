/**
 * The audit feed and auditor countersignatures (draft-ietf-keytrans-protocol, "Third
 * Parties" / "Auditing"; Sealed's shapes):
 *
 *   GET  /v1/kt/audit?start=<position>   -> AuditPage        (public)
 *   POST /v1/kt/countersignatures        AuditorTreeHead    -> 204 (signed, no session)
 *
 *   AuditPage:    tree_size(u64) | AuditEpoch epochs<0..2^32-1>
 *   AuditEpoch:   position(u64) | timestamp(u64) | prefix_root[32]
 *                 | signature<0..2^16-1>            TreeHead signature for tree_size position+1
 *                 | AuditInsert inserts<0..2^32-1>
 *   AuditInsert:  vrf_output[32] | commitment[32]
 *
 * `tree_size` is the number of log entries the server has published (countersigned or not).
 * `epochs` are consecutive from `start`, at most KT_MAX_AUDIT_PAGE_EPOCHS, and hold in all at
 * most KT_MAX_INSERTS_PER_EPOCH inserts (a page always holds at least one epoch when
 * start < tree_size). An auditor rebuilds the prefix tree by inserting each epoch's keys
 * into the previous epoch's tree (an insert of an existing key is a violation), compares
 * the root with `prefix_root`, appends the RFC 9162 leaf of (timestamp, prefix_root) to its
 * log, checks the signature and that timestamps never decrease, then countersigns
 * AuditorTreeHeadTBS (config, timestamp, position+1, root) and POSTs the AuditorTreeHead
 * (tree-head.ts) whose key is one of the Configuration's auditor keys.
 */
import { DecodeError } from '../binary/decode-error.ts';
import { KT_HASH_BYTES, KT_MAX_AUDIT_PAGE_EPOCHS, KT_MAX_INSERTS_PER_EPOCH, KT_SIGNATURE_BYTES, KT_VRF_OUTPUT_BYTES } from './limits.ts';
import { decodeStrict, type TlsReader, TlsWriter } from './tls.ts';
import { readAuditorTreeHead, writeAuditorTreeHead, type AuditorTreeHead } from './tree-head.ts';

export interface AuditInsert {
  readonly vrfOutput: Uint8Array;
  readonly commitment: Uint8Array;
}

export interface AuditEpoch {
  readonly position: number;
  readonly timestamp: number;
  readonly prefixRoot: Uint8Array;
  readonly signature: Uint8Array;
  readonly inserts: readonly AuditInsert[];
}

export interface AuditPage {
  readonly treeSize: number;
  readonly epochs: readonly AuditEpoch[];
}

const INSERT_BYTES = KT_VRF_OUTPUT_BYTES + KT_HASH_BYTES;
const EPOCH_FIXED_BYTES = 8 + 8 + KT_HASH_BYTES + 2 + KT_SIGNATURE_BYTES + 4;
/** The largest page: every epoch's fixed part plus the insert budget. */
export const KT_MAX_AUDIT_PAGE_BYTES = 8 + 4 + KT_MAX_AUDIT_PAGE_EPOCHS * EPOCH_FIXED_BYTES + KT_MAX_INSERTS_PER_EPOCH * INSERT_BYTES;

function readEpoch(r: TlsReader): AuditEpoch {
  const position = r.u64('AuditEpoch.position');
  const timestamp = r.u64('AuditEpoch.timestamp');
  const prefixRoot = r.fixed(KT_HASH_BYTES, 'AuditEpoch.prefix_root');
  const signature = r.vector(2, KT_SIGNATURE_BYTES, 'AuditEpoch.signature');
  if (signature.length !== KT_SIGNATURE_BYTES) throw new DecodeError('invalid-value', 'AuditEpoch.signature length');
  const raw = r.fixedList(4, INSERT_BYTES, KT_MAX_INSERTS_PER_EPOCH, 'AuditEpoch.inserts');
  const inserts = raw.map((b) => ({ vrfOutput: b.subarray(0, KT_VRF_OUTPUT_BYTES), commitment: b.subarray(KT_VRF_OUTPUT_BYTES) }));
  return { position, timestamp, prefixRoot, signature, inserts };
}

function readAuditPage(r: TlsReader): AuditPage {
  const treeSize = r.u64('AuditPage.tree_size');
  const epochs = r.structList(4, KT_MAX_AUDIT_PAGE_BYTES, KT_MAX_AUDIT_PAGE_EPOCHS, 'AuditPage.epochs', readEpoch);
  let total = 0;
  for (let i = 0; i < epochs.length; i++) {
    const e = epochs[i]!;
    total += e.inserts.length;
    if (i > 0 && e.position !== epochs[i - 1]!.position + 1) throw new DecodeError('invalid-value', 'AuditPage.epochs not consecutive');
    if (e.position >= treeSize) throw new DecodeError('invalid-value', 'AuditEpoch.position beyond tree_size');
  }
  if (total > KT_MAX_INSERTS_PER_EPOCH) throw new DecodeError('too-large', `AuditPage holds ${total} inserts > ${KT_MAX_INSERTS_PER_EPOCH}`);
  return { treeSize, epochs };
}

export function encodeAuditPage(p: AuditPage): Uint8Array {
  const w = new TlsWriter().u64(p.treeSize);
  w.nested(4, (outer) => {
    for (const e of p.epochs) {
      outer.u64(e.position).u64(e.timestamp).bytes(e.prefixRoot).vector(2, e.signature);
      outer.nested(4, (inner) => {
        for (const i of e.inserts) inner.bytes(i.vrfOutput).bytes(i.commitment);
      });
    }
  });
  return w.finish();
}

/** @throws {DecodeError} on malformed, oversized, trailing or non-canonical input. */
export function decodeAuditPage(bytes: Uint8Array): AuditPage {
  if (bytes.length > KT_MAX_AUDIT_PAGE_BYTES) throw new DecodeError('too-large', `AuditPage ${bytes.length} octets`);
  return decodeStrict(bytes, 'AuditPage', readAuditPage, encodeAuditPage);
}

export function encodeAuditorTreeHead(h: AuditorTreeHead): Uint8Array {
  const w = new TlsWriter();
  writeAuditorTreeHead(w, h);
  return w.finish();
}

/** The countersignature body. @throws {DecodeError} on malformed or trailing input. */
export function decodeAuditorTreeHead(bytes: Uint8Array): AuditorTreeHead {
  return decodeStrict(bytes, 'AuditorTreeHead', readAuditorTreeHead, encodeAuditorTreeHead);
}
