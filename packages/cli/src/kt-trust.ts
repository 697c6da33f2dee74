/**
 * What `sealed init` and `sealed link` (new device) pin for key transparency: the server's
 * published Configuration (GET /v1/kt/config: the log's signing key, its VRF key, the
 * auditors' keys and the freshness bounds), how many auditor countersignatures a
 * checkpoint needs, and the client's own bound on a checkpoint's age.
 *
 * By default the Configuration is trusted on first use (fetched at init, pinned in the
 * vault; any later change is refused by every check). `--kt-config <hex>` pins one given
 * out of band instead, and init refuses a server that publishes another. `--no-transparency`
 * goes without (contacts are then trusted on first use only).
 */
import type { KtTrust } from '@sealed/client/host/transparency-host';
import { auditorCount, checkTrust } from '@sealed/client/host/transparency-host';
import { TransparencyError } from '@sealed/client/transparency/transparency-error';
import { fromHex } from '@sealed/protocol/encoding';
import { flag, intFlag, type Parsed } from './args.ts';
import { CliError, EXIT } from './exit-codes.ts';

export const KT_FLAGS = {
  'kt-config': { value: true },
  'kt-auditors': { value: true },
  'kt-max-age': { value: true },
  'no-transparency': { value: false },
} as const;

/** A Configuration is a few hundred octets with 16 auditor keys at most. */
const MAX_CONFIG_BYTES = 4096;
const CONFIG_TIMEOUT_MS = 15_000;
/** Longest client freshness bound: a week (the log writes a heartbeat every epoch). */
const MAX_AGE_SECONDS = 7 * 24 * 3600;

async function publishedConfiguration(server: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(`${server}/v1/kt/config`, { signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS) });
  } catch {
    throw new CliError(EXIT.relay, 'the server did not answer for its key transparency configuration', 'check --server, or use --no-transparency');
  }
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200 || body.length === 0 || body.length > MAX_CONFIG_BYTES) {
    throw new CliError(EXIT.relay, `the server publishes no key transparency configuration (status ${res.status})`, 'use --no-transparency to go without it');
  }
  return body;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The trust to pin for `server` from the command line, or undefined with --no-transparency.
 * @throws CliError(usage) for bad flags; CliError(relay | refused) when the server publishes none,
 *   or another Configuration than --kt-config
 */
export async function trustFromFlags(args: Parsed, server: string, command: 'init' | 'link'): Promise<KtTrust | undefined> {
  const off = args.flags.has('no-transparency');
  const given = flag(args, 'kt-config');
  const required = intFlag(args, 'kt-auditors', 0, 16);
  const maxAge = intFlag(args, 'kt-max-age', 1, MAX_AGE_SECONDS);
  if (off) {
    if (given !== undefined || required !== undefined || maxAge !== undefined) throw new CliError(EXIT.usage, '--no-transparency takes no --kt-* option', `see \`sealed ${command} --help\``);
    return undefined;
  }
  let pinned: Uint8Array | undefined;
  if (given !== undefined) {
    pinned = fromHex(given.trim().toLowerCase());
    if (pinned === undefined || pinned.length === 0 || pinned.length > MAX_CONFIG_BYTES) throw new CliError(EXIT.usage, '--kt-config must be the hex of the server\'s /v1/kt/config', 'ask the server\'s operator for it');
  }
  const published = await publishedConfiguration(server);
  if (pinned !== undefined && !sameBytes(pinned, published)) {
    throw new CliError(EXIT.refused, 'the server publishes another key transparency configuration than --kt-config', 'do not use this server until its operator explains the change');
  }
  const configuration = pinned ?? published;
  let auditors: number;
  try {
    auditors = auditorCount(configuration);
  } catch {
    throw new CliError(EXIT.refused, 'the server\'s key transparency configuration does not decode', 'use --no-transparency, or ask the operator');
  }
  const trust: KtTrust = { configuration, requiredAuditors: required ?? auditors, ...(maxAge === undefined ? {} : { maxCheckpointAgeMs: maxAge * 1000 }) };
  try {
    checkTrust(trust);
  } catch (error) {
    if (error instanceof TransparencyError) throw new CliError(EXIT.usage, `--kt-auditors ${required}: the server names ${auditors} auditor${auditors === 1 ? '' : 's'}`, `use --kt-auditors 0..${auditors}`);
    throw error;
  }
  return trust;
}

/** One line saying what was pinned (init prints it). */
export function transparencyLine(trust: KtTrust | undefined): string {
  if (trust === undefined) return 'Key transparency: off (--no-transparency): contacts\' keys are trusted on first use only.';
  const auditors = auditorCount(trust.configuration);
  return `Key transparency: on; the server's log configuration is pinned (${auditors} auditor${auditors === 1 ? '' : 's'} named, ${trust.requiredAuditors} countersignature${trust.requiredAuditors === 1 ? '' : 's'} required).`;
}
