/**
 * One line of the auditor's journal (journal.ts) and of evidence files: an EpochUpdate as
 * JSON with hex fields. The journal keeps the whole update, the log's signature included,
 * so that a replay re-checks everything and an evidence file can show what the log signed.
 *
 *   {"v":1,"treeSize":n,"timestamp":ms,"added":[[vrfOutputHex,commitmentHex],...],
 *    "removed":[...],"prefixRoot":hex,"logSignature":hex[,"logRoot":hex]}
 *
 * `logRoot` is the root the auditor computed (journal lines carry it; replay recomputes
 * and compares it).
 */
import { AuditError } from './audit-error.ts';
import { type EpochUpdate, MAX_LEAVES_PER_EPOCH, type PrefixLeaf } from './epoch-update.ts';
import { fromHex, toHex } from './hex.ts';

export const UPDATE_RECORD_VERSION = 1;
/** The longest journal line: MAX_LEAVES_PER_EPOCH leaves of 2 x 64 hex digits, plus room. */
export const MAX_RECORD_CHARS = MAX_LEAVES_PER_EPOCH * 136 + 4096;

export interface UpdateRecordJson {
  v: number;
  treeSize: number;
  timestamp: number;
  added: [string, string][];
  removed: [string, string][];
  prefixRoot: string;
  logSignature: string;
  logRoot?: string;
}

const leafJson = (l: PrefixLeaf): [string, string] => [toHex(l.vrfOutput), toHex(l.commitment)];

export function updateToJson(u: EpochUpdate, logRoot?: Uint8Array): UpdateRecordJson {
  const json: UpdateRecordJson = {
    v: UPDATE_RECORD_VERSION,
    treeSize: u.treeSize,
    timestamp: u.timestamp,
    added: u.added.map(leafJson),
    removed: u.removed.map(leafJson),
    prefixRoot: toHex(u.prefixRoot),
    logSignature: toHex(u.logSignature),
  };
  if (logRoot !== undefined) json.logRoot = toHex(logRoot);
  return json;
}

function leaves(value: unknown): PrefixLeaf[] {
  if (!Array.isArray(value) || value.length > MAX_LEAVES_PER_EPOCH) throw new AuditError('corrupt-state', 'leaf list missing or too long');
  return value.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new AuditError('corrupt-state', 'a leaf is not a pair');
    return { vrfOutput: fromHex(pair[0], 32), commitment: fromHex(pair[1], 32) };
  });
}

/**
 * Parses one journal line.
 * @throws {AuditError} `corrupt-state` for anything but a well-formed version-1 record.
 */
export function updateFromJson(line: string): { update: EpochUpdate; logRoot?: Uint8Array } {
  if (line.length > MAX_RECORD_CHARS) throw new AuditError('corrupt-state', `record of ${line.length} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new AuditError('corrupt-state', 'record is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new AuditError('corrupt-state', 'record is not an object');
  const r = raw as Record<string, unknown>;
  if (r.v !== UPDATE_RECORD_VERSION) throw new AuditError('corrupt-state', `unknown record version ${String(r.v)}`);
  if (!Number.isSafeInteger(r.treeSize) || !Number.isSafeInteger(r.timestamp)) throw new AuditError('corrupt-state', 'size or timestamp not an integer');
  const update: EpochUpdate = {
    treeSize: r.treeSize as number,
    timestamp: r.timestamp as number,
    added: leaves(r.added),
    removed: leaves(r.removed),
    prefixRoot: fromHex(r.prefixRoot, 32),
    logSignature: fromHex(r.logSignature, 64),
  };
  return r.logRoot === undefined ? { update } : { update, logRoot: fromHex(r.logRoot, 32) };
}
