/**
 * The one error storage back ends throw for conditions callers branch on. Anything else
 * (a broken disk, a lost connection) is an ordinary Error and becomes `internal` at the edge.
 */
export type StorageErrorCode =
  | 'conflict' // a unique value is taken (username, device id, signature key, attachment id)
  | 'not-found' // the account / device / record the operation needs does not exist
  | 'version-not-increasing' // a device list whose version is not above the stored one
  | 'limit-reached'; // a per-device bound (key packages) would be exceeded

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    /** Which record / constraint; never contains key material or payloads. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
