/**
 * The auditor's durable state: an append-only file of every update it accepted
 * (update-record.ts lines), fsync'd before the head it makes is countersigned. On start
 * the file is replayed through checkEpoch, so the in-memory state (prefix tree, log
 * frontier, the root of every size signed) is rebuilt and re-checked rather than trusted.
 *
 * Crash safety: a line is only countersigned after write + fsync returned, so an
 * unterminated last line (a crash mid-write) was never signed and is cut off on open.
 * Anything else unreadable is `corrupt-state`: the auditor will not guess.
 */
import { closeSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import { AuditError } from './audit-error.ts';
import { type AuditState, checkEpoch, INITIAL_AUDIT_STATE } from './check-epoch.ts';
import type { EpochUpdate } from './epoch-update.ts';
import { updateFromJson, updateToJson } from './update-record.ts';

export const JOURNAL_FILE = 'journal.jsonl';

/** A tree head as the log signed it, with the entry that made it (what a fork's evidence shows). */
export interface LogSignedHead {
  readonly treeSize: number;
  readonly timestamp: number;
  readonly prefixRoot: Uint8Array;
  /** The log root; absent for a conflicting head whose root the auditor cannot compute. */
  readonly root?: Uint8Array;
  readonly signature: Uint8Array;
}

export function signedHeadOf(u: EpochUpdate, root?: Uint8Array): LogSignedHead {
  const head = { treeSize: u.treeSize, timestamp: u.timestamp, prefixRoot: u.prefixRoot, signature: u.logSignature };
  return root === undefined ? head : { ...head, root };
}

/** Makes a new file's directory entry durable (POSIX: fsync the directory). */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class Journal {
  private constructor(
    private readonly path: string,
    private fd: number,
    private current: AuditState,
    /** Log root of every size accepted (and so possibly countersigned), index = size - 1. */
    private readonly roots: Uint8Array[],
    /** The log's signed head of every accepted size, for evidence. */
    private readonly heads: LogSignedHead[],
  ) {}

  /**
   * Opens (or creates) the journal in `dir` and replays it.
   * @throws {AuditError} `corrupt-state` when a line does not parse or does not re-check.
   */
  static open(dir: string, config: Configuration): Journal {
    const path = join(dir, JOURNAL_FILE);
    let text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const cut = text.lastIndexOf('\n') + 1;
    if (cut < text.length) {
      // A torn last line: written but never fsync'd, so never countersigned.
      truncateSync(path, Buffer.byteLength(text.slice(0, cut)));
      text = text.slice(0, cut);
    }
    let state = INITIAL_AUDIT_STATE;
    const roots: Uint8Array[] = [];
    const heads: LogSignedHead[] = [];
    const lines = text.split('\n').filter((l) => l.length > 0);
    for (const [i, line] of lines.entries()) {
      const { update, logRoot } = updateFromJson(line);
      let root: Uint8Array;
      try {
        // The clock check is for live updates; replay only re-checks the content.
        const checked = checkEpoch(config, state, update, Number.MAX_SAFE_INTEGER);
        state = checked.state;
        root = checked.head.root;
      } catch (error) {
        if (error instanceof AuditError) throw new AuditError('corrupt-state', `journal line ${i + 1} does not re-check (${error.code})`);
        throw error;
      }
      if (logRoot === undefined || !hashEquals(logRoot, root)) throw new AuditError('corrupt-state', `journal line ${i + 1}: recorded root differs`);
      roots.push(root);
      heads.push(signedHeadOf(update, root));
    }
    const created = !existsSync(path);
    const fd = openSync(path, 'a');
    fsyncSync(fd);
    if (created) fsyncDir(dir);
    return new Journal(path, fd, state, roots, heads);
  }

  get state(): AuditState {
    return this.current;
  }

  get size(): number {
    return this.roots.length;
  }

  /** The root accepted for `size`, if any. */
  rootAt(size: number): Uint8Array | undefined {
    return size >= 1 ? this.roots[size - 1] : undefined;
  }

  /** The log's signed head of an accepted `size`, if any. */
  headAt(size: number): LogSignedHead | undefined {
    return size >= 1 ? this.heads[size - 1] : undefined;
  }

  /**
   * Appends an update already checked into `next` (with the log `root` it makes), and fsyncs before returning: only then
   * may its head be countersigned.
   */
  append(update: EpochUpdate, next: AuditState, root: Uint8Array): void {
    if (update.treeSize !== this.roots.length + 1) throw new AuditError('non-contiguous', `journal at ${this.roots.length}, update makes ${update.treeSize}`);
    const line = `${JSON.stringify(updateToJson(update, root))}\n`;
    writeSync(this.fd, line);
    fsyncSync(this.fd);
    this.roots.push(root);
    this.heads.push(signedHeadOf(update, root));
    this.current = next;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  toString(): string {
    return `Journal(${this.path}, size ${this.roots.length})`;
  }
}
