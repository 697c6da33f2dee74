/**
 * Where the passcode comes from, in this order: `--passcode-fd N` (lines read from file
 * descriptor N: the passcode; for `sealed passcode` the current one then the new one),
 * the SEALED_PASSCODE environment variable (and SEALED_NEW_PASSCODE for a change), or the
 * terminal, read without echo. Nothing else: a passcode on the command line would end up in
 * the shell history and the process list.
 */
import { readSync } from 'node:fs';
import { CliError, EXIT } from './exit-codes.ts';

/** Most bytes read from a passcode descriptor: two passcodes of MAX_PASSCODE_BYTES (1024) and newlines. */
const MAX_FD_BYTES = 4096;
/** Most characters typed at the prompt (the vault refuses more than 1024 bytes anyway). */
const MAX_TYPED = 1024;

export interface PasscodeSource {
  /** The next passcode, prompting with `prompt` on a terminal. */
  next(prompt: string): Promise<string>;
  /** True when a new passcode must be typed twice (only at a terminal). */
  readonly interactive: boolean;
  /** False when there is no way to get one (no descriptor, variable or terminal). */
  readonly available: boolean;
}

function readFdLines(fd: number): string[] {
  const buffer = Buffer.alloc(MAX_FD_BYTES);
  let length = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, length, MAX_FD_BYTES - length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      throw new CliError(EXIT.usage, `cannot read the passcode from descriptor ${fd} (${code ?? 'error'})`, 'pass an open, readable descriptor to --passcode-fd');
    }
    if (n === 0) break;
    length += n;
    if (length >= MAX_FD_BYTES) throw new CliError(EXIT.usage, `more than ${MAX_FD_BYTES} bytes on descriptor ${fd}`, 'write only the passcode (one per line) to it');
  }
  const text = buffer.subarray(0, length).toString('utf8');
  buffer.fill(0);
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (error === undefined) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CliError(EXIT.usage, 'cancelled', 'run the command again to continue'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ' && typed.length < MAX_TYPED) typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The passcode source for this run.
 * @param envNames environment variables to use in turn (e.g. SEALED_PASSCODE then SEALED_NEW_PASSCODE)
 */
export function passcodeSource(fd: number | undefined, envNames: readonly string[], env: NodeJS.ProcessEnv = process.env): PasscodeSource {
  if (fd !== undefined) {
    let lines: string[] | undefined;
    return {
      interactive: false,
      available: true,
      next: async () => {
        lines ??= readFdLines(fd);
        const line = lines.shift();
        if (line === undefined) throw new CliError(EXIT.usage, `no passcode left on descriptor ${fd}`, 'write one passcode per line to it');
        return line;
      },
    };
  }
  const fromEnv = envNames.map((name) => env[name]);
  if (fromEnv[0] !== undefined && fromEnv[0] !== '') {
    let index = 0;
    return {
      interactive: false,
      available: true,
      next: async () => {
        const name = envNames[index];
        const value = fromEnv[index++];
        if (value === undefined || value === '') throw new CliError(EXIT.usage, `set ${name ?? 'the passcode variable'} as well`, 'or type the passcodes in a terminal');
        return value;
      },
    };
  }
  if (process.stdin.isTTY !== true) {
    return {
      interactive: false,
      available: false,
      next: async () => {
        throw new CliError(EXIT.usage, 'no passcode: not a terminal and SEALED_PASSCODE is not set', 'set SEALED_PASSCODE, use --passcode-fd N, or run in a terminal');
      },
    };
  }
  return { interactive: true, available: true, next: (prompt) => promptHidden(prompt) };
}

/** A new passcode: typed twice at a terminal, once otherwise. @throws CliError(usage) when the two differ */
export async function newPasscode(source: PasscodeSource, prompt: string): Promise<string> {
  const first = await source.next(`${prompt}: `);
  if (!source.interactive) return first;
  const second = await source.next('Type it again: ');
  if (first !== second) throw new CliError(EXIT.usage, 'the two passcodes differ', 'run the command again');
  return first;
}
