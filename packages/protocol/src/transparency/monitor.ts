/**
 * POST /v1/kt/monitor (authenticated, own labels only): every version of a label the owner
 * has not verified yet, each with the log entry where it first appeared, so the owner sees
 * every change and when it was made (draft-ietf-keytrans-protocol, "Owner Monitoring";
 * Sealed's shape, see docs/key-transparency.md "Wire contract").
 *
 *   MonitorRequest:    optional<uint64> last | label<0..2^8-1> | optional<uint32> known_version
 *   MonitorResponse:   FullTreeHead full_tree_head
 *                      | greatest_version(u32)
 *                      | BinaryLadderStep binary_ladder<0..2^16-1>
 *                      | SearchProof search
 *                      | MonitoredVersion versions<0..2^32-1>
 *   MonitoredVersion:  vrf_proof[80] | opening[16] | UpdateValue value
 *                      | position(u64) | LogEntryProof inserted | PrefixProof inserted_proof
 *                      | optional<PriorEntry> prior
 *   PriorEntry:        LogEntryProof entry | PrefixProof absent_proof
 *
 * `binary_ladder` + `search` prove `greatest_version` in the latest prefix tree as in
 * SearchResponse, except that every included step carries its commitment (there is no
 * target value). `versions` are known_version+1 (0 when absent) .. greatest_version in
 * ascending order, at most KT_MAX_MONITORED_VERSIONS (the owner asks again for the rest).
 * For each: `inserted` is log entry `position` with its inclusion in the current tree and
 * `inserted_proof` shows the version's search key there (one inclusion result); `prior` is
 * entry position-1 with a proof that the key was absent (absent iff position is 0), which
 * pins the time of the change between the two entries' timestamps.
 */
import { DecodeError } from '../binary/decode-error.ts';
import { KT_MAX_LABEL_BYTES, KT_MAX_MONITORED_VERSIONS, KT_MAX_VALUE_BYTES, KT_OPENING_BYTES, KT_VRF_PROOF_BYTES } from './limits.ts';
import { readLadder, readUpdateValue, writeLadder, writeUpdateValue, type BinaryLadderStep } from './ladder-step.ts';
import { readLogEntryProof, writeLogEntryProof, type LogEntryProof } from './log-entry-proof.ts';
import { readPrefixProof, writePrefixProof, type WirePrefixProof } from './prefix-proof.ts';
import { readSearchProof, writeSearchProof, type SearchProof } from './search.ts';
import { decodeStrict, type TlsReader, TlsWriter } from './tls.ts';
import { readFullTreeHead, writeFullTreeHead, type FullTreeHead } from './tree-head.ts';

export interface MonitorRequest {
  readonly last?: number;
  readonly label: Uint8Array;
  readonly knownVersion?: number;
}

export interface PriorEntry {
  readonly entry: LogEntryProof;
  readonly absentProof: WirePrefixProof;
}

export interface MonitoredVersion {
  readonly vrfProof: Uint8Array;
  readonly opening: Uint8Array;
  readonly value: Uint8Array;
  readonly position: number;
  readonly inserted: LogEntryProof;
  readonly insertedProof: WirePrefixProof;
  readonly prior?: PriorEntry;
}

export interface MonitorResponse {
  readonly fullTreeHead: FullTreeHead;
  readonly greatestVersion: number;
  readonly binaryLadder: readonly BinaryLadderStep[];
  readonly search: SearchProof;
  readonly versions: readonly MonitoredVersion[];
}

function readMonitorRequest(r: TlsReader): MonitorRequest {
  const last = r.optional('MonitorRequest.last', (x) => x.u64('MonitorRequest.last'));
  const label = r.vector(1, KT_MAX_LABEL_BYTES, 'MonitorRequest.label');
  const knownVersion = r.optional('MonitorRequest.known_version', (x) => x.u32('MonitorRequest.known_version'));
  return { ...(last === undefined ? {} : { last }), label, ...(knownVersion === undefined ? {} : { knownVersion }) };
}

export function encodeMonitorRequest(q: MonitorRequest): Uint8Array {
  return new TlsWriter()
    .optional(q.last, (w, v) => w.u64(v))
    .vector(1, q.label)
    .optional(q.knownVersion, (w, v) => w.u32(v))
    .finish();
}

/** @throws {DecodeError} on malformed, oversized, trailing or non-canonical input. */
export function decodeMonitorRequest(bytes: Uint8Array): MonitorRequest {
  return decodeStrict(bytes, 'MonitorRequest', readMonitorRequest, encodeMonitorRequest);
}

function readMonitoredVersion(r: TlsReader): MonitoredVersion {
  const vrfProof = r.fixed(KT_VRF_PROOF_BYTES, 'MonitoredVersion.vrf_proof');
  const opening = r.fixed(KT_OPENING_BYTES, 'MonitoredVersion.opening');
  const value = readUpdateValue(r, 'MonitoredVersion.value');
  const position = r.u64('MonitoredVersion.position');
  const inserted = readLogEntryProof(r);
  const insertedProof = readPrefixProof(r);
  const prior = r.optional('MonitoredVersion.prior', (x) => ({ entry: readLogEntryProof(x), absentProof: readPrefixProof(x) }));
  const base = { vrfProof, opening, value, position, inserted, insertedProof };
  return prior === undefined ? base : { ...base, prior };
}

function writeMonitoredVersion(w: TlsWriter, v: MonitoredVersion): void {
  w.bytes(v.vrfProof).bytes(v.opening);
  writeUpdateValue(w, v.value);
  w.u64(v.position);
  writeLogEntryProof(w, v.inserted);
  writePrefixProof(w, v.insertedProof);
  w.optional(v.prior, (x, p) => {
    writeLogEntryProof(x, p.entry);
    writePrefixProof(x, p.absentProof);
  });
}

/** Octets one MonitoredVersion may take: its value plus two entries and two small proofs. */
const MONITORED_VERSION_MAX_BYTES = KT_MAX_VALUE_BYTES + 64 * 1024;

function readMonitorResponse(r: TlsReader): MonitorResponse {
  const fullTreeHead = readFullTreeHead(r);
  const greatestVersion = r.u32('MonitorResponse.greatest_version');
  const binaryLadder = readLadder(r, 'MonitorResponse.binary_ladder');
  const search = readSearchProof(r);
  const versions = r.structList(4, KT_MAX_MONITORED_VERSIONS * MONITORED_VERSION_MAX_BYTES, KT_MAX_MONITORED_VERSIONS, 'MonitorResponse.versions', readMonitoredVersion);
  for (const v of versions) {
    if ((v.prior === undefined) !== (v.position === 0)) throw new DecodeError('invalid-value', 'MonitoredVersion.prior must be present iff position > 0');
  }
  return { fullTreeHead, greatestVersion, binaryLadder, search, versions };
}

export function encodeMonitorResponse(m: MonitorResponse): Uint8Array {
  const w = new TlsWriter();
  writeFullTreeHead(w, m.fullTreeHead);
  w.u32(m.greatestVersion);
  writeLadder(w, m.binaryLadder);
  writeSearchProof(w, m.search);
  w.nested(4, (inner) => {
    for (const v of m.versions) writeMonitoredVersion(inner, v);
  });
  return w.finish();
}

/** @throws {DecodeError} on malformed, oversized, trailing or non-canonical input. */
export function decodeMonitorResponse(bytes: Uint8Array): MonitorResponse {
  return decodeStrict(bytes, 'MonitorResponse', readMonitorResponse, encodeMonitorResponse);
}
