/**
 * Starts the Sealed relay as a separate real process for the load generator (spawn.ts), in SQLite mode in a temporary data directory or in scale-out
 * mode (PostgreSQL schema of its own + NATS subject prefix of its own). Rate limits are
 * lifted so the benchmark measures capacity, not policy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort, spawnServer, type Spawned } from './spawn.ts';
import { registerDevice, type TestDevice } from '../../packages/server/test/support/client.ts';

export type Mode = 'sqlite' | 'postgres+nats';

/** PostgreSQL and NATS as the server tests use them (loopback, trust auth). */
const PG_URL = process.env['SEALED_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env['SEALED_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Flags that lift the per-device and per-source rate limits (capacity, not policy). */
const UNLIMITED = [
  '--register-per-minute', '1000000',
  '--claim-per-minute', '1000000',
  '--send-per-second', '10000000',
  '--send-burst', '10000000',
  '--log-level', 'warn',
];

export interface BenchServer {
  readonly mode: Mode;
  readonly process: Spawned;
  readonly baseUrl: string;
  readonly pid: number;
  /** Graceful stop, then the same data (directory or schema) served by a fresh process. */
  restart(): Promise<BenchServer>;
  /** Graceful stop and removal of the data. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Node flags for the server process (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[];
}

/** @throws when the server does not start (with its output). */
export async function startBenchServer(mode: Mode, options: StartOptions = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sealed-bench-'));
  const tag = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const schema = `bench_${tag}`;
  const args = [...UNLIMITED, '--data-dir', dataDir];
  if (mode === 'postgres+nats') {
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    args.push('--storage', 'postgres', '--postgres-url', url.toString(), '--bus', 'nats', '--nats-url', `${NATS_URL}?prefix=sealedbench.${tag}`);
  }
  const port = await freePort();
  const launch = async (): Promise<BenchServer> => {
    const proc = await spawnServer(args, port, options.nodeFlags ?? []);
    return {
      mode,
      process: proc,
      baseUrl: proc.baseUrl,
      pid: proc.pid,
      restart: async () => {
        await proc.stop();
        return launch();
      },
      dispose: async () => {
        await proc.stop();
        rmSync(dataDir, { recursive: true, force: true });
        if (mode === 'postgres+nats') {
          const client = new pg.Client({ connectionString: PG_URL });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          } finally {
            await client.end();
          }
        }
      },
    };
  };
  return launch();
}

/** Registers `count` fresh accounts (one device each), `concurrency` at a time. */
export async function registerMany(baseUrl: string, count: number, concurrency = 16): Promise<TestDevice[]> {
  const devices: TestDevice[] = new Array(count);
  let next = 0;
  const worker = async () => {
    // Bounded by count.
    while (next < count) {
      const i = next++;
      devices[i] = await registerDevice(baseUrl);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return devices;
}

/** A counter from the server's /metrics (summed over its label sets); 0 when absent. */
export async function metric(baseUrl: string, name: string): Promise<number> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export type { TestDevice };
