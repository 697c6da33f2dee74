/** Errors of the host (vault + engine + transport wiring). Details name public values only. */
export type HostErrorCode =
  | 'no-account' // the vault holds no account record (init never finished)
  | 'no-server' // the vault holds no relay address
  | 'account-failed' // creating the account failed (detail: the relay's code)
  | 'timeout' // the relay did not answer within the bound given
  | 'unknown-conversation' // no conversation matches the name, user or id given
  | 'ambiguous-conversation' // an id prefix that matches several conversations
  | 'closed' // the conversation was closed (we were removed)
  | 'transport-failed'; // the transport's event loop failed (I/O error)

export class HostError extends Error {
  override readonly name = 'HostError';
  constructor(
    readonly code: HostErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
