/**
 * The `sealed` command: parses the command line, runs one command, prints errors as one
 * line (what happened, then what to do next) and returns the exit code of its kind
 * (exit-codes.ts). The process entry is entry.ts.
 */
import { parseArgs, type FlagSpec } from './args.ts';
import { makeContext, type Context, type Output } from './context.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { deviceRemovedError, explain } from './explain.ts';
import { eraseRemovedDevice } from '@sealed/client/host/node-erase';
import { commandHelp, COMMANDS, mainHelp } from './help.ts';
import { chat, CHAT_FLAGS } from './commands/chat.ts';
import { lock, passcode, status } from './commands/device.ts';
import { group } from './commands/group.ts';
import { init, INIT_FLAGS } from './commands/init.ts';
import { contacts, verify, VERIFY_FLAGS } from './commands/people.ts';
import { devices, link, LINK_FLAGS } from './commands/devices.ts';
import { send } from './commands/send.ts';
import { settings } from './commands/settings.ts';
import { timer } from './commands/timer.ts';

interface Command {
  readonly flags: Record<string, FlagSpec>;
  readonly run: (ctx: Context) => Promise<void>;
}

const RUN: Readonly<Record<string, Command>> = {
  init: { flags: INIT_FLAGS, run: init },
  link: { flags: LINK_FLAGS, run: link },
  devices: { flags: {}, run: devices },
  contacts: { flags: {}, run: contacts },
  chat: { flags: CHAT_FLAGS, run: chat },
  send: { flags: {}, run: send },
  group: { flags: {}, run: group },
  verify: { flags: VERIFY_FLAGS, run: verify },
  timer: { flags: {}, run: timer },
  settings: { flags: {}, run: settings },
  lock: { flags: {}, run: lock },
  passcode: { flags: {}, run: passcode },
  status: { flags: {}, run: status },
};

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs one command line; resolves to the exit code. */
export async function main(argv: readonly string[], io: Output = processOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === 'help') {
      io.out(mainHelp());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = RUN[name];
    if (command === undefined || COMMANDS[name] === undefined) throw new CliError(EXIT.usage, `unknown command "${name}"`, 'run `sealed --help` for the list');
    const args = parseArgs(rest, command.flags, name);
    if (args.flags.has('help')) {
      io.out(commandHelp(name));
      return EXIT.ok;
    }
    const context = makeContext(args, io, env);
    try {
      await command.run(context);
    } catch (error) {
      if (!context.removed) throw error;
    }
    // Removed from the account on another device: erase this one now (the session is closed).
    if (context.removed) {
      await eraseRemovedDevice(context.directory);
      throw deviceRemovedError();
    }
    return EXIT.ok;
  } catch (error) {
    const failure = explain(error);
    // SEALED_DEBUG=1 adds the stack of an internal error (never a secret: SDK errors carry codes only).
    if (failure.exitCode === EXIT.internal && env['SEALED_DEBUG'] === '1') io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    io.err(`sealed: ${failure.message}${failure.hint === undefined ? '' : ` (${failure.hint})`}`);
    return failure.exitCode;
  }
}

