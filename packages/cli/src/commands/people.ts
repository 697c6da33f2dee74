/** `sealed contacts` and `sealed devices`. */
import { usersOf } from '@sealed/client/host/host';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { conversationTitle } from '../render.ts';

export async function contacts(ctx: Context): Promise<void> {
  if (ctx.args.positional.length > 0) throw new CliError(EXIT.usage, 'contacts takes no arguments', 'see `sealed contacts --help`');
  const session = await ctx.connect();
  try {
    const host = session.host;
    const me = host.username;
    const shared = new Map<string, string[]>();
    for (const info of host.conversations()) {
      if (info.closed) continue;
      for (const user of usersOf(info)) if (user !== me) shared.set(user, [...(shared.get(user) ?? []), conversationTitle(info, me)]);
    }
    if (shared.size === 0) ctx.io.out('No contacts yet. Start a conversation with `sealed chat <user>`.');
    for (const [user, titles] of [...shared].sort(([a], [b]) => a.localeCompare(b))) {
      ctx.io.out(`${user}  not verified (safety numbers are not available yet)  in: ${titles.join('; ')}`);
    }
  } finally {
    await session.close();
  }
}

export async function devices(ctx: Context): Promise<void> {
  if (ctx.args.positional.length > 0) throw new CliError(EXIT.usage, 'devices takes no arguments', 'see `sealed devices --help`');
  const session = await ctx.connect();
  try {
    const host = session.host;
    ctx.io.out(`Account ${host.username}:`);
    ctx.io.out(`  ${host.deviceId}  (this device)`);
    ctx.io.out('Linking and removing devices is not available in this version yet.');
  } finally {
    await session.close();
  }
}

export async function link(ctx: Context): Promise<void> {
  void ctx;
  throw new CliError(EXIT.notAvailable, 'linking a device is not available in this version yet', 'use one device per account for now');
}

export async function verify(ctx: Context): Promise<void> {
  if (ctx.args.positional.length !== 1) throw new CliError(EXIT.usage, 'verify takes one username', 'see `sealed verify --help`');
  throw new CliError(EXIT.notAvailable, 'safety numbers are not available in this version yet', 'compare nothing yet; this command will show digits and a QR code');
}
