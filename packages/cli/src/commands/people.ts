/** `sealed contacts`, `sealed verify`: the people you talk to and their safety numbers. */
import { qrMatrix, qrText } from '@sealed/client/features/qr';
import { usersOf } from '@sealed/client/host/host';
import { normaliseUsername } from '@sealed/protocol/username';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { conversationTitle } from '../render.ts';
import { userError } from '../target.ts';
import { contactTransparencyLine } from '../kt-status.ts';

export const VERIFY_FLAGS = { mark: { value: false }, unmark: { value: false }, accept: { value: false } } as const;

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
    // Contacts' signed lists are fetched again after a restart: the verified mark is checked against them.
    const lookups = [];
    for (const user of shared.keys()) if (host.engine.contact(user) === undefined) lookups.push(await host.lookupContact(user));
    if (lookups.length > 0) await host.settle(ctx.timeoutMs);
    for (const [user, titles] of [...shared].sort(([a], [b]) => a.localeCompare(b))) {
      const contact = host.engine.contact(user);
      const state = contact === undefined ? 'not verified' : contact.identityChanged ? 'IDENTITY KEY CHANGED' : contact.verified ? 'verified' : 'not verified';
      ctx.io.out(`${user}  ${state}  in: ${titles.join('; ')}`);
    }
  } finally {
    await session.close();
  }
}

export async function verify(ctx: Context): Promise<void> {
  const [name, ...rest] = ctx.args.positional;
  if (name === undefined || rest.length > 0) throw new CliError(EXIT.usage, 'verify takes one username', 'see `sealed verify --help`');
  const user = normaliseUsername(name);
  if (!user.ok) throw new CliError(EXIT.usage, `"${name}" is not a valid username (${user.error})`, 'check the spelling with the person');
  const marks = ['mark', 'unmark', 'accept'].filter((f) => ctx.args.flags.has(f));
  if (marks.length > 1) throw new CliError(EXIT.usage, 'use one of --mark, --unmark, --accept', 'see `sealed verify --help`');
  const session = await ctx.connect();
  try {
    const host = session.host;
    if (user.username === host.username) throw new CliError(EXIT.usage, 'that is you', 'verify someone else');
    if (host.engine.contact(user.username) === undefined) {
      const intent = await host.lookupContact(user.username);
      await host.settle(ctx.timeoutMs);
      const failure = host.outcome(intent);
      if (failure !== undefined) throw userError(failure, user.username);
    }
    if (marks[0] === 'accept') await host.acceptIdentityChange(user.username);
    const contact = host.engine.contact(user.username);
    if (contact?.identityChanged === true && marks[0] !== 'accept') {
      ctx.io.out(`WARNING: ${user.username}'s identity key changed since you verified it. Compare the new safety number in person, then run \`sealed verify ${user.username} --accept\`.`);
    }
    const number = host.engine.safetyNumber(user.username);
    ctx.io.out(`Safety number with ${user.username} (compare in person, or scan the code):`);
    for (let i = 0; i < number.groups.length; i += 4) ctx.io.out(`  ${number.groups.slice(i, i + 4).join(' ')}`);
    ctx.io.out(qrText(qrMatrix(number.qrPayload)));
    ctx.io.out(await contactTransparencyLine(host, user.username));
    if (marks[0] === 'mark' || marks[0] === 'unmark') {
      await host.setVerified(user.username, marks[0] === 'mark');
      await host.settle(ctx.timeoutMs);
    }
    const after = host.engine.contact(user.username);
    ctx.io.out(`${user.username} is ${after?.verified === true ? 'verified' : 'not verified'}${marks[0] === undefined && after?.verified !== true ? ' (after comparing, run `sealed verify ' + user.username + ' --mark`)' : ''}.`);
  } finally {
    await session.close();
  }
}
