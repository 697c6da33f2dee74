/**
 * Test access to the external services of scale-out mode (PostgreSQL, NATS) on this
 * machine. A test that needs one calls `requirePostgres()` / `requireNats()` in `before`:
 * if the service is down the test FAILS (never skips) with one line saying which service
 * and how to start it. Tests only ever talk to 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import pg from 'pg';

/** The PostgreSQL database tests use (trust auth on loopback). */
export const PG_TEST_URL = process.env['SEALED_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The NATS server (with JetStream) tests use. */
export const NATS_TEST_URL = process.env['SEALED_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

const PG_START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const NATS_START =
  'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log';
/** How long a service probe may take before the service counts as down. */
const PROBE_TIMEOUT_MS = 3_000;

function loopbackHostPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  const host = parsed.hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`tests only use services on 127.0.0.1, not ${host}`);
  }
  return { host, port: parsed.port ? Number(parsed.port) : defaultPort };
}

/** Throws a one-line, actionable error when PostgreSQL is not reachable. */
export async function requirePostgres(): Promise<void> {
  const { host, port } = loopbackHostPort(PG_TEST_URL, 5432);
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`PostgreSQL is not reachable at ${host}:${port} (${reason}); start it with: ${PG_START}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Throws a one-line, actionable error when NATS is not accepting connections. */
export async function requireNats(): Promise<void> {
  const { host, port } = loopbackHostPort(NATS_TEST_URL, 4222);
  await new Promise<void>((resolve, reject) => {
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(`NATS is not reachable at ${host}:${port} (${reason}); start it with: ${NATS_START}`));
    };
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => fail('timeout'), PROBE_TIMEOUT_MS);
    socket.once('error', (e) => {
      clearTimeout(timer);
      fail(e.message);
    });
    // A NATS server greets every connection with an INFO line.
    socket.once('data', (chunk) => {
      clearTimeout(timer);
      socket.destroy();
      if (chunk.toString('latin1').startsWith('INFO ')) resolve();
      else fail('the service on that port is not NATS');
    });
  });
}

/** A schema of its own for one test file, so files can run in parallel on one database. */
export interface TestSchema {
  readonly schema: string;
  readonly url: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/**
 * Creates nothing yet (the migration runner creates the schema); returns a unique name
 * `t_<label>_<pid>_<random>` and a `drop` that removes it.
 */
export function testSchema(label: string): TestSchema {
  const clean = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20);
  const schema = `t_${clean}_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    schema,
    url: PG_TEST_URL,
    async drop() {
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A NATS subject prefix of its own for one test, so parallel tests never hear each other. */
export function testSubjectPrefix(label: string): string {
  const clean = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20);
  return `sealedtest.${clean}.${process.pid}${randomBytes(4).toString('hex')}`;
}
