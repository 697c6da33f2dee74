/**
 * Versioned schema of the PostgreSQL back end, the same tables and columns as the SQLite
 * one (sqlite/migrations.ts) so the disclosure manifest describes both, plus what only
 * PostgreSQL needs: `devices.position` (creation order; SQLite has its rowid), the
 * attachment tables of scale-out mode (migration 2) and the enqueue function (migration 3,
 * no table). Never edit a shipped migration:
 * append a new one. Every table and column here must be listed in the disclosure manifest.
 */
import type { Migration } from './migrate.ts';
import { ENQUEUE_FUNCTION } from './enqueue-function.ts';
import { ENQUEUE_FUNCTION_V2 } from './enqueue-function-v2.ts';
import { ENQUEUE_FUNCTION_V3 } from './enqueue-function-v3.ts';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
  CREATE TABLE accounts (
    id text PRIMARY KEY,
    username text NOT NULL UNIQUE,
    identity_key bytea NOT NULL,
    created_day bigint NOT NULL,
    last_seen_day bigint NOT NULL,
    device_list_version bigint NOT NULL,
    device_list bytea NOT NULL
  );
  CREATE TABLE devices (
    id text PRIMARY KEY,
    account_id text NOT NULL,
    signature_key bytea NOT NULL UNIQUE,
    created_day bigint NOT NULL,
    position bigint GENERATED ALWAYS AS IDENTITY,
    next_seq bigint NOT NULL DEFAULT 1,
    queued integer NOT NULL DEFAULT 0
  );
  CREATE INDEX devices_by_account ON devices (account_id, position);
  CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    device_id text NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX sessions_by_device ON sessions (device_id);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
  CREATE TABLE challenges (
    challenge bytea PRIMARY KEY,
    expires_at bigint NOT NULL
  );
  CREATE INDEX challenges_by_expiry ON challenges (expires_at);
  CREATE TABLE key_packages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id text NOT NULL,
    data bytea NOT NULL
  );
  CREATE INDEX key_packages_by_device ON key_packages (device_id, id);
  CREATE TABLE last_resort_key_packages (
    device_id text PRIMARY KEY,
    data bytea NOT NULL
  );
  CREATE TABLE queue (
    device_id text NOT NULL,
    seq bigint NOT NULL,
    kind smallint NOT NULL,
    received_at bigint NOT NULL,
    payload bytea NOT NULL,
    PRIMARY KEY (device_id, seq)
  );
  CREATE INDEX queue_by_received ON queue (received_at);
  CREATE TABLE groups (
    group_id text PRIMARY KEY,
    epoch bigint NOT NULL
  );
  CREATE TABLE idempotency (
    sender_device_id text NOT NULL,
    client_message_id text NOT NULL,
    epoch bigint NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (sender_device_id, client_message_id)
  );
  CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);
  CREATE TABLE attachments (
    id text PRIMARY KEY,
    size bigint NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX attachments_by_expiry ON attachments (expires_at);
  `,
  },
  {
    version: 2,
    name: 'attachment bytes (scale-out mode)',
    // Encrypted attachment bytes, in chunks so neither a write nor a read ever holds a
    // whole blob in memory. `attachment_blobs` is written last in the upload's transaction:
    // a blob exists exactly when its header does.
    sql: `
  CREATE TABLE attachment_blobs (
    id text PRIMARY KEY,
    size bigint NOT NULL,
    chunks integer NOT NULL
  );
  CREATE TABLE attachment_chunks (
    attachment_id text NOT NULL,
    chunk_no integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (attachment_id, chunk_no)
  );
  `,
  },
  {
    version: 3,
    name: 'enqueue functions (one send, a batch of sends)',
    sql: ENQUEUE_FUNCTION,
  },
  {
    version: 4,
    name: 'coarse times; quiet groups expire',
    // Disclosure: rows written before are coarsened in place like new ones (session expiry
    // to the end of its day, idempotency expiry to the end of its hour, receive time to the
    // start of its day); groups get the day of their last commit (existing ones: today).
    sql: `
  UPDATE sessions SET expires_at = ((expires_at + 86399999) / 86400000) * 86400000;
  UPDATE idempotency SET expires_at = ((expires_at + 3599999) / 3600000) * 3600000;
  UPDATE queue SET received_at = (received_at / 86400000) * 86400000;
  ALTER TABLE groups ADD COLUMN last_commit_day bigint NOT NULL DEFAULT 0;
  UPDATE groups SET last_commit_day = (floor(extract(epoch FROM now()) / 86400) * 86400000)::bigint;
  CREATE INDEX groups_by_last_commit ON groups (last_commit_day);
  ${ENQUEUE_FUNCTION_V2}
  `,
  },
  {
    version: 5,
    name: 'device-link mailboxes',
    // Transient rows of linking/ (at most LINK_TTL_MS old), the same table as SQLite's.
    sql: `
  CREATE TABLE link_mailboxes (
    id_hash bytea PRIMARY KEY,
    offer bytea NOT NULL,
    sealed bytea,
    expires_at bigint NOT NULL
  );
  CREATE INDEX link_mailboxes_by_expiry ON link_mailboxes (expires_at);
  `,
  },
  {
    version: 6,
    name: 'stale application messages refused',
    sql: ENQUEUE_FUNCTION_V3,
  },
];
