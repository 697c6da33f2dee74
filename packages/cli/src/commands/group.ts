/** `sealed group create|add|remove|leave|list`. */
import type { SealedHost } from '@sealed/client/host/host';
import { normaliseUsername } from '@sealed/protocol/username';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { conversationLine } from '../render.ts';
import { existingConversation, userError } from '../target.ts';

const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

function username(text: string): string {
  const user = normaliseUsername(text);
  if (!user.ok) throw new CliError(EXIT.usage, `"${text}" is not a valid username (${user.error})`, '3 to 32 of a-z, 0-9, ".", "_", "-", starting and ending with a letter or digit');
  return user.username;
}

/** Waits for an intent and turns its failure into one line naming the user. */
async function finish(ctx: Context, host: SealedHost, intent: number, user: string): Promise<void> {
  await host.settle(ctx.timeoutMs);
  const failure = host.outcome(intent);
  if (failure !== undefined) throw userError(failure, user);
}

export async function group(ctx: Context): Promise<void> {
  const [sub, ...args] = ctx.args.positional;
  const usage = (text: string) => new CliError(EXIT.usage, text, 'see `sealed group --help`');
  switch (sub) {
    case 'create': {
      const [name, ...users] = args;
      if (name === undefined || users.length === 0) throw usage('group create needs a name and at least one user');
      if (!NAME_PATTERN.test(name) || /^[0-9a-f]{4,}$/.test(name)) throw usage(`"${name}" cannot be a group name (1-64 letters, digits, spaces, ".", "_", "-"; not all hex digits)`);
      const members = users.map(username);
      const session = await ctx.connect();
      try {
        const host = session.host;
        if (host.findConversation(name)?.name?.toLowerCase() === name.toLowerCase()) throw usage(`a group called "${name}" exists already`);
        const { conversationId, intent } = await host.createConversation(members, name);
        await host.settle(ctx.timeoutMs);
        const failure = host.outcome(intent);
        if (failure !== undefined) throw userError(failure, members.join(', '));
        ctx.io.out(`Group "${name}" created (${conversationId.slice(0, 8)}) with ${members.join(', ')}.`);
      } finally {
        await session.close();
      }
      return;
    }
    case 'add':
    case 'remove': {
      const [target, who, ...rest] = args;
      if (target === undefined || who === undefined || rest.length > 0) throw usage(`group ${sub} needs a group and one user`);
      const user = username(who);
      const session = await ctx.connect();
      try {
        const host = session.host;
        const conversation = existingConversation(host, target);
        const intent = sub === 'add' ? await host.addMember(conversation.conversationId, user) : await host.removeMember(conversation.conversationId, user);
        await finish(ctx, host, intent, user);
        ctx.io.out(`${sub === 'add' ? 'Added' : 'Removed'} ${user} ${sub === 'add' ? 'to' : 'from'} ${conversation.name ?? conversation.conversationId.slice(0, 8)}.`);
      } finally {
        await session.close();
      }
      return;
    }
    case 'leave': {
      if (args.length !== 1) throw usage('group leave needs a group');
      const session = await ctx.connect();
      try {
        const host = session.host;
        const conversation = existingConversation(host, args[0]!);
        const intent = await host.leave(conversation.conversationId);
        await finish(ctx, host, intent, host.username);
        ctx.io.out(`Leaving ${conversation.name ?? conversation.conversationId.slice(0, 8)}: the next member online completes it, on all your devices.`);
      } finally {
        await session.close();
      }
      return;
    }
    case 'list': {
      if (args.length > 0) throw usage('group list takes no arguments');
      const session = await ctx.connect();
      try {
        const host = session.host;
        const all = host.conversations();
        if (all.length === 0) ctx.io.out('No conversations yet. Start one with `sealed chat <user>` or `sealed group create`.');
        for (const info of all) ctx.io.out(conversationLine(info, host.username));
      } finally {
        await session.close();
      }
      return;
    }
    default:
      throw usage(sub === undefined ? 'group needs a subcommand' : `unknown group subcommand "${sub}"`);
  }
}
