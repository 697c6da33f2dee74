/**
 * A small command-line parser: positional arguments and `--flag value` / `--flag=value` /
 * `--switch`. Only the flags a command declares are accepted; anything else is a usage
 * error naming the flag.
 */
import { CliError, EXIT } from './exit-codes.ts';

export interface FlagSpec {
  /** Takes a value (`--server URL`) or is a switch (`--help`). */
  readonly value: boolean;
}

export interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  help: { value: false },
  'data-dir': { value: true },
  'passcode-fd': { value: true },
  timeout: { value: true },
};

/** Most arguments on one command line: far above any real use; a bound for the loop. */
const MAX_ARGS = 1000;

/** @throws CliError(usage) for an unknown flag or a missing value */
export function parseArgs(argv: readonly string[], flags: Record<string, FlagSpec>, command: string): Parsed {
  if (argv.length > MAX_ARGS) throw new CliError(EXIT.usage, `too many arguments (${argv.length}, at most ${MAX_ARGS})`, `see \`sealed ${command} --help\``);
  const specs = { ...GLOBAL_FLAGS, ...flags };
  const positional: string[] = [];
  const parsed = new Map<string, string | true>();
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositional || !arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositional = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (spec === undefined) throw new CliError(EXIT.usage, `unknown option --${name} for \`sealed ${command}\``, `see \`sealed ${command} --help\``);
    if (!spec.value) {
      if (eq >= 0) throw new CliError(EXIT.usage, `--${name} takes no value`, `see \`sealed ${command} --help\``);
      parsed.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new CliError(EXIT.usage, `--${name} needs a value`, `see \`sealed ${command} --help\``);
    parsed.set(name, value);
  }
  return { positional, flags: parsed };
}

/** A flag's text value. */
export function flag(parsed: Parsed, name: string): string | undefined {
  const value = parsed.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** A whole number flag within [min, max]. @throws CliError(usage) */
export function intFlag(parsed: Parsed, name: string, min: number, max: number): number | undefined {
  const text = flag(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliError(EXIT.usage, `--${name} must be a whole number from ${min} to ${max}`, `e.g. --${name} ${Math.min(max, Math.max(min, 10))}`);
  }
  return value;
}
