/**
 * PostgreSQL implementation of LinkStore (table `link_mailboxes`, PostgreSQL migration 5),
 * with the semantics of the SQLite one. An answered mailbox is taken by one DELETE ...
 * RETURNING, so of two nodes serving the same fetch exactly one returns the answer. The
 * bound on open mailboxes is checked and the row inserted in one transaction; under
 * concurrent creations on several nodes it may be passed by a few rows (it bounds abuse,
 * it is not an exact quota).
 */
import type pg from 'pg';
import { inTransaction } from '../storage/postgres/pool.ts';
import { bytes, mapConstraint } from '../storage/postgres/rows.ts';
import { StorageError } from '../storage/errors.ts';
import type { Millis } from '../storage/types.ts';
import type { LinkRecord, LinkStore } from './store.ts';

interface Row {
  offer: Uint8Array;
  sealed: Uint8Array | null;
  expires_at: string | number;
}

function toRecord(row: Row): LinkRecord {
  return { offer: bytes(row.offer), sealed: row.sealed === null ? null : bytes(row.sealed), expiresAt: Number(row.expires_at) };
}

export class PgLinkStore implements LinkStore {
  constructor(private readonly pool: pg.Pool) {}

  async createLink(idHash: Uint8Array, offer: Uint8Array, expiresAt: Millis, now: Millis, maxOpen: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM link_mailboxes WHERE expires_at <= $1', [now]);
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM link_mailboxes');
      if (Number(rows[0]!.n) >= maxOpen) throw new StorageError('limit-reached', 'open link mailboxes');
      await mapConstraint('link id', () => client.query('INSERT INTO link_mailboxes (id_hash, offer, sealed, expires_at) VALUES ($1, $2, NULL, $3)', [idHash, offer, expiresAt]));
    });
  }

  async takeLink(idHash: Uint8Array, now: Millis): Promise<LinkRecord | undefined> {
    const taken = await this.pool.query<Row>('DELETE FROM link_mailboxes WHERE id_hash = $1 AND sealed IS NOT NULL AND expires_at > $2 RETURNING offer, sealed, expires_at', [idHash, now]);
    if (taken.rows[0] !== undefined) return toRecord(taken.rows[0]);
    const { rows } = await this.pool.query<Row>('SELECT offer, sealed, expires_at FROM link_mailboxes WHERE id_hash = $1 AND expires_at > $2', [idHash, now]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async sealLink(idHash: Uint8Array, sealed: Uint8Array, now: Millis): Promise<void> {
    const updated = await this.pool.query('UPDATE link_mailboxes SET sealed = $1 WHERE id_hash = $2 AND sealed IS NULL AND expires_at > $3', [sealed, idHash, now]);
    if (updated.rowCount === 1) return;
    const { rows } = await this.pool.query('SELECT 1 FROM link_mailboxes WHERE id_hash = $1 AND expires_at > $2', [idHash, now]);
    throw rows.length === 0 ? new StorageError('not-found', 'link') : new StorageError('conflict', 'link already answered');
  }

  async deleteExpiredLinks(now: Millis): Promise<number> {
    const result = await this.pool.query('DELETE FROM link_mailboxes WHERE expires_at <= $1', [now]);
    return result.rowCount ?? 0;
  }
}
