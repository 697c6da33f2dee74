/**
 * Entry point: `npm start` (scripts/start.mjs) and `sealed-server` run this. Parses flags
 * and environment, starts the node, prints where it listens, shuts down gracefully on
 * SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { startServer } from './app.ts';
import { ConfigError, helpText, parseConfig } from './config.ts';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText());
    return;
  }
  let config;
  try {
    config = parseConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sealed-server: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const server = await startServer(config);
  const where = config.storage === 'sqlite' ? `SQLite in ${resolve(config.dataDir)}` : 'PostgreSQL';
  process.stderr.write(`Sealed relay listening on ${server.url} (WebSocket ${server.url.replace('http', 'ws')}/v1/ws), storage: ${where}, bus: ${config.bus}\n`);
  process.stderr.write(
    server.web === undefined
      ? 'Web client: not built (npm start builds it), not served\n'
      : `Web client at ${server.url}/ from ${server.web.dir}\nWeb client bundle (app.js) sha256: ${server.web.bundleSha256}\n`,
  );
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`sealed-server: ${signal}, shutting down\n`);
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`sealed-server: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
