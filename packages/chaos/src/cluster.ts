/**
 * The servers of a chaos run, as real processes, each behind its own fault proxy:
 * - `sqlite`: one node with embedded SQLite in a temporary data directory;
 * - `pg-nats`: two nodes sharing one PostgreSQL schema and a private NATS server (so NATS
 *   can be killed and restarted without touching the machine's shared one).
 * Faults at this level: SIGKILL and restart of a node, NATS killed and restarted, every
 * PostgreSQL connection of the run terminated by the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, startServer, type ServerProcess } from '../../server/test/support/server-process.ts';
import { startPrivateNats, type PrivateNats } from '../../server/test/support/nats-server.ts';
import { PG_TEST_URL, requirePostgres, testSchema, type TestSchema } from '../../server/test/support/services.ts';
import { FaultProxy, type FaultProfile } from './fault-proxy.ts';
import type { Rng } from './rng.ts';

export type ClusterMode = 'sqlite' | 'pg-nats';

interface Node {
  readonly label: string;
  readonly port: number;
  readonly dataDir: string;
  process: ServerProcess;
  readonly proxy: FaultProxy;
}

export class Cluster {
  private constructor(
    readonly mode: ClusterMode,
    private readonly nodes: Node[],
    private readonly args: (node: { dataDir: string }) => string[],
    private readonly root: string,
    private nats: PrivateNats | undefined,
    private readonly natsPort: number,
    private readonly schema: TestSchema | undefined,
    private readonly applicationName: string,
  ) {}

  static async start(mode: ClusterMode, rng: Rng, faults: FaultProfile): Promise<Cluster> {
    const root = mkdtempSync(join(tmpdir(), `sealed-chaos-${mode}-`));
    const applicationName = `sealed_chaos_${process.pid}_${rng.int(0, 2 ** 30)}`;
    // Limits are for hostile clients; the simulated ones are many and fast on purpose.
    const common = ['--register-per-minute', '1000000', '--claim-per-minute', '1000000', '--log-level', 'warn'];
    let schema: TestSchema | undefined;
    let nats: PrivateNats | undefined;
    let natsPort = 0;
    let args: (node: { dataDir: string }) => string[];
    if (mode === 'sqlite') {
      args = (node) => ['--storage', 'sqlite', '--data-dir', node.dataDir, ...common];
    } else {
      await requirePostgres();
      schema = testSchema('chaos');
      natsPort = await freePort();
      nats = await startPrivateNats(natsPort);
      const pgUrl = new URL(schema.url);
      pgUrl.searchParams.set('schema', schema.schema);
      pgUrl.searchParams.set('application_name', applicationName);
      // One subject prefix for the whole run, drawn once: every node, restarted ones
      // included, must publish and subscribe under the same prefix or pushes between nodes
      // never arrive.
      const natsUrl = `nats://127.0.0.1:${natsPort}?prefix=chaos${rng.int(0, 2 ** 30)}`;
      args = (node) => [
        '--storage', 'postgres', '--postgres-url', pgUrl.toString(),
        '--bus', 'nats', '--nats-url', natsUrl,
        '--data-dir', node.dataDir, ...common,
      ];
    }
    const labels = mode === 'sqlite' ? ['node'] : ['node A', 'node B'];
    const nodes: Node[] = [];
    for (const [i, label] of labels.entries()) {
      const port = await freePort();
      const dataDir = join(root, `node${i}`);
      const process = await startServer({ label, port, args: args({ dataDir }) });
      const proxy = await FaultProxy.start(process.baseUrl, rng.fork(`proxy${i}`), faults);
      nodes.push({ label, port, dataDir, process, proxy });
    }
    return new Cluster(mode, nodes, args, root, nats, natsPort, schema, applicationName);
  }

  /** Base URLs clients use (the proxies), one per node. */
  get entryPoints(): string[] {
    return this.nodes.map((n) => n.proxy.baseUrl);
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  proxies(): FaultProxy[] {
    return this.nodes.map((n) => n.proxy);
  }

  /** SIGKILL one node (no shutdown code runs) and start it again on the same port and data. */
  async crashAndRestart(index: number, downMs: number): Promise<void> {
    const node = this.nodes[index]!;
    await node.process.kill9();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    node.process = await startServer({ label: `${node.label} (restarted)`, port: node.port, args: this.args(node) });
  }

  /** Kills the private NATS server and starts it again on the same port after `downMs`. */
  async restartNats(downMs: number): Promise<boolean> {
    if (this.nats === undefined) return false;
    await this.nats.kill();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.nats = await startPrivateNats(this.natsPort);
    return true;
  }

  /** Has PostgreSQL terminate every connection of this run's servers; returns how many. */
  async dropDatabaseConnections(): Promise<number> {
    if (this.schema === undefined) return 0;
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    try {
      const result = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [this.applicationName]);
      return result.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  /** Runs `sql` against this run's schema (for end-of-run checks such as empty queues). */
  async query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    if (this.schema === undefined) throw new Error('query: only in pg-nats mode');
    const client = new pg.Client({ connectionString: this.schema.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${this.schema.schema}`);
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  get sqliteDataDir(): string | undefined {
    return this.mode === 'sqlite' ? this.nodes[0]!.dataDir : undefined;
  }

  /** Memory of the server processes (resident set, KiB), read from /proc. */
  serverPids(): number[] {
    return this.nodes.map((n) => n.process.pid);
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.proxy.close();
    await Promise.all(this.nodes.map((n) => n.process.stop()));
    await this.nats?.kill();
    await this.schema?.drop();
    rmSync(this.root, { recursive: true, force: true });
  }
}
