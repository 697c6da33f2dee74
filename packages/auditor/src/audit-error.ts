/**
 * The one error the auditor's checks throw. Each code names the check that failed; the
 * auditor stops on any of them and writes evidence (evidence.ts). Messages carry sizes,
 * times and indexes, never key material.
 */
export type AuditErrorCode =
  | 'malformed-update' // an update whose fields are out of range or of the wrong length
  | 'too-many-leaves' // more added leaves than MAX_LEAVES_PER_EPOCH, refused before work
  | 'non-contiguous' // an update that is not for the next log position
  | 'time-went-back' // a log entry timestamp below the previous one
  | 'time-ahead' // a log entry timestamp further ahead of the auditor's clock than max_ahead
  | 'not-insert-only' // a removed leaf, a duplicate or unsorted added key, or a key already in the tree
  | 'prefix-root-mismatch' // the prefix root recomputed from the inserted leaves differs from the served one
  | 'log-root-mismatch' // the log root recomputed with the new entry differs from the signed one
  | 'bad-log-signature' // the log's TreeHead signature does not verify
  | 'conflicting-head' // a second root for a tree size we already countersigned (a fork)
  | 'corrupt-state'; // the durable state cannot be read back and checked

export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    /** What was checked, with sizes and times; never key bytes. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
