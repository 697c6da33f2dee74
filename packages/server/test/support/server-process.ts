/**
 * Real server processes for whole-system tests: spawn `packages/server/src/main.ts` (through
 * tsx, no wrapper, so a signal reaches the server itself), wait for its "listening" line,
 * SIGKILL it, restart it on the same port. Every process started here is killed when the
 * test process exits, and every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The server's entry point. */
export const SERVER_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** Start-up (tsx compile, migrations) must finish within this. */
export const START_TIMEOUT_MS = 30_000;
/** A graceful stop must finish within this, after which the process is killed. */
export const STOP_TIMEOUT_MS = 10_000;
/** Lines of output kept per process for failure messages (older ones are dropped). */
const KEEP_LINES = 400;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerOptions {
  /** Command-line flags after the entry point (the port flag is added from `port`). */
  readonly args: readonly string[];
  readonly port: number;
  readonly env?: Readonly<Record<string, string>>;
  /** Shown in failure messages. */
  readonly label: string;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** Last lines of stdout and stderr (for assertions on logs and failure messages). */
  readonly output: readonly string[];
  readonly exited: Promise<ExitStatus>;
  /** SIGKILL: no shutdown code runs, as in a crash. Resolves once the process is gone. */
  kill9(): Promise<ExitStatus>;
  /** SIGTERM (graceful), then SIGKILL after STOP_TIMEOUT_MS. */
  stop(): Promise<ExitStatus>;
}

/** A process that printed nothing at all before START_TIMEOUT_MS is started again, this often. */
const START_ATTEMPTS = 3;

/**
 * Starts a server and resolves once it printed a line containing "listening".
 *
 * On Node 20, tsx's off-thread module hooks now and then deadlock a process while it loads
 * (idle, nothing printed; see scripts/test.mjs). Such a process is killed and started again;
 * one that printed anything and still did not listen is a real failure.
 * @throws with the tail of its output when it exits or stays silent too long.
 */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startServerOnce(options);
    } catch (error) {
      if (!(error instanceof SilentStartError) || attempt >= START_ATTEMPTS) throw error;
      console.error(`${options.label}: silent for ${START_TIMEOUT_MS} ms at start-up (attempt ${attempt}); starting again`);
    }
  }
}

class SilentStartError extends Error {}

async function startServerOnce(options: ServerOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_MAIN, ...options.args, '--port', String(options.port)], {
    cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const output: string[] = [];
  let listening: (() => void) | undefined;
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (output.length > KEEP_LINES) output.shift();
        if (/listening/i.test(line)) listening?.();
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const tail = () => output.slice(-30).join('\n');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const message = `${options.label}: no "listening" line within ${START_TIMEOUT_MS} ms\n${tail()}`;
      reject(output.length === 0 ? new SilentStartError(message) : new Error(message));
    }, START_TIMEOUT_MS);
    listening = () => {
      clearTimeout(timer);
      resolve();
    };
    void exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`${options.label}: exited during start-up (${status.code ?? status.signal})\n${tail()}`));
    });
  });
  listening = undefined;
  const kill = async (signal: NodeJS.Signals, graceMs: number): Promise<ExitStatus> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const status = await exited;
    clearTimeout(timer);
    return status;
  };
  return {
    baseUrl: `http://127.0.0.1:${options.port}`,
    pid: child.pid!,
    output,
    exited,
    kill9: () => kill('SIGKILL', 0),
    stop: () => kill('SIGTERM', STOP_TIMEOUT_MS),
  };
}
