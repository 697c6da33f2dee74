/**
 * Structured JSON logs, one object per line. Only fields on the allow-list below are
 * written as given; any other field is replaced by "[redacted]", so an identifier, token,
 * username or address passed by mistake never reaches the log. No IP address is logged.
 * The allow-list is the log part of the disclosure manifest.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields that may appear in logs: none identifies a user, device or address. */
export const LOG_FIELDS = new Set([
  'event', // what happened (fixed strings)
  'route', // HTTP route pattern, e.g. /v1/accounts/:username (never the concrete path)
  'method',
  'status',
  'code', // protocol error code
  'durationMs',
  'count',
  'host', // the server's own listen address
  'port',
  'storage',
  'bus',
  'dataDir',
  'reason', // fixed strings / error class names
  'closeCode',
  'busStatus', // NATS bus state: disconnected, reconnected or closed
]);

export interface Logger {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export function redact(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = LOG_FIELDS.has(key) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') ? value : '[redacted]';
  }
  return out;
}

/** A logger writing JSON lines to `write` (stdout by default) at or above `level`. */
export function jsonLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const min = LEVELS[level];
  return {
    log(lvl, message, fields = {}) {
      if (LEVELS[lvl] < min) return;
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: message, ...redact(fields) }) + '\n');
    },
  };
}

/** A logger that keeps lines in memory (tests inspect them). */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const inner = jsonLogger('debug', (line) => lines.push(line));
  return { lines, log: inner.log };
}
