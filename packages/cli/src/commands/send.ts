/** `sealed send <target> <text...>`: one message, exit once the server has it. */
import { readFileSync } from 'node:fs';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { explain } from '../explain.ts';
import { conversationFor } from '../target.ts';

/** Largest text read from standard input: the content bound (64 KiB) with room to report it. */
const MAX_STDIN_BYTES = 1024 * 1024;

export async function send(ctx: Context): Promise<void> {
  const [target, ...words] = ctx.args.positional;
  if (target === undefined || words.length === 0) throw new CliError(EXIT.usage, 'send needs a recipient and a text', 'e.g. `sealed send bob "see you at 6"`');
  let text = words.join(' ');
  if (text === '-') {
    const bytes = readFileSync(0);
    if (bytes.length > MAX_STDIN_BYTES) throw new CliError(EXIT.usage, 'the text on standard input is too long', 'send at most 60 KiB per message, or the file with `/send-file` in `sealed chat`');
    text = bytes.toString('utf8').replace(/\n$/, '');
  }
  if (text.length === 0) throw new CliError(EXIT.usage, 'the text is empty', 'e.g. `sealed send bob "see you at 6"`');
  const session = await ctx.connect();
  try {
    const host = session.host;
    const conversation = await conversationFor(host, target, ctx.timeoutMs);
    const failures: unknown[] = [];
    const off = host.on((event) => {
      if (event.type === 'intent-failed') failures.push(event.error);
    });
    let messageId: string;
    try {
      messageId = await host.send(conversation.conversationId, text);
    } catch (error) {
      throw explain(error);
    }
    await host.settle(ctx.timeoutMs);
    off();
    if (failures.length > 0) throw explain(failures[0]);
    ctx.io.out(`Sent (message ${messageId.slice(0, 8)}).`);
  } finally {
    await session.close();
  }
}
