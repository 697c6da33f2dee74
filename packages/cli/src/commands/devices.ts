/** `sealed link` and `sealed devices`: several devices per account. */
import { forgetRemoval } from '@sealed/client/host/node-erase';
import { linkNodeDevice } from '@sealed/client/host/node-host';
import { decodeLinkCode } from '@sealed/client/engine/devices/link-code';
import { qrMatrix, qrText } from '@sealed/client/features/qr';
import { intFlag } from '../args.ts';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { explain } from '../explain.ts';
import { newPasscode } from '../passcode.ts';
import { serverUrl } from './init.ts';
import { KT_FLAGS, trustFromFlags } from '../kt-trust.ts';

export const LINK_FLAGS = { server: { value: true }, 'max-attempts': { value: true }, ...KT_FLAGS } as const;
/** A new device waits for a person to approve it on another device: up to the link's own expiry (10 min). */
const LINK_WAIT_MS = 10 * 60 * 1000;

function qrOf(text: string): string | undefined {
  try {
    return qrText(qrMatrix(text.toUpperCase()));
  } catch {
    return undefined; // a code outside the QR alphanumeric set: the text alone is shown
  }
}

/** New device: `sealed link --server URL`; existing device: `sealed link <code>`. */
export async function link(ctx: Context): Promise<void> {
  const [code, ...rest] = ctx.args.positional;
  if (rest.length > 0) throw new CliError(EXIT.usage, 'link takes at most one code', 'see `sealed link --help`');
  if (code === undefined) return linkThisDevice(ctx);
  if (ctx.args.flags.has('server')) throw new CliError(EXIT.usage, '--server is for the new device, not with a code', 'see `sealed link --help`');
  // A mistyped code is refused before the passcode is asked for.
  try {
    decodeLinkCode(code.trim());
  } catch (error) {
    throw explain(error);
  }
  const session = await ctx.connect();
  try {
    const host = session.host;
    let linked: { deviceId: string; verificationCode: string } | undefined;
    host.on((event) => {
      if (event.type === 'device-linked') linked = event;
    });
    const intent = await host.approveLink(code.trim());
    await host.until(() => linked !== undefined || host.outcome(intent) !== undefined, ctx.timeoutMs, 'the new device to answer');
    const failure = host.outcome(intent);
    if (failure !== undefined) throw explain(failure);
    const deviceId = linked!.deviceId;
    ctx.io.out(`Linked device ${deviceId.slice(0, 8)}. Verification code: ${linked!.verificationCode} (it must match the one the new device shows).`);
    // The new device is added to each conversation once it has signed in and published its key packages.
    const open = () => host.conversations().filter((c) => !c.closed);
    try {
      await host.until(() => open().every((c) => c.members.some((m) => m.deviceId === deviceId)), ctx.timeoutMs, 'the new device to join every conversation');
      await host.settle(ctx.timeoutMs);
      ctx.io.out(`It was added to ${open().length} conversation${open().length === 1 ? '' : 's'}.`);
    } catch {
      ctx.io.out('It will be added to the remaining conversations the next time this device is online.');
    }
  } finally {
    await session.close();
  }
}

async function linkThisDevice(ctx: Context): Promise<void> {
  const server = serverUrl(ctx.args.flags.get('server') as string | undefined, 'link');
  const maxAttempts = intFlag(ctx.args, 'max-attempts', 1, 1000);
  const trust = await trustFromFlags(ctx.args, server, 'link');
  const passcode = await newPasscode(ctx.passcodes(), 'New passcode for this device');
  const timeoutMs = ctx.args.flags.has('timeout') ? ctx.timeoutMs : LINK_WAIT_MS;
  const session = await linkNodeDevice({
    directory: ctx.directory,
    passcode,
    serverUrl: server,
    timeoutMs,
    weakArgon2ForTests: ctx.weakArgon2,
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    ...(trust === undefined ? {} : { transparency: { pin: trust } }),
    onEvent: (event) => {
      if (event.type !== 'link-offer') return;
      ctx.io.out('On a device that already has your account, run:');
      ctx.io.out(`  sealed link ${event.code}`);
      const qr = qrOf(event.code);
      if (qr !== undefined) ctx.io.out(qr);
      ctx.io.out(`Verification code: ${event.verificationCode} (the other device must show the same)`);
      ctx.io.out('Waiting for the approval...');
    },
  });
  try {
    await forgetRemoval(ctx.directory);
    await session.host.settle(ctx.timeoutMs);
    ctx.io.out(`Linked: this device is ${session.host.deviceId.slice(0, 8)} of account ${session.host.username}. Conversations appear as the other devices add it.`);
  } finally {
    await session.close();
  }
}

export async function devices(ctx: Context): Promise<void> {
  const [sub, id, ...rest] = ctx.args.positional;
  if (rest.length > 0 || (sub !== undefined && sub !== 'remove') || (sub === 'remove' && id === undefined)) {
    throw new CliError(EXIT.usage, 'devices takes no arguments, or `remove <device-id>`', 'see `sealed devices --help`');
  }
  if (id !== undefined && !/^[0-9a-f]{1,32}$/i.test(id)) throw new CliError(EXIT.usage, `"${id.slice(0, 40)}" is not a device id (hex digits)`, 'copy it from `sealed devices`');
  const session = await ctx.connect();
  try {
    const host = session.host;
    const list = host.engine.devices();
    if (sub === 'remove') {
      const prefix = id!.toLowerCase();
      const matches = list.filter((d) => d.deviceId.startsWith(prefix));
      if (matches.length !== 1) throw new CliError(EXIT.notFound, matches.length === 0 ? `no device ${prefix} in this account` : `${matches.length} devices start with ${prefix}`, 'see `sealed devices`');
      if (matches[0]!.current) throw new CliError(EXIT.usage, 'that is this device', 'remove it from another device');
      const intent = await host.removeDevice(matches[0]!.deviceId);
      await host.settle(ctx.timeoutMs);
      const failure = host.outcome(intent);
      if (failure !== undefined) throw explain(failure);
      ctx.io.out(`Removed device ${matches[0]!.deviceId.slice(0, 8)}: it can no longer sign in or read anything new, and it erases its keys and messages the next time it runs.`);
      return;
    }
    ctx.io.out(`Account ${host.username}:`);
    for (const device of list) ctx.io.out(`  ${device.deviceId}${device.current ? '  (this device)' : ''}`);
  } finally {
    await session.close();
  }
}
