/** `sealed init <username> --server <url>`: the vault, then the account. */
import { forgetRemoval } from '@sealed/client/host/node-erase';
import { createNodeAccount } from '@sealed/client/host/node-host';
import { normaliseUsername } from '@sealed/protocol/username';
import { flag, intFlag } from '../args.ts';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { newPasscode } from '../passcode.ts';
import { KT_FLAGS, transparencyLine, trustFromFlags } from '../kt-trust.ts';

export const INIT_FLAGS = { server: { value: true }, 'max-attempts': { value: true }, ...KT_FLAGS } as const;

/** The --server address of `init` or `link` (on the new device). @throws CliError(usage) */
export function serverUrl(text: string | undefined, command: 'init' | 'link' = 'init'): string {
  if (text === undefined) {
    throw new CliError(EXIT.usage, `${command} needs --server <url>`, command === 'init' ? 'e.g. `sealed init alice --server http://127.0.0.1:8080`' : 'e.g. `sealed link --server http://127.0.0.1:8080` (or `sealed link <code>` on a device that has the account)');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(EXIT.usage, `--server ${text} is not a URL`, 'e.g. http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(EXIT.usage, '--server must start with http:// or https://', 'e.g. https://sealed.example.org');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') throw new CliError(EXIT.usage, '--server must be a plain address (no query, fragment or credentials)', 'e.g. https://sealed.example.org');
  return url.origin + url.pathname.replace(/\/+$/, '');
}

export async function init(ctx: Context): Promise<void> {
  const [name, ...rest] = ctx.args.positional;
  if (name === undefined || rest.length > 0) throw new CliError(EXIT.usage, 'init takes exactly one username', 'see `sealed init --help`');
  const user = normaliseUsername(name);
  if (!user.ok) throw new CliError(EXIT.usage, `"${name}" is not a valid username (${user.error})`, '3 to 32 of a-z, 0-9, ".", "_", "-", starting and ending with a letter or digit');
  const server = serverUrl(flag(ctx.args, 'server'));
  const maxAttempts = intFlag(ctx.args, 'max-attempts', 1, 1000);
  const trust = await trustFromFlags(ctx.args, server, 'init');
  const passcode = await newPasscode(ctx.passcodes(), 'New passcode for this device');
  if (ctx.weakArgon2 === undefined) ctx.io.err('Measuring this machine for the passcode key derivation (Argon2id, a few seconds)...');
  const session = await createNodeAccount({
    directory: ctx.directory,
    passcode,
    serverUrl: server,
    username: user.username,
    timeoutMs: ctx.timeoutMs,
    weakArgon2ForTests: ctx.weakArgon2,
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    ...(trust === undefined ? {} : { transparency: { pin: trust } }),
  });
  try {
    await forgetRemoval(ctx.directory);
    await session.host.settle(ctx.timeoutMs);
    ctx.io.out(`Account ${session.host.username} created on ${server}; this device is ${session.host.deviceId.slice(0, 8)}.`);
    ctx.io.out(`Data directory: ${ctx.directory}`);
    ctx.io.out(transparencyLine(trust));
  } finally {
    await session.close();
  }
}
