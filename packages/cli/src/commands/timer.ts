/**
 * `sealed timer <user|group|id> [<duration>|off]`: shows or sets a conversation's
 * disappearing-messages timer. The change is sent to every member (encrypted, like a
 * message); each of their devices deletes a message that long after it arrived there,
 * including a device that was offline and catches up later.
 */
import type { Context } from '../context.ts';
import { formatDuration, parseDuration } from '../duration.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { explain } from '../explain.ts';
import { conversationTitle } from '../render.ts';
import { conversationFor, existingConversation } from '../target.ts';

function describe(seconds: number): string {
  return seconds === 0 ? 'off' : `${formatDuration(seconds)} (each device deletes a message ${formatDuration(seconds)} after it arrived there)`;
}

export async function timer(ctx: Context): Promise<void> {
  const [target, value, ...rest] = ctx.args.positional;
  if (target === undefined || rest.length > 0) throw new CliError(EXIT.usage, 'timer takes a user, group or id, and optionally a duration or "off"', 'e.g. `sealed timer bob 1h`; see `sealed timer --help`');
  // Checked before the passcode is asked for.
  const seconds = value === undefined ? undefined : value.toLowerCase() === 'off' ? 0 : parseDuration(value);
  const session = await ctx.connect();
  try {
    const host = session.host;
    const me = host.username;
    if (seconds === undefined) {
      const conversation = existingConversation(host, target);
      ctx.io.out(`Disappearing messages in ${conversationTitle(conversation, me)}: ${describe(host.disappearAfterSeconds(conversation.conversationId))}.`);
      return;
    }
    const conversation = await conversationFor(host, target, ctx.timeoutMs);
    const intent = await host.setDisappearing(conversation.conversationId, seconds).catch((error: unknown) => {
      throw explain(error);
    });
    await host.settle(ctx.timeoutMs);
    const failure = host.outcome(intent);
    if (failure !== undefined) throw explain(failure);
    ctx.io.out(`Disappearing messages in ${conversationTitle(conversation, me)}: ${describe(seconds)}. Every member's devices apply it.`);
  } finally {
    await session.close();
  }
}
