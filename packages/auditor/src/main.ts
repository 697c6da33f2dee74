/**
 * The sealed-auditor process: options, key, pinned Configuration, then the follower.
 * Secrets (the seed) never reach the log lines; only the public key is printed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import { AuditError } from './audit-error.ts';
import { Auditor, AuditorConfigError, AuditorHalted } from './auditor.ts';
import { type CliCommand, parseCli, UsageError, USAGE } from './cli-options.ts';
import { FeedClient, FeedError } from './feed-client.ts';
import { follow } from './follower.ts';
import { fromHex, toHex } from './hex.ts';

export const PINNED_CONFIG_FILE = 'configuration.hex';

function log(line: string): void {
  console.log(`${new Date().toISOString()} sealed-auditor: ${line}`);
}

function readSeed(path: string): Uint8Array {
  try {
    return fromHex(readFileSync(path, 'utf8').trim(), 32);
  } catch {
    throw new UsageError(`${path} does not hold a 64-hex-digit Ed25519 seed`);
  }
}

/** Pins the server's Configuration on first start; refuses a different one later. */
async function pinnedConfiguration(feed: FeedClient, stateDir: string): Promise<Configuration> {
  const served = await feed.configuration();
  const path = join(stateDir, PINNED_CONFIG_FILE);
  if (existsSync(path)) {
    const pinned = readFileSync(path, 'utf8').trim();
    if (pinned !== toHex(served)) throw new AuditorConfigError('the server now serves another Configuration than the pinned one');
  } else {
    writeFileSync(path, `${toHex(served)}\n`, { flag: 'wx' });
    log(`pinned the server's Configuration in ${path}`);
  }
  return decodeConfigurationWire(served);
}

async function run(cmd: Extract<CliCommand, { kind: 'run' }>): Promise<number> {
  mkdirSync(cmd.stateDir, { recursive: true });
  const seed = readSeed(cmd.keyFile);
  const feed = new FeedClient(cmd.server);
  const config = await pinnedConfiguration(feed, cmd.stateDir);
  const auditor = Auditor.open(cmd.stateDir, config, seed);
  log(`auditor ${toHex(auditor.publicKey)} at size ${auditor.size}, following ${cmd.server}`);
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  try {
    await follow(auditor, feed, { pollMs: cmd.pollMs, once: cmd.once, signal: stop.signal, log });
  } finally {
    auditor.close();
  }
  log(`stopped at size ${auditor.size}`);
  return 0;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  try {
    const cmd = parseCli(argv, env);
    if (cmd.kind === 'help') {
      console.log(USAGE);
      return 0;
    }
    if (cmd.kind === 'generate-key') {
      const { privateKey, publicKey } = nodeProvider.signatureGenerate('Ed25519');
      writeFileSync(cmd.keyFile, `${toHex(privateKey)}\n`, { flag: 'wx', mode: 0o600 });
      chmodSync(cmd.keyFile, 0o600);
      console.log(toHex(publicKey));
      return 0;
    }
    return await run(cmd);
  } catch (error) {
    if (error instanceof AuditorHalted) {
      log(`HALTED (${error.code}): evidence in ${error.evidencePath}`);
      return 2;
    }
    if (error instanceof UsageError) {
      console.error(`sealed-auditor: ${error.message}\n\n${USAGE}`);
      return 1;
    }
    if (error instanceof AuditorConfigError || error instanceof FeedError || error instanceof AuditError) {
      console.error(`sealed-auditor: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2), process.env);
