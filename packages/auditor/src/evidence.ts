/**
 * What the auditor leaves behind when it stops: a JSON file naming the failed check and
 * holding what the log signed, so that anyone can verify the misbehaviour with the log's
 * public key alone. For a fork: the two heads of one size, both carrying the log's
 * signature (the first with the root the auditor computed; the second's root needs the
 * rest of the other view, so it is given as its entry). For a bad entry: the log's update
 * (with its signature) that failed, and the last head the auditor accepted.
 *
 * While an evidence file exists the auditor refuses to start: a human must look first.
 */
import { closeSync, fsyncSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditErrorCode } from './audit-error.ts';
import type { EpochUpdate } from './epoch-update.ts';
import { toHex } from './hex.ts';
import { fsyncDir, type LogSignedHead } from './journal.ts';
import { updateToJson, type UpdateRecordJson } from './update-record.ts';

export const EVIDENCE_PREFIX = 'evidence-';

export interface Evidence {
  readonly code: AuditErrorCode;
  readonly detail: string;
  /** The update that failed its check, as served. */
  readonly update?: EpochUpdate;
  /** For a fork: the head the auditor accepted and countersigned, then the conflicting one. */
  readonly heads?: readonly LogSignedHead[];
  /** The last head the auditor accepted before the failure. */
  readonly lastAccepted?: LogSignedHead;
}

export interface EvidenceJson {
  v: 1;
  code: AuditErrorCode;
  detail: string;
  detectedAt: string;
  update?: UpdateRecordJson;
  heads?: HeadJson[];
  lastAccepted?: HeadJson;
}

interface HeadJson {
  treeSize: number;
  timestamp: number;
  prefixRoot: string;
  root?: string;
  signature: string;
}

function headJson(h: LogSignedHead): HeadJson {
  const json: HeadJson = { treeSize: h.treeSize, timestamp: h.timestamp, prefixRoot: toHex(h.prefixRoot), signature: toHex(h.signature) };
  if (h.root !== undefined) json.root = toHex(h.root);
  return json;
}

/** Writes `evidence` to a new file in `dir`, fsync'd; returns its path. */
export function writeEvidence(dir: string, evidence: Evidence, now: Date): string {
  const body: EvidenceJson = {
    v: 1,
    code: evidence.code,
    detail: evidence.detail,
    detectedAt: now.toISOString(),
    ...(evidence.update !== undefined ? { update: updateToJson(evidence.update) } : {}),
    ...(evidence.heads !== undefined ? { heads: evidence.heads.map(headJson) } : {}),
    ...(evidence.lastAccepted !== undefined ? { lastAccepted: headJson(evidence.lastAccepted) } : {}),
  };
  const path = join(dir, `${EVIDENCE_PREFIX}${now.toISOString().replace(/[:.]/g, '-')}-${evidence.code}.json`);
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncDir(dir);
  return path;
}

/** Evidence files already in `dir` (the auditor does not start while there is one). */
export function existingEvidence(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(EVIDENCE_PREFIX)).map((n) => join(dir, n));
}
