/**
 * Makes the commits of a SQLite database in WAL mode durable from libuv's thread pool, so
 * the event loop never waits for the disk.
 *
 * Why this is what `synchronous = FULL` does, without blocking: in WAL mode FULL differs
 * from NORMAL only by one sync of the WAL file at every commit (sqlite.org/pragma.html
 * #pragma_synchronous; checkpoints sync the WAL before copying it and the database file
 * after, in both modes). A commit made with NORMAL and followed by an fdatasync of the WAL
 * file is therefore as durable as a FULL commit once the sync returns; and every frame
 * written before the sync started is covered, whichever connection wrote it (the sync is of
 * the file). better-sqlite3 runs every statement on the main thread, so its FULL commit held
 * the event loop for the length of an fsync (milliseconds, more on a busy disk) on the
 * client's receive path; here only the sync waits, off the main thread.
 *
 * The WAL file keeps its inode while a connection is open (SQLite truncates or rewrites it
 * in place; it is deleted only when the last connection closes), so one descriptor, opened
 * at the first sync, serves every later one. The directory is synced once at that first
 * sync, so the WAL's directory entry is durable too.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Flushes one open file's data to stable storage (fdatasync); injectable for tests. */
export type FileSync = (file: FileHandle) => Promise<void>;

const datasync: FileSync = (file) => file.datasync();

export class WalSync {
  #file: FileHandle | undefined;
  #opening: Promise<FileHandle> | undefined;
  /** Syncs started and not finished: `close` waits for them before closing the descriptor. */
  #running = new Set<Promise<void>>();
  #closed = false;

  /** `databasePath`: the SQLite file; its WAL is `${databasePath}-wal`. */
  constructor(
    private readonly databasePath: string,
    private readonly sync: FileSync = datasync,
  ) {}

  /**
   * Resolves once every WAL frame written before the call is on stable storage.
   * @throws the fs error (the WAL missing: the database is not in WAL mode or was closed)
   */
  async flush(): Promise<void> {
    if (this.#closed) throw new Error('WAL sync is closed');
    const run = this.#run();
    this.#running.add(run);
    try {
      await run;
    } finally {
      this.#running.delete(run);
    }
  }

  /** Waits for syncs under way, then releases the descriptor. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#running]);
    const file = this.#file ?? (await this.#opening?.catch(() => undefined));
    this.#file = undefined;
    await file?.close();
  }

  async #run(): Promise<void> {
    const file = this.#file ?? (await this.#open());
    await this.sync(file);
  }

  #open(): Promise<FileHandle> {
    this.#opening ??= (async () => {
      const file = await open(`${this.databasePath}-wal`, 'r+');
      try {
        const directory = await open(dirname(this.databasePath), 'r');
        try {
          await directory.sync();
        } finally {
          await directory.close();
        }
      } catch (error) {
        await file.close();
        throw error;
      }
      this.#file = file;
      return file;
    })();
    // A failed open is tried again at the next flush.
    this.#opening.catch(() => (this.#opening = undefined));
    return this.#opening;
  }
}
