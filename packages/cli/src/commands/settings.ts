/**
 * `sealed settings [receipts on|off]`: this device's settings. Receipts (delivery and
 * read, encrypted like messages) are a per-device choice: with them off this device sends
 * none, so the people you talk to never see "delivered" or "read" from it.
 */
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';

export async function settings(ctx: Context): Promise<void> {
  const [name, value, ...rest] = ctx.args.positional;
  const usage = (text: string) => new CliError(EXIT.usage, text, 'e.g. `sealed settings receipts off`; see `sealed settings --help`');
  if (rest.length > 0) throw usage('settings takes at most a setting and its value');
  if (name !== undefined && name !== 'receipts') throw usage(`unknown setting "${name}" (there is: receipts)`);
  if (name !== undefined && value === undefined) throw usage('receipts needs "on" or "off"');
  if (value !== undefined && value !== 'on' && value !== 'off') throw usage(`receipts is "on" or "off", not "${value}"`);
  const session = await ctx.connect();
  try {
    const host = session.host;
    if (value !== undefined) {
      await host.setReceipts(value === 'on');
      await host.settle(ctx.timeoutMs);
    }
    const on = host.receiptsEnabled;
    ctx.io.out(`Receipts: ${on ? 'on' : 'off'} on this device (${on ? 'it tells senders when their messages arrive and when you read them' : 'it never tells senders that their messages arrived or were read'}).`);
  } finally {
    await session.close();
  }
}
