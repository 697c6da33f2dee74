/** Errors of the transcript-hash computation (RFC 9420 §8.2). */
export type TranscriptErrorCode =
  | 'not-a-commit' // only commits enter the transcript
  | 'missing-confirmation-tag'; // a commit's auth data must carry its confirmation tag

export class TranscriptError extends Error {
  override readonly name = 'TranscriptError';
  constructor(
    readonly code: TranscriptErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
