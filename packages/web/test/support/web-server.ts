/**
 * A real server process serving a freshly built web bundle from a temporary directory
 * (so tests never depend on, or overwrite, packages/web/dist).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, type ServerProcess } from '../../../server/test/support/server-process.ts';
import { buildWebBundle, type BuildResult } from '../../src/build/bundle.ts';

/**
 * Key-transparency epoch of the test server: short, so a new account or device is in the log
 * (and a contact's status or an owner's alert can be shown) within a second or two.
 */
export const KT_EPOCH_MS = 500;

/** Longest wait for the lines the server prints right after "listening". */
const BANNER_WAIT_MS = 10_000;

export interface WebServer {
  readonly server: ServerProcess;
  readonly bundle: BuildResult;
  readonly url: string;
  stop(): Promise<void>;
}

export interface WebServerOptions {
  /** Server flags added to the defaults (e.g. --kt-auditors <hex>). */
  readonly args?: readonly string[];
}

export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-web-'));
  const bundle = await buildWebBundle({ outDir: join(dir, 'web') });
  const port = await freePort();
  const server = await startServer({
    label: 'web-server',
    port,
    args: ['--storage', 'sqlite', '--data-dir', join(dir, 'data'), '--web-dir', bundle.outDir, '--kt-epoch-ms', String(KT_EPOCH_MS), '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn', ...(options.args ?? [])],
  });
  const deadline = Date.now() + BANNER_WAIT_MS;
  while (!server.output.some((line) => line.includes('bundle (app.js) sha256')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return {
    server,
    bundle,
    url: `${server.baseUrl}/`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
