import { BridgeError } from '../errors.js';
import type { Database } from '../sqlite.js';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` holds how many have run.
 * Append, never edit a released step.
 *
 * Times are integer milliseconds since the epoch, except `inbound.sent_at` (the SCTS) in whole seconds:
 * that is the resolution the network gives, and the de-duplication key compares it exactly.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE inbound (
    id          INTEGER PRIMARY KEY,
    sender      TEXT    NOT NULL,
    sent_at     INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    source      TEXT,
    state       TEXT    NOT NULL CHECK (state IN
                  ('received','handling','handled','replied','no-reply','refused','interrupted')),
    updated_at  INTEGER NOT NULL,
    reason      TEXT,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    -- The de-duplication rule (docs/store.md): a network re-delivery is byte-identical.
    UNIQUE (sender, sent_at, text)
  );
  CREATE INDEX inbound_by_state ON inbound (state, id);
  CREATE INDEX inbound_by_received_at ON inbound (received_at);

  CREATE TABLE outbound (
    id                INTEGER PRIMARY KEY,
    inbound_id        INTEGER UNIQUE REFERENCES inbound (id),
    recipient         TEXT    NOT NULL,
    text              TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('queued','sending','sent','delivered','failed')),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    uncertain_retries INTEGER NOT NULL DEFAULT 0,
    message_reference INTEGER CHECK (message_reference BETWEEN 0 AND 255),
    stored_index      INTEGER,
    sent_at           INTEGER,
    completed_at      INTEGER,
    error_code        INTEGER,
    error_message     TEXT
  );
  CREATE INDEX outbound_by_status ON outbound (status, id);
  CREATE INDEX outbound_by_created_at ON outbound (created_at);
  CREATE INDEX outbound_by_reference ON outbound (message_reference, sent_at);

  -- Last accepted counter of signed commands per sender. Never pruned: replay protection outlives history.
  CREATE TABLE counters (
    sender       TEXT    PRIMARY KEY,
    last_counter INTEGER NOT NULL,
    inbound_id   INTEGER,
    updated_at   INTEGER NOT NULL
  );

  -- Lifetime totals that must survive prune.
  CREATE TABLE totals (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
  );
  INSERT INTO totals (name, value) VALUES ('uncertain_retries', 0), ('duplicates', 0);
  `,
  // 2: when each reply took its storage slot. Slots are reused, and a reply retried after a later
  // one can take a slot after it: the slot's occupant is the reply stored there last, not the one
  // with the highest id (a soak left a sent copy in storage forever for that reason). Rows from
  // before keep their last update as the best guess.
  `
  ALTER TABLE outbound ADD COLUMN stored_at INTEGER;
  UPDATE outbound SET stored_at = updated_at WHERE stored_index IS NOT NULL;
  CREATE INDEX outbound_by_stored_index ON outbound (stored_index, stored_at);
  `,
];

/**
 * Durability settings, then migrations (the reasoning, power cuts on an SD card included: docs/store.md).
 * - WAL: readers (`smsbridge history`) never block the service, and a commit is one append.
 * - synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss; we delete the SMS
 *   from the SIM right after `recordInbound` returns, so an acknowledged record must already be on disk.
 * - foreign_keys: a reply always points at a real command.
 * - cache_size 512 KiB (default 2 MiB): every statement touches a few pages of small indexes; the
 *   default cache only fills with history rows the hot path never reads again (issue 14: RSS).
 * - journal_size_limit 4 MiB: the WAL file is truncated back to this after a checkpoint, not left
 *   at its largest size on a small card.
 */
export function configure(db: Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`, { simple: true });
  const mode = String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
  if (!db.memory && mode !== 'wal') {
    throw new BridgeError('STORE_ERROR', `the store needs WAL journal mode, SQLite gave "${mode}"`);
  }
  db.pragma('synchronous = FULL', { simple: true });
  db.pragma('cache_size = -512', { simple: true });
  db.pragma('journal_size_limit = 4194304', { simple: true });
  db.pragma('foreign_keys = ON', { simple: true });
}

export function migrate(db: Database): number {
  const apply = db.transaction(() => {
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > MIGRATIONS.length) {
      throw new BridgeError(
        'STORE_ERROR',
        `the store's schema is version ${current}, newer than this smsbridge knows (${MIGRATIONS.length})`,
      );
    }
    for (let version = current; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version] ?? '');
      db.pragma(`user_version = ${version + 1}`, { simple: true });
    }
    return MIGRATIONS.length;
  });
  return apply.immediate();
}
