/**
 * The storage of one server (or of a fleet sharing PostgreSQL): one object per concern.
 * Back ends: `sqlite/` (default, embedded) and `postgres/` (scale-out). Both pass
 * test/storage/conformance.ts.
 */
import type { AccountStore, ChallengeStore, SessionStore } from './accounts.ts';
import type { AttachmentStore } from './attachments.ts';
import type { KeyPackageStore } from './key-packages.ts';
import type { QueueStore } from './queue.ts';
import type { LinkStore } from '../linking/store.ts';
import type { KtStore } from '../transparency/kt-store.ts';

export interface Storage {
  readonly backend: 'sqlite' | 'postgres';
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly challenges: ChallengeStore;
  readonly keyPackages: KeyPackageStore;
  readonly queue: QueueStore;
  readonly attachments: AttachmentStore;
  /** Device-link mailboxes (linking/). */
  readonly links: LinkStore;
  /** The key-transparency log's tables (transparency/); absent in test doubles. */
  readonly transparency?: KtStore;
  /** Finishes in-flight writes and releases the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * How main.ts opens each back end (imported lazily so SQLite users never load `pg`):
 * - `storage/sqlite/open.ts`:   `openSqliteStorage({ dataDir }): Promise<Storage>`
 * - `storage/postgres/open.ts`: `openPostgresStorage({ url }): Promise<Storage>`
 * and each bus:
 * - `bus/memory.ts`: `new MemoryBus()`
 * - `bus/nats.ts`:   `openNatsBus({ url }): Promise<Bus>`
 * A back end that also stores attachment bytes (PostgreSQL) exports
 * `openPostgresBlobStore(storage)` from `storage/postgres/blob-store.ts`.
 */
export type StorageFactory = () => Promise<Storage>;
