import type { Database } from '../sqlite.js';

/** What the store's parts share: the connection, the clock, and the two kinds of transaction. */
export interface StoreContext {
  readonly db: Database;
  /** Milliseconds since the epoch, from the injected clock. */
  now(): number;
  /** BEGIN IMMEDIATE … COMMIT (a savepoint when nested): all of `fn`'s writes or none. */
  write<T>(fn: () => T): T;
  /** BEGIN … COMMIT: one consistent snapshot for several reads. */
  read<T>(fn: () => T): T;
}

export function createContext(db: Database, clock: () => Date): StoreContext {
  const tx = db.transaction((fn: () => unknown) => fn());
  return {
    db,
    now: () => clock().getTime(),
    write: <T>(fn: () => T): T => tx.immediate(fn) as T,
    read: <T>(fn: () => T): T => tx(fn) as T,
  };
}
