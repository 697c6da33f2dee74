/**
 * Exit codes of `sealed`, one per kind of failure, so scripts can branch on them. The same
 * table is in packages/cli/README.md.
 */
export const EXIT = {
  ok: 0,
  /** A bug: the message says so and asks for a report. */
  internal: 1,
  /** Wrong command line: unknown command or flag, missing argument. */
  usage: 2,
  /** No vault in the data directory (run `sealed init`), or one exists where init would create one. */
  notInitialized: 3,
  /** Wrong passcode (the attempt was counted). */
  wrongPasscode: 4,
  /** The vault was erased: after too many wrong passcodes, or because this device was removed from its account. */
  wiped: 5,
  /** The relay is unreachable, refused, or did not answer in time. */
  relay: 6,
  /** No such user, conversation or group. */
  notFound: 7,
  /** Another `sealed` process has this device unlocked. */
  busy: 8,
  /** The feature is not available in this version yet. */
  notAvailable: 9,
  /** The relay refused the request (username taken, invalid, not a member...). */
  refused: 10,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure reported as one line: what went wrong, then what to do next. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** What the user should do next (printed after the message). */
    readonly hint?: string,
  ) {
    super(message);
  }
}
