/**
 * WAL checkpoints of the vault's SQLite files off the event loop (as the relay does for its
 * own database, packages/server/src/storage/sqlite/checkpointer.ts). By default SQLite
 * checkpoints inside the commit that pushes the WAL past 1,000 pages; with `synchronous =
 * NORMAL` that commit copies the WAL into the file and waits for two fsyncs, on the main
 * thread: a client writes ~20 KB of records per message (group state, receipt state,
 * history), so every hundred or so messages one of them stalled the event loop for the
 * length of two fsyncs and a 4 MiB copy (12 % of the client's samples in the latency
 * benchmark's profile). Here one worker thread per process, with its own connection to
 * each open record file, runs a PASSIVE checkpoint (it never blocks the writer) of every
 * file every CHECKPOINT_INTERVAL_MS; the writer's automatic checkpoint stays on as a
 * backstop at MAIN_AUTOCHECKPOINT_PAGES, so the WAL stays bounded if the thread stalls.
 * One thread for all files: the benchmark runs a hundred hosts in one process.
 *
 * The worker is plain CommonJS evaluated from a string (no TypeScript loader in the thread)
 * and loads the same better-sqlite3 module. Its checkpoints sync the WAL before copying and
 * the file after (NORMAL), so they never make a commit less durable.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often every open file is checkpointed; with nothing to copy it costs microseconds. */
export const CHECKPOINT_INTERVAL_MS = 100;
/** The writer's own automatic checkpoint, a backstop only (pages of 4 KiB: 16 MiB). */
export const MAIN_AUTOCHECKPOINT_PAGES = 4096;
/** Longest wait for the thread to close its connection to a file before the writer closes. */
const RELEASE_TIMEOUT_MS = 5_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const open = new Map();
const checkpoints = new Map();
const checkpoint = (id, db) => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    checkpoints.set(id, (checkpoints.get(id) || 0) + 1);
  } catch {
    // Busy (another checkpoint): the next round tries again; the writer's backstop bounds the WAL.
  }
};
setInterval(() => { for (const [id, db] of open) checkpoint(id, db); }, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m.type === 'open') {
    try {
      const db = new Database(m.file, { fileMustExist: true });
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 1000');
      open.set(m.id, db);
    } catch {
      // The file cannot be opened here: the writer's own checkpoints remain.
    }
  } else if (m.type === 'close') {
    const db = open.get(m.id);
    open.delete(m.id);
    try { db?.close(); } catch {}
    parentPort.postMessage({ type: 'closed', id: m.id, checkpoints: checkpoints.get(m.id) || 0 });
    checkpoints.delete(m.id);
  } else if (m.type === 'count') {
    parentPort.postMessage({ type: 'count', id: m.id, checkpoints: checkpoints.get(m.id) || 0 });
  }
});
`;

interface Reply {
  readonly type: 'closed' | 'count';
  readonly id: number;
  readonly checkpoints: number;
}

let thread: { worker: Worker; waiting: Map<string, (checkpoints: number) => void> } | undefined;
let nextId = 1;

function shared(): NonNullable<typeof thread> {
  if (thread !== undefined) return thread;
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module, intervalMs: CHECKPOINT_INTERVAL_MS } });
  const waiting = new Map<string, (checkpoints: number) => void>();
  const current = { worker, waiting };
  worker.on('message', (reply: Reply) => {
    const key = `${reply.type}:${reply.id}`;
    waiting.get(key)?.(reply.checkpoints);
    waiting.delete(key);
  });
  const fail = () => {
    for (const resolve of waiting.values()) resolve(0);
    waiting.clear();
    if (thread === current) thread = undefined;
  };
  worker.on('error', fail);
  worker.on('exit', fail);
  // Never keeps the process alive (after the listeners: adding one refs the thread again);
  // a failed thread only loses the background checkpoints.
  worker.unref();
  thread = current;
  return current;
}

export interface CheckpointRegistration {
  /** Checkpoints the thread ran on this file so far (tests). */
  checkpoints(): Promise<number>;
  /** The thread closes its connection (before the writer closes, so the writer is the last). Idempotent. */
  release(): Promise<void>;
}

function ask(type: 'close' | 'count', id: number): Promise<number> {
  const current = shared();
  return new Promise<number>((resolve) => {
    const timer = setTimeout(() => {
      current.waiting.delete(`${type === 'close' ? 'closed' : 'count'}:${id}`);
      resolve(0);
    }, RELEASE_TIMEOUT_MS);
    current.waiting.set(`${type === 'close' ? 'closed' : 'count'}:${id}`, (n) => {
      clearTimeout(timer);
      resolve(n);
    });
    current.worker.postMessage({ type, id });
  });
}

/** Has the process's checkpoint thread checkpoint the SQLite file at `path` (in WAL mode). */
export function registerCheckpoints(path: string): CheckpointRegistration {
  const id = nextId++;
  shared().worker.postMessage({ type: 'open', id, file: path });
  let released: Promise<void> | undefined;
  return {
    checkpoints: () => ask('count', id),
    release() {
      released ??= ask('close', id).then(() => undefined);
      return released;
    },
  };
}
