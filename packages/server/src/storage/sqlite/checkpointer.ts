/**
 * WAL checkpoints off the event loop. By default SQLite checkpoints inside the COMMIT that
 * pushes the WAL past 1,000 pages: that commit copies the WAL into the database and, with
 * `synchronous = NORMAL`, waits for two fsyncs, so every few hundred group commits one of
 * them (and every send in it) stalls for milliseconds: the tail of the send latency. Here a
 * worker thread with its own connection runs a PASSIVE checkpoint (never blocks the writer)
 * every CHECKPOINT_INTERVAL_MS; the writer's automatic checkpoint stays on only as a
 * backstop at a much larger WAL (MAIN_AUTOCHECKPOINT_PAGES), so the WAL stays bounded even
 * if the worker stalls.
 *
 * The worker is plain CommonJS evaluated from a string (no TypeScript loader in the thread)
 * and loads the same better-sqlite3 module as the server.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteSynchronous } from './db.ts';

/** How often the worker checkpoints; a checkpoint with nothing to copy costs microseconds. */
export const CHECKPOINT_INTERVAL_MS = 100;
/** The writer's own automatic checkpoint, as a backstop only (pages of 4 KiB: 64 MiB). */
export const MAIN_AUTOCHECKPOINT_PAGES = 16_384;
/** How long close() waits for the worker's last checkpoint before terminating it. */
const STOP_TIMEOUT_MS = 5_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('busy_timeout = 5000');
let failures = 0;
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A busy database (another checkpoint, a schema change): the next tick tries again;
    // the writer's backstop checkpoint bounds the WAL meanwhile.
    failures++;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ stopped: true, failures });
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Runs a last checkpoint and stops the thread. Idempotent. */
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, synchronous: SqliteSynchronous): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // No TypeScript loader in the thread: it runs the plain script above only.
    execArgv: [],
    workerData: { file, module, synchronous: synchronous === 'full' ? 'FULL' : 'NORMAL', intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  // Never keeps the process alive; an error in the thread only loses the background
  // checkpoints (the writer's backstop remains).
  worker.unref();
  worker.on('error', () => undefined);
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), STOP_TIMEOUT_MS);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
