/** `sealed lock`, `sealed passcode`, `sealed status`: the device and its vault. */
import { setTimeout as sleep } from 'node:timers/promises';
import { wasRemovedFromAccount } from '@sealed/client/host/node-erase';
import { changeNodePasscode, readVaultState, requestLock, sessionHolder } from '@sealed/client/host/node-host';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { deviceRemovedError, explain } from '../explain.ts';
import { newPasscode } from '../passcode.ts';
import { transparencyStatus } from '../kt-status.ts';

const POLL_MS = 50;

export async function lock(ctx: Context): Promise<void> {
  if (ctx.args.positional.length > 0) throw new CliError(EXIT.usage, 'lock takes no arguments', 'see `sealed lock --help`');
  if (!(await requestLock(ctx.directory))) {
    ctx.io.out('Nothing is unlocked on this device; its vault is locked.');
    return;
  }
  const deadline = Date.now() + ctx.timeoutMs;
  while ((await sessionHolder(ctx.directory)) !== undefined) {
    if (Date.now() > deadline) throw new CliError(EXIT.busy, 'the running sealed process did not lock in time', 'close it yourself (Ctrl-D or /quit)');
    await sleep(POLL_MS);
  }
  ctx.io.out('Locked: the running session forgot its keys and closed.');
}

export async function passcode(ctx: Context): Promise<void> {
  if (ctx.args.positional.length > 0) throw new CliError(EXIT.usage, 'passcode takes no arguments', 'see `sealed passcode --help`');
  if (wasRemovedFromAccount(ctx.directory)) throw deviceRemovedError();
  const source = ctx.passcodes(['SEALED_PASSCODE', 'SEALED_NEW_PASSCODE']);
  const current = await source.next('Current passcode: ');
  const next = await newPasscode(source, 'New passcode');
  await changeNodePasscode({ directory: ctx.directory, current, next, weakArgon2ForTests: ctx.weakArgon2 });
  ctx.io.out('Passcode changed.');
}

export async function status(ctx: Context): Promise<void> {
  if (ctx.args.positional.length > 0) throw new CliError(EXIT.usage, 'status takes no arguments', 'see `sealed status --help`');
  const state = await readVaultState(ctx.directory, ctx.weakArgon2 !== undefined).catch((error: unknown) => {
    throw explain(error);
  });
  ctx.io.out(`Data directory: ${ctx.directory}`);
  if (!state.exists) {
    ctx.io.out('Vault: none (run `sealed init`)');
    return;
  }
  if (wasRemovedFromAccount(ctx.directory)) {
    ctx.io.out('Vault: erased: this device was removed from its account on another device (link it again with `sealed link --server <url>`, or `sealed init`)');
    return;
  }
  if (state.wiped) {
    ctx.io.out('Vault: erased after too many wrong passcodes (run `sealed init` to start again)');
    return;
  }
  const params = state.params!;
  ctx.io.out(`Vault: locked at rest; Argon2id ${params.memoryKiB >= 1024 ? `${params.memoryKiB / 1024} MiB` : `${params.memoryKiB} KiB`}, ${params.iterations} passes; ${state.failures} wrong passcode${state.failures === 1 ? '' : 's'} in a row (erased at ${state.maxAttempts})`);
  const holder = await sessionHolder(ctx.directory);
  if (holder !== undefined) {
    ctx.io.out(`Unlocked by a running sealed process (pid ${holder}); \`sealed lock\` closes it.`);
    return;
  }
  if (!ctx.passcodes().available) {
    ctx.io.out('Locked: give the passcode (terminal, SEALED_PASSCODE or --passcode-fd) to see the account.');
    return;
  }
  const session = await ctx.open();
  try {
    const host = session.host;
    ctx.io.out(`Account: ${host.username}, this device ${host.deviceId.slice(0, 8)}`);
    ctx.io.out(`Server: ${host.serverUrl}`);
    const conversations = host.conversations();
    ctx.io.out(`Conversations: ${conversations.filter((c) => !c.closed).length} open, ${conversations.filter((c) => c.closed).length} closed`);
    try {
      await ctx.startAndSettle(session);
      if (ctx.removed) return; // main erases the device and says why
      ctx.io.out('Connection: online, caught up');
    } catch (error) {
      ctx.io.out(`Connection: ${explain(error).message}`);
    }
    ctx.io.out(`Receipts: ${host.receiptsEnabled ? 'on' : 'off'} (\`sealed settings receipts on|off\`)`);
    ctx.io.out(`Messages that could not be decrypted this run: ${host.stats.undecryptable}`);
    for (const line of transparencyStatus(host)) ctx.io.out(line);
  } finally {
    await session.close();
  }
}
