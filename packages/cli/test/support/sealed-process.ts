/**
 * Real `sealed` processes for whole-system tests: spawned from packages/cli/bin/sealed.mjs
 * with their own data directory and passcode in the environment, every wait bounded. A
 * process that hangs while tsx loads (Node 20, see scripts/test.mjs) never writes its start
 * marker; it is killed and started again (only then: before the marker nothing ran).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SEALED_BIN = fileURLToPath(new URL('../../bin/sealed.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
/** A process must have loaded its code within this. */
const START_TIMEOUT_MS = 60_000;
const START_ATTEMPTS = 3;
/** A one-shot command must finish within this (its own --timeout is lower). */
export const RUN_TIMEOUT_MS = 90_000;
/** Any wait for a line of an interactive process. */
export const LINE_TIMEOUT_MS = 60_000;

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Options {
  readonly home: string;
  readonly passcode?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Test-only weak Argon2id (default true): see packages/cli/src/context.ts. */
  readonly weak?: boolean;
  /** Extra descriptors after 0-2 (e.g. a passcode pipe), as for spawn's stdio. */
  readonly extraFds?: readonly (string | number)[];
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function environment(options: Options): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SEALED_HOME: options.home, SEALED_TEST_START_FD: '3', ...options.env };
  delete env['SEALED_PASSCODE'];
  delete env['SEALED_NEW_PASSCODE'];
  if (options.passcode !== undefined) env['SEALED_PASSCODE'] = options.passcode;
  if (options.env?.['SEALED_NEW_PASSCODE'] !== undefined) env['SEALED_NEW_PASSCODE'] = options.env['SEALED_NEW_PASSCODE'];
  if (options.weak ?? true) env['SEALED_TEST_WEAK_ARGON2'] = '1';
  else delete env['SEALED_TEST_WEAK_ARGON2'];
  return env;
}

/** A started `sealed` process whose output is collected. */
export class SealedProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Result>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      child.once('close', (code) => {
        live.delete(child);
        resolve({ code, stdout: this.stdout, stderr: this.stderr });
      }),
    );
  }

  /** Starts `sealed args`; resolves once its code is loaded (start marker), restarting a hung start. */
  static async start(args: readonly string[], options: Options, stdinText?: string): Promise<SealedProcess> {
    for (let attempt = 1; ; attempt++) {
      const child = spawn(process.execPath, [SEALED_BIN, ...args], {
        cwd: ROOT,
        env: environment(options),
        stdio: ['pipe', 'pipe', 'pipe', 'pipe', ...(options.extraFds ?? [])] as never,
      });
      live.add(child);
      // Collect output from the first byte, so a process that dies while loading is explained.
      const process_ = new SealedProcess(child);
      const started = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
        (child.stdio[3] as NodeJS.ReadableStream).once('data', () => {
          clearTimeout(timer);
          resolve(true);
        });
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (started) {
        if (stdinText !== undefined) {
          child.stdin!.write(stdinText);
          child.stdin!.end();
        }
        return process_;
      }
      child.kill('SIGKILL');
      const result = await process_.exited;
      if (attempt >= START_ATTEMPTS || result.stdout !== '' || result.stderr !== '') {
        throw new Error(`sealed ${args.join(' ')}: did not start (attempt ${attempt}); stderr: ${result.stderr.slice(-2000)}`);
      }
    }
  }

  write(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  endInput(): void {
    this.child.stdin!.end();
  }

  /** Resolves when stdout matches `pattern`. @throws after LINE_TIMEOUT_MS or when the process exits first */
  async waitFor(pattern: RegExp, what: string): Promise<void> {
    const deadline = Date.now() + LINE_TIMEOUT_MS;
    let done = false;
    void this.exited.then(() => (done = true));
    while (!pattern.test(this.stdout)) {
      if (done) throw new Error(`sealed exited before ${what}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Resolves with the result once it exits. @throws after RUN_TIMEOUT_MS (the process is killed) */
  async result(): Promise<Result> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`sealed did not exit within ${RUN_TIMEOUT_MS} ms\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
      }, RUN_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs `sealed args` to completion (stdin: `stdinText`, then closed). */
export async function sealed(args: readonly string[], options: Options, stdinText = ''): Promise<Result> {
  const process_ = await SealedProcess.start(args, options, stdinText);
  return process_.result();
}
