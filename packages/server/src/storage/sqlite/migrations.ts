/**
 * Versioned schema of the SQLite back end. `PRAGMA user_version` holds the number of
 * migrations applied; each runs once, in order, inside a transaction. Never edit a shipped
 * migration: append a new one. Every table and column here must be listed in the
 * disclosure manifest.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: initial schema.
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    identity_key BLOB NOT NULL,
    created_day INTEGER NOT NULL,
    last_seen_day INTEGER NOT NULL,
    device_list_version INTEGER NOT NULL,
    device_list BLOB NOT NULL
  );
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    signature_key BLOB NOT NULL UNIQUE,
    created_day INTEGER NOT NULL,
    next_seq INTEGER NOT NULL DEFAULT 1,
    queued INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX devices_by_account ON devices (account_id);
  CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    device_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_device ON sessions (device_id);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
  CREATE TABLE challenges (
    challenge BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX challenges_by_expiry ON challenges (expires_at);
  CREATE TABLE key_packages (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX key_packages_by_device ON key_packages (device_id, id);
  CREATE TABLE last_resort_key_packages (
    device_id TEXT PRIMARY KEY,
    data BLOB NOT NULL
  );
  CREATE TABLE queue (
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    payload BLOB NOT NULL,
    PRIMARY KEY (device_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX queue_by_received ON queue (received_at);
  CREATE TABLE groups (
    group_id TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE idempotency (
    sender_device_id TEXT NOT NULL,
    client_message_id TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (sender_device_id, client_message_id)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);
  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX attachments_by_expiry ON attachments (expires_at);
  `,
  // 2: coarse times (disclosure): rows written before are coarsened in place like new ones;
  // groups get the day of their last commit so quiet groups expire. Existing groups count
  // as committed today (their real last commit is unknown).
  `
  UPDATE sessions SET expires_at = ((expires_at + 86399999) / 86400000) * 86400000;
  UPDATE idempotency SET expires_at = ((expires_at + 3599999) / 3600000) * 3600000;
  UPDATE queue SET received_at = (received_at / 86400000) * 86400000;
  ALTER TABLE groups ADD COLUMN last_commit_day INTEGER NOT NULL DEFAULT 0;
  UPDATE groups SET last_commit_day = (CAST(strftime('%s', 'now') AS INTEGER) / 86400) * 86400000;
  CREATE INDEX groups_by_last_commit ON groups (last_commit_day);
  `,
  // 3: fewer B-trees written per message (docs/BENCHMARKS.md, "Relay server"): expiry walks
  // each device's queue and the idempotency table in key order instead of keeping an index
  // on the receive day and on the expiry hour, each written on every send.
  `
  DROP INDEX queue_by_received;
  DROP INDEX idempotency_by_expiry;
  `,
  // 4: device-link mailboxes (linking/): transient rows, at most LINK_TTL_MS old.
  `
  CREATE TABLE link_mailboxes (
    id_hash BLOB PRIMARY KEY,
    offer BLOB NOT NULL,
    sealed BLOB,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX link_mailboxes_by_expiry ON link_mailboxes (expires_at);
  `,
  // 5: the client message id as its 16 bytes instead of 32 hex characters (docs/BENCHMARKS.md,
  // "Relay server"): clients choose it at random, so every send inserts at a random place of
  // this table, its most expensive write; a shorter key makes that B-tree smaller and its
  // comparisons cheaper. A stored id that is not hex (never written by this server) keeps its
  // bytes rather than failing the migration.
  `
  CREATE TABLE idempotency_v5 (
    sender_device_id TEXT NOT NULL,
    client_message_id BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (sender_device_id, client_message_id)
  ) WITHOUT ROWID;
  INSERT INTO idempotency_v5 (sender_device_id, client_message_id, epoch, expires_at)
    SELECT sender_device_id, coalesce(unhex(client_message_id), CAST(client_message_id AS BLOB)), epoch, expires_at FROM idempotency;
  DROP TABLE idempotency;
  ALTER TABLE idempotency_v5 RENAME TO idempotency;
  `,
];
