import { afterEach, describe, expect, it } from 'vitest';
import { isBridgeError } from '../../src/errors.js';
import { BridgeStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { openDatabase } from '../../src/sqlite.js';
import { tempDbPath } from './helpers.js';

let cleanup = (): void => {};
afterEach(() => cleanup());

function pragma(path: string, name: string): unknown {
  const db = openDatabase(path, 1000);
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
}

describe('opening the store', () => {
  it('creates a file database in WAL mode with the current schema version', () => {
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    BridgeStore.open(tmp.path).close();
    expect(pragma(tmp.path, 'journal_mode')).toBe('wal');
    expect(pragma(tmp.path, 'user_version')).toBe(MIGRATIONS.length);
  });

  it('sets synchronous=FULL, foreign keys and a busy timeout on its own connection', () => {
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    const store = BridgeStore.open(tmp.path, { busyTimeoutMs: 1234 });
    // Reach the private connection: these pragmas are per connection, so only its own values count.
    const db = (store as unknown as { db: ReturnType<typeof openDatabase> }).db;
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    store.close();
  });

  it('keeps the data when reopened, without running the migrations again', () => {
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    const first = BridgeStore.open(tmp.path);
    first.enqueueOutbound({ to: '000', text: 'hello' });
    first.close();
    const second = BridgeStore.open(tmp.path);
    expect(second.pendingOutbound().queued.map((r) => r.text)).toEqual(['hello']);
    second.close();
  });

  it('brings a version 1 store up to date, and its stored replies keep their slots in the order they took them', () => {
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    const db = openDatabase(tmp.path, 1000);
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1', { simple: true });
    const insert = db.prepare(`INSERT INTO outbound (recipient, text, status, created_at, updated_at, stored_index) VALUES ('000', ?, 'sent', 0, ?, 4)`);
    insert.run('stored later, lower id', 2000);
    insert.run('stored first, higher id', 1000);
    db.close();
    const store = BridgeStore.open(tmp.path);
    expect(pragma(tmp.path, 'user_version')).toBe(MIGRATIONS.length);
    expect(store.newestOutboundByStoredIndex(4)?.text).toBe('stored later, lower id');
    store.close();
  });

  it('refuses a database written by a newer schema version', () => {
    const tmp = tempDbPath();
    cleanup = tmp.cleanup;
    BridgeStore.open(tmp.path).close();
    const db = openDatabase(tmp.path, 1000);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`, { simple: true });
    db.close();
    expect(() => BridgeStore.open(tmp.path)).toThrow(/newer than this smsbridge knows/);
  });

  it('reports a path it cannot open as a STORE_ERROR', () => {
    let caught: unknown;
    try {
      BridgeStore.open('/nonexistent-dir/for/sure/bridge.db');
    } catch (error) {
      caught = error;
    }
    expect(isBridgeError(caught, 'STORE_ERROR')).toBe(true);
    expect((caught as Error).message).toMatch(/opening the store at \/nonexistent-dir/);
  });

  it('turns use after close into a STORE_ERROR and closes idempotently', () => {
    const store = BridgeStore.open(':memory:');
    store.close();
    store.close();
    expect(store.isOpen).toBe(false);
    expect(() => store.stats()).toThrow(expect.objectContaining({ code: 'STORE_ERROR' }));
  });
});
