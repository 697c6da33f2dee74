/**
 * A real `sealed-auditor` process (packages/auditor) for browser tests: a fresh Ed25519 key
 * (its public key goes into the server's --kt-auditors), the process following the server's
 * audit feed and countersigning, paused and resumed (SIGSTOP/SIGCONT: an auditor behind),
 * and a SIGKILL to make it stop countersigning. The process
 * is killed when the test process exits, like the servers of server-process.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { toHex } from '@sealed/protocol/encoding';

const AUDITOR_BIN = fileURLToPath(new URL('../../../auditor/bin/sealed-auditor.mjs', import.meta.url));
/** Poll interval of the auditor once caught up: a few times per server epoch of the tests. */
const POLL_MS = 100;
/** Longest wait for the first countersignature (tsx start-up included). */
const FIRST_COUNTERSIGN_MS = 30_000;
/** Lines of output kept for failure messages. */
const KEEP_LINES = 200;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** An auditor key written to `<dir>/auditor.key` (mode 0600), the seed never printed. */
export interface AuditorKey {
  readonly keyFile: string;
  /** Hex, for the server's --kt-auditors. */
  readonly publicKeyHex: string;
}

export function newAuditorKey(dir: string): AuditorKey {
  const key = nodeProvider.signatureGenerate('Ed25519');
  const keyFile = join(dir, 'auditor.key');
  writeFileSync(keyFile, `${toHex(key.privateKey)}\n`, { mode: 0o600 });
  return { keyFile, publicKeyHex: toHex(key.publicKey) };
}

export interface AuditorProcess {
  readonly output: readonly string[];
  /** Resolves once the auditor printed a countersignature after this call (bounded). */
  countersigned(): Promise<void>;
  /** SIGSTOP: it countersigns nothing until `resume` (an auditor that fell behind). */
  pause(): void;
  /** SIGCONT after `pause`: it catches up with the feed. */
  resume(): void;
  /** SIGKILL: it stops countersigning at once (as an auditor that crashed or went away). */
  kill(): Promise<void>;
}

/** Starts the auditor against `serverUrl`, its journal in `stateDir`. */
export function startAuditor(serverUrl: string, stateDir: string, key: AuditorKey): AuditorProcess {
  const child = spawn(process.execPath, [AUDITOR_BIN, '--server', serverUrl, '--state-dir', stateDir, '--key-file', key.keyFile, '--poll-ms', String(POLL_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const output: string[] = [];
  let signed = 0;
  const collect = (stream: NodeJS.ReadableStream) => {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        output.push(line);
        if (output.length > KEEP_LINES) output.shift();
        if (line.includes('countersigned size')) signed++;
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  return {
    output,
    countersigned: async () => {
      const before = signed;
      const deadline = Date.now() + FIRST_COUNTERSIGN_MS;
      while (signed === before) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`sealed-auditor did not countersign:\n${output.slice(-20).join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
