/**
 * `sealed chat <target>`: history, then live messages; each line typed is sent. Plain
 * readline (no TUI dependency). Ends on /quit, end of input, or `sealed lock`; when input
 * ends it first waits (bounded) until what was typed reached the server.
 */
import { createInterface, type Interface } from 'node:readline';
import { usersOf, type SealedHost } from '@sealed/client/host/host';
import type { HostEvent } from '@sealed/client/host/events';
import { intFlag } from '../args.ts';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { explain } from '../explain.ts';
import { conversationLine, conversationTitle, messageLine } from '../render.ts';
import { conversationFor } from '../target.ts';
import { ChatReceipts } from './chat-receipts.ts';
import { FileCommands } from './files.ts';

export const CHAT_FLAGS = { history: { value: true } } as const;
const DEFAULT_HISTORY = 20;

/** One line for an event of conversation `id`, or undefined when it is not shown. */
function eventLine(event: HostEvent, id: string, me: string, receipts: ChatReceipts): string | undefined {
  switch (event.type) {
    case 'message':
      return event.conversationId === id ? messageLine(event.message, me) : undefined;
    case 'message-status':
      return receipts.line(event);
    case 'expired':
      return event.conversationId === id ? `* ${event.messageIds.length} message${event.messageIds.length === 1 ? '' : 's'} disappeared (the disappearing-messages timer)` : undefined;
    case 'sign-in-failed':
      return event.code === 'unauthorized' ? '* the server refused this device' : undefined;
    case 'conversation':
      return event.conversation.conversationId === id ? `* members: ${usersOf(event.conversation).join(', ')} (epoch ${event.conversation.epoch})` : undefined;
    case 'conversation-closed':
      return event.conversationId === id ? '* you were removed from this conversation; nothing more can be sent' : undefined;
    case 'member-unverified':
      return event.conversationId === id ? `* WARNING: ${event.usernames.join(', ')} have a device their account did not sign${event.left ? '; left the conversation' : ''}` : undefined;
    case 'decrypt-failure':
      return event.conversationId === id || event.conversationId === undefined ? `* a message could not be decrypted (${event.reason})` : undefined;
    case 'offline':
      return '* connection lost; reconnecting...';
    case 'online':
      return '* connected';
    case 'intent-failed':
      return `* ${explain(event.error).message}`;
    case 'transparency':
      return `* ${event.alert.message}`;
    default:
      return undefined;
  }
}

function handleLine(line: string, host: SealedHost, id: string, me: string, print: (line: string) => void, rl: Interface, files: FileCommands): void {
  const text = line.trim();
  if (text === '') return;
  if (text === '/quit') return rl.close();
  if (text === '/help') return print('* type a message and press Enter; /send-file PATH [caption]; /files; /save N PATH; /members; /quit');
  if (text.startsWith('/send-file ') || text === '/files' || text.startsWith('/save ')) return files.run(text);
  if (text === '/members') {
    const info = host.conversation(id);
    if (info !== undefined) print(`* ${conversationLine(info, me)}`);
    return;
  }
  host.send(id, line).catch((error: unknown) => print(`* ${explain(error).message}`));
}

export async function chat(ctx: Context): Promise<void> {
  const [target, ...rest] = ctx.args.positional;
  if (target === undefined || rest.length > 0) throw new CliError(EXIT.usage, 'chat takes one user, group or conversation id', 'see `sealed chat --help`');
  const historyCount = intFlag(ctx.args, 'history', 0, 1000) ?? DEFAULT_HISTORY;
  const tty = process.stdin.isTTY === true;
  let rl: Interface | undefined;
  let locked = false;
  ctx.onRemoved(() => rl?.close());
  const session = await ctx.connect(() => {
    locked = true;
    rl?.close();
  });
  try {
    const host = session.host;
    const conversation = await conversationFor(host, target, ctx.timeoutMs);
    const id = conversation.conversationId;
    const me = host.username;
    const receipts = new ChatReceipts(host, id, me);
    // Read receipts go out in the background; the last settle waits for them.
    let reading: Promise<void> = Promise.resolve();
    const read = (ids: readonly string[]) => {
      if (ids.length > 0) reading = reading.then(() => host.markRead(id, ids)).catch(() => undefined);
    };
    const unread: string[] = [];
    for (const message of await host.history(id, historyCount)) {
      ctx.io.out(messageLine(message, me, message.outgoing ? host.messageStatus(id, message.messageId) : undefined));
      const toMark = receipts.shown(message);
      if (toMark !== undefined) unread.push(toMark);
    }
    read(unread);
    const input = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
    rl = input;
    const print = (line: string) => {
      if (tty) process.stdout.write('\r\x1b[K');
      ctx.io.out(line);
      if (tty) input.prompt(true);
    };
    host.on((event) => {
      if (event.type === 'message' && event.conversationId === id) {
        const toMark = receipts.shown(event.message);
        if (toMark !== undefined) read([toMark]);
      }
      const line = eventLine(event, id, me, receipts);
      if (line !== undefined) print(line);
      // Shown live: not printed again by the next command.
      if (event.type === 'transparency') host.transparency?.takeUnshown();
    });
    const files = new FileCommands(host, id, print, ctx.timeoutMs);
    ctx.io.out(`Chat with ${conversationTitle(conversation, me)} (${id.slice(0, 8)}). Type a message and press Enter; /quit to leave.`);
    input.setPrompt('> ');
    if (tty) input.prompt();
    const ended = new Promise<void>((resolve) => input.once('close', resolve));
    input.on('line', (line) => {
      handleLine(line, host, id, me, print, input, files);
      if (tty && !locked) input.prompt();
    });
    if (locked || ctx.removed) input.close();
    await ended;
    await files.idle();
    await reading;
    if (!locked && !ctx.removed) await host.settle(ctx.timeoutMs).catch((error: unknown) => ctx.io.err(`sealed: ${explain(error).message}`));
  } finally {
    await session.close();
  }
  // Removed from the account: main erases the device and says so.
  if (!ctx.removed) ctx.io.out(locked ? 'Locked by `sealed lock`.' : 'Bye.');
}
