/** The one error of the log-side prover (prover.ts); the server maps each code to a wire error. */
export type ProverErrorCode =
  | 'time-went-back' // an epoch timestamp below the previous entry's
  | 'stale-epoch' // an epoch prepared or stored for another log size
  | 'root-mismatch' // a stored epoch whose inserts do not recompute its prefix root
  | 'unknown-size' // a tree size the log does not have (or cannot prove)
  | 'unknown-label' // a label without a version in the served tree
  | 'last-ahead' // a client's `last` beyond the served size
  | 'known-ahead' // a monitor's known version beyond the greatest
  | 'bad-countersignature'; // an auditor signature that is not valid for our tree

export class ProverError extends Error {
  override readonly name = 'ProverError';
  constructor(
    readonly code: ProverErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
