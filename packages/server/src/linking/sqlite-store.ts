/** SQLite implementation of LinkStore (table `link_mailboxes`, SQLite migration 3). */
import type { Statement } from 'better-sqlite3';
import { StorageError } from '../storage/errors.ts';
import { bytes, mapConstraint, type Db } from '../storage/sqlite/db.ts';
import type { Millis } from '../storage/types.ts';
import type { LinkRecord, LinkStore } from './store.ts';

interface Row {
  offer: Uint8Array;
  sealed: Uint8Array | null;
  expires_at: number;
}

export class SqliteLinkStore implements LinkStore {
  private readonly removeExpired: Statement;
  private readonly countOpen: Statement;
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly removeAnswered: Statement;
  private readonly answer: Statement;
  private readonly exists: Statement;

  constructor(private readonly db: Db) {
    this.removeExpired = db.prepare('DELETE FROM link_mailboxes WHERE expires_at <= ?');
    this.countOpen = db.prepare('SELECT count(*) AS n FROM link_mailboxes');
    this.insert = db.prepare('INSERT INTO link_mailboxes (id_hash, offer, sealed, expires_at) VALUES (?, ?, NULL, ?)');
    this.select = db.prepare('SELECT offer, sealed, expires_at FROM link_mailboxes WHERE id_hash = ? AND expires_at > ?');
    this.removeAnswered = db.prepare('DELETE FROM link_mailboxes WHERE id_hash = ? AND sealed IS NOT NULL');
    this.answer = db.prepare('UPDATE link_mailboxes SET sealed = ? WHERE id_hash = ? AND sealed IS NULL AND expires_at > ?');
    this.exists = db.prepare('SELECT 1 FROM link_mailboxes WHERE id_hash = ? AND expires_at > ?');
  }

  async createLink(idHash: Uint8Array, offer: Uint8Array, expiresAt: Millis, now: Millis, maxOpen: number): Promise<void> {
    this.db.transaction(() => {
      this.removeExpired.run(now);
      const { n } = this.countOpen.get() as { n: number };
      if (n >= maxOpen) throw new StorageError('limit-reached', 'open link mailboxes');
      mapConstraint('link id', () => this.insert.run(idHash, offer, expiresAt));
    })();
  }

  async takeLink(idHash: Uint8Array, now: Millis): Promise<LinkRecord | undefined> {
    return this.db.transaction(() => {
      const row = this.select.get(idHash, now) as Row | undefined;
      if (row === undefined) return undefined;
      if (row.sealed !== null) this.removeAnswered.run(idHash);
      return { offer: bytes(row.offer), sealed: row.sealed === null ? null : bytes(row.sealed), expiresAt: row.expires_at };
    })();
  }

  async sealLink(idHash: Uint8Array, sealed: Uint8Array, now: Millis): Promise<void> {
    this.db.transaction(() => {
      if (this.answer.run(sealed, idHash, now).changes === 1) return;
      throw this.exists.get(idHash, now) === undefined ? new StorageError('not-found', 'link') : new StorageError('conflict', 'link already answered');
    })();
  }

  async deleteExpiredLinks(now: Millis): Promise<number> {
    return this.removeExpired.run(now).changes;
  }
}
