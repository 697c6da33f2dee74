/**
 * Spawns the relay as `node SERVER_NODE_FLAGS [nodeFlags] --import tsx packages/server/src/main.ts ...` (no
 * wrapper: the pid is the server's, so /proc figures are the server's own), waits for its
 * "listening" line, and stops it with SIGTERM (graceful: a --cpu-prof profile is written on
 * that exit) or SIGKILL after a bound. Every child is killed when the bench exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
// The V8 flags the relay's launchers pass (bin/sealed-server.mjs, `npm start`): measure it as it runs.
import { SERVER_NODE_FLAGS } from '../../packages/server/bin/node-flags.mjs';

const SERVER_MAIN = fileURLToPath(new URL('../../packages/server/src/main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Start-up (tsx compile, migrations) on a busy machine. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

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

export interface Spawned {
  readonly pid: number;
  readonly baseUrl: string;
  /** SIGTERM, SIGKILL after STOP_TIMEOUT_MS; resolves once gone. */
  stop(): Promise<void>;
}

/** @throws with the output's tail when the server exits or stays silent during start-up. */
export async function spawnServer(args: readonly string[], port: number, nodeFlags: readonly string[] = []): Promise<Spawned> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeFlags, '--import', 'tsx', SERVER_MAIN, ...args, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server not listening within ${START_TIMEOUT_MS} ms:\n${output.slice(-2000)}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      // Keep only a tail: the server logs little at level warn, but bound it anyway.
      output = (output + chunk.toString('utf8')).slice(-8000);
      if (/listening/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited during start-up:\n${output.slice(-2000)}`));
    });
  });
  return {
    pid: child.pid!,
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
