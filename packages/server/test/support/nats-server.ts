/**
 * A private NATS server process for tests that must stop and restart NATS (the shared one at
 * 127.0.0.1:4222 serves other test files and is never touched). Loopback only, no
 * JetStream, bounded waits; killed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';
/** The server prints "Server is ready" within this. */
const READY_TIMEOUT_MS = 10_000;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface PrivateNats {
  readonly url: string;
  /** SIGKILL, resolves once gone. */
  kill(): Promise<void>;
}

/**
 * Starts `nats-server -a 127.0.0.1 -p <port>` and waits until it is ready.
 * @throws with a one-line hint when the binary is missing or it does not start.
 */
export async function startPrivateNats(port: number): Promise<PrivateNats> {
  if (!existsSync(NATS_SERVER_BINARY)) {
    throw new Error(`${NATS_SERVER_BINARY} is missing: install the nats-server package (apt-get install nats-server)`);
  }
  const child = spawn(NATS_SERVER_BINARY, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      reject(new Error(`private nats-server on port ${port} not ready within ${READY_TIMEOUT_MS} ms: ${output.slice(-300)}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`private nats-server on port ${port} exited: ${output.slice(-300)}`));
    });
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
