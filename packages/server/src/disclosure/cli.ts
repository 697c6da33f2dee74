/**
 * `sealed-server disclose [--json] [--data-dir DIR | --storage postgres --postgres-url URL] <username>`:
 * prints what the server holds about one account. Storage flags and their environment
 * variables are the server's own (config.ts), so the command reads the same data the server
 * uses. Exit codes: 0 printed; 2 the request cannot be answered as asked (usage, a malformed
 * username, no such account); 1 the data could not be read.
 */
import { ConfigError, parseConfig } from '../config.ts';
import { buildReport, checkUsername } from './report.ts';
import { renderText } from './render-text.ts';
import { DisclosureError, type DisclosureErrorCode, type DisclosureSource } from './source.ts';

export const DISCLOSE_HELP = `Usage: sealed-server disclose [options] <username>

Prints exactly what this server holds about the account: creation and last connection day,
devices and their public keys, queued entries, and everything else stored under the
account or its devices. Reads the database read-only; the server may be running.

Options:
  --json                   print the report as JSON
  --data-dir <dir>         SQLite data directory (SEALED_DATA_DIR, default ./data)
  --storage <kind>         sqlite or postgres (SEALED_STORAGE, default sqlite)
  --postgres-url <url>     PostgreSQL URL, ?schema=<name> for a schema (SEALED_POSTGRES_URL)
  --help                   print this text

Exit codes: 0 report printed; 2 usage error, malformed username or unknown account;
1 the data could not be read (no database, newer schema, PostgreSQL unreachable).
`;

/** Flags passed through to the server's configuration parser. */
const STORAGE_FLAGS = ['--data-dir', '--storage', '--postgres-url'];

export interface DiscloseIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit code of each error: 2 for what the caller asked, 1 for the data. */
export const EXIT_CODE: Readonly<Record<DisclosureErrorCode, number>> = {
  usage: 2,
  'invalid-username': 2,
  'unknown-account': 2,
  'no-data': 1,
  'schema-mismatch': 1,
  unreachable: 1,
};

interface Args {
  readonly json: boolean;
  readonly help: boolean;
  readonly username: string | undefined;
  readonly config: string[];
}

function parseArgs(argv: readonly string[]): Args {
  let json = false;
  let help = false;
  const positional: string[] = [];
  const config: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const flag = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (STORAGE_FLAGS.includes(flag)) {
      if (flag === arg) {
        const value = argv[++i];
        if (value === undefined) throw new DisclosureError('usage', `${flag} needs a value`);
        config.push(flag, value);
      } else config.push(arg);
    } else if (arg.startsWith('--')) throw new DisclosureError('usage', `unknown option ${flag} (see --help)`);
    else positional.push(arg);
  }
  if (positional.length > 1) throw new DisclosureError('usage', 'give exactly one username');
  return { json, help, username: positional[0], config };
}

async function openSource(storage: 'sqlite' | 'postgres', dataDir: string, postgresUrl: string): Promise<DisclosureSource> {
  if (storage === 'postgres') {
    const { openPgDisclosureSource } = await import('./pg-source.ts');
    return openPgDisclosureSource(postgresUrl);
  }
  const { openSqliteDisclosureSource } = await import('./sqlite-source.ts');
  return openSqliteDisclosureSource(dataDir);
}

/** Runs the command; returns the exit code. Never throws for expected failures. */
export async function runDisclose(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: DiscloseIo): Promise<number> {
  let json = argv.includes('--json');
  const fail = (code: DisclosureErrorCode, message: string): number => {
    if (json) io.stdout(JSON.stringify({ error: { code, message } }) + '\n');
    else io.stderr(`sealed-server disclose: ${code}: ${message}\n`);
    return EXIT_CODE[code];
  };
  let source: DisclosureSource | undefined;
  try {
    const args = parseArgs(argv);
    json = args.json;
    if (args.help) {
      io.stdout(DISCLOSE_HELP);
      return 0;
    }
    if (args.username === undefined) throw new DisclosureError('usage', 'missing <username> (see --help)');
    // A malformed name is refused before any database is opened.
    checkUsername(args.username);
    let config;
    try {
      config = parseConfig(args.config, env);
    } catch (error) {
      if (error instanceof ConfigError) throw new DisclosureError('usage', error.message);
      throw error;
    }
    source = await openSource(config.storage, config.dataDir, config.postgresUrl);
    const report = await buildReport(source, config.storage, args.username);
    io.stdout(json ? JSON.stringify(report, null, 2) + '\n' : renderText(report));
    return 0;
  } catch (error) {
    if (error instanceof DisclosureError) return fail(error.code, error.message);
    // Unexpected: the class name only, never a message that might quote stored data.
    io.stderr(`sealed-server disclose: failed (${error instanceof Error ? error.name : 'unknown error'})\n`);
    return 1;
  } finally {
    await source?.close();
  }
}
