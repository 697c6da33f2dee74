/**
 * sealed-auditor's options, from flags with environment fallbacks. Parsing is strict:
 * unknown flags and malformed values are usage errors, reported before anything starts.
 */
export const USAGE = `sealed-auditor: checks a Sealed server's key-transparency log and countersigns it

Usage:
  sealed-auditor --server <url> --state-dir <dir> --key-file <file> [--poll-ms <ms>] [--once]
  sealed-auditor --generate-key <file>
  sealed-auditor --help

Options (environment variable in brackets):
  --server <url>         the server's base URL                      [SEALED_AUDITOR_SERVER]
  --state-dir <dir>      journal, pinned Configuration and evidence [SEALED_AUDITOR_STATE_DIR]
  --key-file <file>      the auditor's Ed25519 seed, 64 hex digits  [SEALED_AUDITOR_KEY_FILE]
  --poll-ms <ms>         wait between polls once caught up (5000)   [SEALED_AUDITOR_POLL_MS]
  --once                 stop once caught up with the feed
  --generate-key <file>  write a new seed (mode 0600), print its public key, exit

The first start pins the server's Configuration (GET /v1/kt/config) in the state
directory; a later start with another Configuration is refused. Any failed check
writes evidence-*.json into the state directory and stops with exit code 2; the
auditor then refuses to start until the evidence file is removed.
Exit codes: 0 stopped, 1 usage or configuration error, 2 halted with evidence.`;

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'generate-key'; readonly keyFile: string }
  | { readonly kind: 'run'; readonly server: string; readonly stateDir: string; readonly keyFile: string; readonly pollMs: number; readonly once: boolean };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The longest poll interval accepted (one day): longer would make the server's lag alarm the only signal. */
const MAX_POLL_MS = 86_400_000;

/** @throws {UsageError} for unknown flags, missing values or malformed numbers and URLs. */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  const values = new Map<string, string>();
  let once = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--once') {
      once = true;
      continue;
    }
    if (!['--server', '--state-dir', '--key-file', '--poll-ms', '--generate-key'].includes(arg)) throw new UsageError(`unknown option ${arg}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
    values.set(arg, value);
    i++;
  }
  const generate = values.get('--generate-key');
  if (generate !== undefined) return { kind: 'generate-key', keyFile: generate };
  const server = values.get('--server') ?? env.SEALED_AUDITOR_SERVER;
  const stateDir = values.get('--state-dir') ?? env.SEALED_AUDITOR_STATE_DIR;
  const keyFile = values.get('--key-file') ?? env.SEALED_AUDITOR_KEY_FILE;
  if (server === undefined || stateDir === undefined || keyFile === undefined) throw new UsageError('--server, --state-dir and --key-file are required');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError('--server is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--server must be http(s)');
  const pollText = values.get('--poll-ms') ?? env.SEALED_AUDITOR_POLL_MS ?? '5000';
  if (!/^[1-9][0-9]{0,8}$/.test(pollText) || Number(pollText) > MAX_POLL_MS) throw new UsageError(`--poll-ms must be 1..${MAX_POLL_MS}`);
  return { kind: 'run', server: url.toString(), stateDir, keyFile, pollMs: Number(pollText), once };
}
