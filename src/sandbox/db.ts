/**
 * The sandbox's SQLite file: the account and its client credentials, fleets, SIMs and SMS
 * Commands, so a restarted sandbox keeps its SIDs, credentials and history. Migrations run in
 * order; `PRAGMA user_version` counts them. Times are integer milliseconds from the sandbox clock.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../sqlite.js';
import { newSid } from './sids.js';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE account (
    sid           TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL UNIQUE,
    client_secret TEXT NOT NULL,
    created       INTEGER NOT NULL
  );
  CREATE TABLE fleets (
    sid                  TEXT PRIMARY KEY,
    unique_name          TEXT NOT NULL UNIQUE,
    sms_commands_enabled INTEGER NOT NULL DEFAULT 1,
    sms_commands_url     TEXT,
    sms_commands_method  TEXT NOT NULL DEFAULT 'POST' CHECK (sms_commands_method IN ('GET','POST')),
    created              INTEGER NOT NULL,
    updated              INTEGER NOT NULL
  );
  CREATE TABLE sims (
    sid         TEXT PRIMARY KEY,
    unique_name TEXT NOT NULL UNIQUE,
    fleet_sid   TEXT REFERENCES fleets (sid),
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
    iccid       TEXT,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL
  );
  CREATE TABLE sms_commands (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    sid             TEXT NOT NULL UNIQUE,
    sim_sid         TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued','sent','delivered','received','failed')),
    direction       TEXT NOT NULL CHECK (direction IN ('to_sim','from_sim')),
    callback_url    TEXT,
    callback_method TEXT NOT NULL DEFAULT 'POST' CHECK (callback_method IN ('GET','POST')),
    error_code      INTEGER,
    error_message   TEXT,
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    gave_up         INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX sms_commands_pending ON sms_commands (status, gave_up);
  CREATE INDEX sms_commands_created ON sms_commands (created);
  `,
];

export interface Account {
  sid: string;
  clientId: string;
  clientSecret: string;
}

export function openSandboxDb(path: string): Database {
  const db = openDatabase(path, 5000);
  db.pragma('journal_mode = WAL', { simple: true });
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`, { simple: true });
    })();
  }
  return db;
}

/** The one account of this sandbox, created with fresh credentials on first use. */
export function ensureAccount(db: Database, now: number): Account {
  const row = db.prepare<[], { sid: string; client_id: string; client_secret: string }>('SELECT sid, client_id, client_secret FROM account LIMIT 1').get();
  if (row) return { sid: row.sid, clientId: row.client_id, clientSecret: row.client_secret };
  // Hex secrets: nothing a shell or an option parser would read as a flag (a leading '-').
  const account = { sid: newSid('AC'), clientId: `sandbox-${randomBytes(6).toString('hex')}`, clientSecret: randomBytes(20).toString('hex') };
  db.prepare('INSERT INTO account (sid, client_id, client_secret, created) VALUES (?, ?, ?, ?)').run(account.sid, account.clientId, account.clientSecret, now);
  return account;
}
