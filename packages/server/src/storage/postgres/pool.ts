/**
 * PostgreSQL connection management for the scale-out back end: one `pg` pool per server
 * process, every connection pinned to one schema through `search_path` (so a deployment,
 * or a test file, can own a schema of its own), and a transaction helper that retries the
 * errors PostgreSQL documents as "retry the transaction" (serialization failure, deadlock).
 */
import pg from 'pg';

/** Default pool size: enough for a busy node without exhausting `max_connections` (100) with a handful of nodes. */
export const DEFAULT_PG_POOL_SIZE = 10;
/** A node that cannot reach PostgreSQL within this many milliseconds reports it instead of hanging. */
export const PG_CONNECT_TIMEOUT_MS = 5_000;
/** Transactions that lose a serialization or deadlock race are retried at most this often, then the error surfaces. */
export const PG_MAX_TRANSACTION_ATTEMPTS = 5;
/** Schema names are interpolated into `search_path` and DDL, so only plain identifiers are accepted (63 = NAMEDATALEN - 1). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Error codes of this module. */
export type PgStorageErrorCode = 'pg_unreachable' | 'pg_bad_config' | 'pg_schema_too_new';

/** A typed failure of the PostgreSQL back end's setup. Never carries row content. */
export class PgStorageError extends Error {
  readonly code: PgStorageErrorCode;
  constructor(code: PgStorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PgStorageError';
    this.code = code;
  }
}

/** How to reach PostgreSQL. */
export interface PgConfig {
  /** libpq-style URL, e.g. `postgres://postgres@127.0.0.1:5432/sealed`. */
  readonly url: string;
  /**
   * Schema holding Sealed's tables; created on migration if missing. Default: the URL's
   * `schema` query parameter (so `--postgres-url ...?schema=sealed` needs no other flag),
   * else `public`.
   */
  readonly schema?: string;
  /** Maximum connections of this process's pool (default: the URL's `pool` parameter, else {@link DEFAULT_PG_POOL_SIZE}). */
  readonly poolSize?: number;
  /** Shown in `pg_stat_activity` (default `sealed-server`); lets an operator (or a test) tell nodes apart. */
  readonly applicationName?: string;
}

/** The pool plus the schema its connections use. */
export interface PgHandle {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Ends every connection; idempotent. */
  close(): Promise<void>;
}

/**
 * Checks a schema name before it is interpolated into SQL.
 * @throws {PgStorageError} `pg_bad_config` when it is not a plain lower-case identifier.
 */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new PgStorageError('pg_bad_config', 'PostgreSQL schema name must match [a-z_][a-z0-9_]{0,62}');
  }
  return schema;
}

/** Host and port of a URL for messages (never the password or user). */
export function describePgUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** OID of PostgreSQL's `bigint` (int8). */
const INT8_OID = 20;

/**
 * `pg` returns bigint columns as strings (they may exceed 2^53). Every bigint Sealed stores
 * (sequence numbers, epochs, milliseconds, sizes) stays far below that, so it is parsed to a
 * number here, and a value beyond 2^53 - 1 (only possible in a corrupted database) throws
 * rather than silently losing precision.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError('bigint column beyond 2^53 - 1');
  return value;
}

function typeParser(oid: number, format?: string): unknown {
  if (oid === INT8_OID && format !== 'binary') return parseInt8;
  return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid);
}

/** Sealed's own query parameters of a PostgreSQL URL (libpq would not know them). */
export interface SealedUrlParams {
  /** The URL without them, as handed to the driver. */
  readonly url: string;
  /** `schema=<name>`: the schema of this deployment. */
  readonly schema: string | undefined;
  /** `pool=<n>`: connections of this node's pool, as text (checked by openPgPool). */
  readonly pool: string | undefined;
}

/**
 * Splits Sealed's own `schema` and `pool` query parameters off a connection URL, so one
 * `--postgres-url` flag carries them. A URL that does not parse is returned unchanged
 * for `pg` to reject.
 */
export function splitSealedParams(url: string): SealedUrlParams {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, schema: undefined, pool: undefined };
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  const pool = parsed.searchParams.get('pool') ?? undefined;
  if (schema === undefined && pool === undefined) return { url, schema, pool };
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('pool');
  return { url: parsed.toString(), schema, pool };
}

/** {@link splitSealedParams} for callers that only need the schema (both parameters are removed). */
export function splitSchemaParam(url: string): { url: string; schema: string | undefined } {
  const { url: clean, schema } = splitSealedParams(url);
  return { url: clean, schema };
}

/**
 * Opens a pool and proves it works with one round trip.
 * @throws {PgStorageError} `pg_bad_config` for a bad schema name or pool size,
 *   `pg_unreachable` when no connection can be made.
 */
export async function openPgPool(config: PgConfig): Promise<PgHandle> {
  const fromUrl = splitSealedParams(config.url);
  const schema = assertSchemaName(config.schema ?? fromUrl.schema ?? 'public');
  const max = config.poolSize ?? (fromUrl.pool === undefined ? DEFAULT_PG_POOL_SIZE : Number(fromUrl.pool));
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw new PgStorageError('pg_bad_config', 'PostgreSQL pool size must be an integer in 1..1000');
  }
  const pool = new pg.Pool({
    connectionString: fromUrl.url,
    max,
    types: { getTypeParser: typeParser as never },
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    application_name: config.applicationName ?? 'sealed-server',
    // `public` stays on the path so extensions installed there remain visible.
    options: `-c search_path=${schema},public`,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that
  // would crash the process. The next checkout gets a fresh connection instead.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new PgStorageError('pg_unreachable', `PostgreSQL unreachable at ${describePgUrl(config.url)}`, { cause });
  }
  let closed = false;
  return {
    pool,
    schema,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** SQLSTATEs after which PostgreSQL says the whole transaction may simply be retried. */
const RETRYABLE_SQLSTATE = new Set(['40001', '40P01']);

/** True when `error` is a `pg` error with the given SQLSTATE. */
export function hasSqlState(error: unknown, sqlState: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === sqlState;
}

/**
 * SQLSTATEs of a session PostgreSQL ended (class 08 is "connection exception"): 57P01
 * admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up).
 */
const SESSION_ENDED_SQLSTATE = new Set(['57P01', '57P02', '57P03']);

/**
 * True when `error` says the connection was lost (terminated by the server, reset, timed
 * out) rather than that the statement itself failed: the same work may succeed on a fresh
 * connection. Whatever the `pg` client throws that is not a server-reported error
 * (`DatabaseError`) is about the connection ("Connection terminated unexpectedly", "not
 * queryable", ECONNRESET, checkout timeout).
 */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    return code.startsWith('08') || SESSION_ENDED_SQLSTATE.has(code);
  }
  return error instanceof Error;
}

/**
 * Runs `work` inside BEGIN/COMMIT on one connection; rolls back on any throw. Retries
 * serialization failures, deadlocks and a connection lost before COMMIT up to
 * {@link PG_MAX_TRANSACTION_ATTEMPTS} times, so `work` must have no effects outside the
 * database. Work that consumes something it cannot replay (an upload's stream) passes
 * `replayable: false` and is never run twice: run again, it would store what was left of
 * the stream as if it were the whole.
 * @throws whatever `work` throws (after rollback), or the last retryable database error.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  isolation: 'read committed' | 'repeatable read' | 'serializable' = 'read committed',
  options: { readonly replayable?: boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken = false;
    // A checked-out client whose server connection dies (a restart, pg_terminate_backend)
    // emits 'error'; unheard, that would crash the node. The pending query rejects anyway.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    let committing = false;
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
      const result = await work(client);
      committing = true;
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone; do not return it to the pool
      }
      // A connection lost (the ROLLBACK failed too, or the client reported an error) before
      // COMMIT was sent took the transaction with it: nothing was committed, so it runs again
      // on a fresh connection. Lost during COMMIT, the outcome is unknown and the error surfaces.
      const retryable = [...RETRYABLE_SQLSTATE].some((s) => hasSqlState(error, s)) || (!committing && broken);
      if (!retryable || options.replayable === false || attempt >= PG_MAX_TRANSACTION_ATTEMPTS) throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}
