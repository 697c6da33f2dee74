/**
 * The one error of the client-side verifiers (checkpoint, search, monitor). `code` says
 * what was wrong in terms a client can act on; `detail` names the step and, for a failure
 * inside a core check, the inner error's code. Never key, label or proof bytes.
 */
export type VerifyErrorCode =
  | 'invalid-proof' // a log, prefix, VRF, commitment or signature check failed (detail: which)
  | 'wrong-step-count' // binary_ladder does not have one step per lookup of the ladder
  | 'unexpected-commitment' // a ladder step carries a commitment where none belongs, or lacks one
  | 'ladder-mismatch' // a lookup's outcome contradicts the claimed greatest version
  | 'head-type' // `same` without a retained head, or `updated` that does not grow the tree
  | 'rollback' // a tree smaller than the retained one
  | 'fork' // the served tree is not an extension of the retained one
  | 'stale' // the latest entry is older than max_behind
  | 'future' // the latest entry is more than max_ahead in the future
  | 'not-enough-auditors' // fewer valid auditor countersignatures than required
  | 'auditor-mismatch' // an auditor head for another size or timestamp, a duplicate, or an unknown key
  | 'version-rollback' // the greatest version is below one the owner already verified
  | 'wrong-version-count' // a monitor response without exactly the versions asked for
  | 'insertion-evidence'; // a monitored version's insertion entry or proofs do not hold

export class VerifyError extends Error {
  override readonly name = 'VerifyError';
  constructor(
    readonly code: VerifyErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** Runs `fn`; a typed error of a core check becomes VerifyError('invalid-proof', step: inner code). */
export function step<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof VerifyError) throw error;
    const code = (error as { code?: unknown }).code;
    const name = (error as { name?: unknown }).name;
    if (typeof code === 'string' && typeof name === 'string' && /^(LogError|PrefixError|VrfError|CheckpointError|LadderError|LabelError)$/.test(name)) {
      throw new VerifyError('invalid-proof', `${what}: ${name} ${code}`);
    }
    throw error;
  }
}
