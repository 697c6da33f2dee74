/**
 * Server configuration from flags and environment variables (a flag wins over the
 * environment, which wins over the default). `sealed-server --help` prints this table.
 */
import { DEFAULT_MAX_ATTACHMENT_BYTES } from '@sealed/protocol/limits';
import type { LogLevel } from './log.ts';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly storage: 'sqlite' | 'postgres';
  readonly postgresUrl: string;
  readonly bus: 'memory' | 'nats';
  readonly natsUrl: string;
  readonly sqliteSynchronous: 'normal' | 'full';
  readonly retentionMs: number;
  /** A group's (id, epoch) row is deleted after this long without a commit. */
  readonly groupRetentionMs: number;
  readonly attachmentRetentionMs: number;
  readonly sessionTtlMs: number;
  readonly maxQueuedPerDevice: number;
  readonly maxAttachmentBytes: number;
  readonly maxConnections: number;
  readonly handshakeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly registerPerMinute: number;
  readonly claimPerMinute: number;
  readonly sendPerSecond: number;
  readonly sendBurst: number;
  readonly sweepIntervalMs: number;
  readonly logLevel: LogLevel;
  /** Built web client served at `/` ("auto": packages/web/dist when built; "none": off). */
  readonly webDir?: string;
  /** Key transparency: epoch length, auditor keys, countersignatures needed to serve a checkpoint. */
  readonly ktEpochMs?: number;
  readonly ktAuditors?: readonly Uint8Array[];
  readonly ktRequiredAuditors?: number;
}

const DAY = 86_400_000;

interface Option {
  readonly flag: string;
  readonly env: string;
  readonly help: string;
  readonly default: string;
  readonly parse: (value: string) => unknown;
  readonly key: keyof Config;
}

function int(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`expected an integer in ${min}..${max}`);
    return n;
  };
}
function days(value: string): number {
  return int(1, 3650)(value) * DAY;
}
function oneOf<T extends string>(...values: T[]) {
  return (value: string): T => {
    if (!(values as string[]).includes(value)) throw new Error(`expected one of ${values.join(', ')}`);
    return value as T;
  };
}
/** "none" or comma-separated Ed25519 public keys in hex (64 characters each), at most 16. */
function auditorKeys(value: string): Uint8Array[] {
  if (value === 'none') return [];
  const keys = value.split(',');
  if (keys.length > 16 || keys.some((k) => !/^[0-9a-f]{64}$/.test(k))) throw new Error('expected "none" or up to 16 comma-separated 64-character lowercase hex keys');
  return keys.map((k) => Uint8Array.from(k.match(/../g)!.map((b) => parseInt(b, 16))));
}
function allOr(min: number, max: number) {
  return (value: string): number | undefined => (value === 'all' ? undefined : int(min, max)(value));
}
const text = (value: string): string => {
  if (value.length === 0) throw new Error('expected a value');
  return value;
};

export const OPTIONS: readonly Option[] = [
  { flag: '--host', env: 'SEALED_HOST', key: 'host', default: '127.0.0.1', parse: text, help: 'Address to listen on.' },
  { flag: '--port', env: 'SEALED_PORT', key: 'port', default: '8080', parse: int(0, 65535), help: 'TCP port (0 picks a free one).' },
  { flag: '--data-dir', env: 'SEALED_DATA_DIR', key: 'dataDir', default: './data', parse: text, help: 'SQLite database and attachment files.' },
  { flag: '--storage', env: 'SEALED_STORAGE', key: 'storage', default: 'sqlite', parse: oneOf('sqlite', 'postgres'), help: 'Storage back end.' },
  { flag: '--postgres-url', env: 'SEALED_POSTGRES_URL', key: 'postgresUrl', default: 'postgres://127.0.0.1:5432/sealed', parse: text, help: 'PostgreSQL connection (storage=postgres).' },
  { flag: '--bus', env: 'SEALED_BUS', key: 'bus', default: 'memory', parse: oneOf('memory', 'nats'), help: 'Push routing: in-process or NATS (several nodes).' },
  { flag: '--nats-url', env: 'SEALED_NATS_URL', key: 'natsUrl', default: 'nats://127.0.0.1:4222', parse: text, help: 'NATS server (bus=nats).' },
  { flag: '--sqlite-synchronous', env: 'SEALED_SQLITE_SYNCHRONOUS', key: 'sqliteSynchronous', default: 'normal', parse: oneOf('normal', 'full'), help: 'normal: survives a process crash; full: also an OS crash, slower.' },
  { flag: '--retention-days', env: 'SEALED_RETENTION_DAYS', key: 'retentionMs', default: '30', parse: days, help: 'Unacknowledged queue entries are deleted after this.' },
  { flag: '--group-retention-days', env: 'SEALED_GROUP_RETENTION_DAYS', key: 'groupRetentionMs', default: '90', parse: days, help: "A group's (id, epoch) row is deleted after this long without a commit; its next commit starts over at any epoch." },
  { flag: '--attachment-retention-days', env: 'SEALED_ATTACHMENT_RETENTION_DAYS', key: 'attachmentRetentionMs', default: '30', parse: days, help: 'Attachments are deleted after this.' },
  { flag: '--session-ttl-days', env: 'SEALED_SESSION_TTL_DAYS', key: 'sessionTtlMs', default: '30', parse: days, help: 'A session token expires after this.' },
  { flag: '--max-queued-per-device', env: 'SEALED_MAX_QUEUED_PER_DEVICE', key: 'maxQueuedPerDevice', default: '100000', parse: int(1, 10_000_000), help: 'Queue bound per device; a send beyond it gets queue-full.' },
  { flag: '--max-attachment-bytes', env: 'SEALED_MAX_ATTACHMENT_BYTES', key: 'maxAttachmentBytes', default: String(DEFAULT_MAX_ATTACHMENT_BYTES), parse: int(1, 2 ** 40), help: 'Largest attachment upload.' },
  { flag: '--max-connections', env: 'SEALED_MAX_CONNECTIONS', key: 'maxConnections', default: '200000', parse: int(1, 10_000_000), help: 'Open TCP connections (HTTP and WebSocket) per node.' },
  { flag: '--handshake-timeout-ms', env: 'SEALED_HANDSHAKE_TIMEOUT_MS', key: 'handshakeTimeoutMs', default: '10000', parse: int(100, 600_000), help: 'A WebSocket must AUTH within this.' },
  { flag: '--idle-timeout-ms', env: 'SEALED_IDLE_TIMEOUT_MS', key: 'idleTimeoutMs', default: '60000', parse: int(100, 3_600_000), help: 'A WebSocket silent this long (no pong) is closed; pings every half of it.' },
  { flag: '--headers-timeout-ms', env: 'SEALED_HEADERS_TIMEOUT_MS', key: 'headersTimeoutMs', default: '10000', parse: int(100, 600_000), help: 'HTTP request headers must arrive within this (slow-loris).' },
  { flag: '--request-timeout-ms', env: 'SEALED_REQUEST_TIMEOUT_MS', key: 'requestTimeoutMs', default: '300000', parse: int(100, 3_600_000), help: 'A whole HTTP request (with an attachment body) must arrive within this.' },
  { flag: '--register-per-minute', env: 'SEALED_REGISTER_PER_MINUTE', key: 'registerPerMinute', default: '10', parse: int(1, 1_000_000), help: 'Registrations and challenges per source per minute (sources are keyed hashes held in memory only).' },
  { flag: '--claim-per-minute', env: 'SEALED_CLAIM_PER_MINUTE', key: 'claimPerMinute', default: '120', parse: int(1, 1_000_000), help: 'Key-package claims and account lookups per device per minute.' },
  { flag: '--send-per-second', env: 'SEALED_SEND_PER_SECOND', key: 'sendPerSecond', default: '2000', parse: int(1, 10_000_000), help: 'Sends per device per second (sustained).' },
  { flag: '--send-burst', env: 'SEALED_SEND_BURST', key: 'sendBurst', default: '4000', parse: int(1, 10_000_000), help: 'Sends per device in a burst.' },
  { flag: '--sweep-interval-ms', env: 'SEALED_SWEEP_INTERVAL_MS', key: 'sweepIntervalMs', default: '60000', parse: int(100, 86_400_000), help: 'How often expired entries, sessions and attachments are deleted.' },
  { flag: '--web-dir', env: 'SEALED_WEB_DIR', key: 'webDir', default: 'auto', parse: text, help: 'Built web client served at / ("auto": packages/web/dist when built, "none": off).' },
  { flag: '--kt-epoch-ms', env: 'SEALED_KT_EPOCH_MS', key: 'ktEpochMs', default: '60000', parse: int(100, 86_400_000), help: 'Key transparency: how often an epoch closes (an empty heartbeat epoch when nothing changed).' },
  { flag: '--kt-auditors', env: 'SEALED_KT_AUDITORS', key: 'ktAuditors', default: 'none', parse: auditorKeys, help: 'Key transparency: auditor Ed25519 public keys (hex, comma-separated) whose countersignatures are accepted.' },
  { flag: '--kt-required-auditors', env: 'SEALED_KT_REQUIRED_AUDITORS', key: 'ktRequiredAuditors', default: 'all', parse: allOr(0, 16), help: 'Key transparency: countersignatures a checkpoint needs before it is served ("all" configured auditors).' },
  { flag: '--log-level', env: 'SEALED_LOG_LEVEL', key: 'logLevel', default: 'info', parse: oneOf('debug', 'info', 'warn', 'error'), help: 'Lowest level logged (JSON lines on stdout).' },
];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses flags (`--name value` or `--name=value`) over the environment over defaults. */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!OPTIONS.some((o) => o.flag === flag)) throw new ConfigError(`unknown option ${flag} (see --help)`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    given.set(flag, value);
  }
  const out: Record<string, unknown> = {};
  for (const option of OPTIONS) {
    const raw = given.get(option.flag) ?? env[option.env] ?? option.default;
    try {
      out[option.key] = option.parse(raw);
    } catch (error) {
      throw new ConfigError(`${option.flag} / ${option.env}: ${(error as Error).message}`);
    }
  }
  return out as unknown as Config;
}

/** The `--help` text: every option with its variable, default and meaning. */
export function helpText(): string {
  const lines = [
    'Usage: sealed-server [options]',
    '       sealed-server disclose <username> [--json] [storage options]',
    '           print exactly what this server holds about one account (see docs/disclosure.md)',
    '',
    'Options (flag, environment variable, default):',
    '',
  ];
  for (const o of OPTIONS) lines.push(`  ${o.flag} <value>   ${o.env}   default: ${o.default}`, `      ${o.help}`);
  lines.push('', '  --help   print this text');
  return lines.join('\n') + '\n';
}
