import { createRequire } from 'node:module';

/**
 * The only file that loads `better-sqlite3`, and the small part of its synchronous API that the store
 * and the cloud sandbox use. It is a leaf beside errors.ts and log.ts, so the sandbox keeps its own
 * tables without depending on the bridge's store. The package ships no types and `@types/better-sqlite3`
 * is not a dependency, so the surface is declared here by hand; nothing of it leaks into the store's
 * public types.
 */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface Statement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export interface Transaction<A extends unknown[], T> {
  (...args: A): T;
  /** BEGIN IMMEDIATE: takes the write lock up front, so a second process never fails mid-transaction upgrading its lock. */
  immediate(...args: A): T;
}

export interface Database {
  readonly open: boolean;
  readonly memory: boolean;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R>;
  exec(sql: string): Database;
  pragma(source: string, options: { simple: true }): unknown;
  transaction<A extends unknown[], T>(fn: (...args: A) => T): Transaction<A, T>;
  close(): Database;
}

type DatabaseConstructor = new (path: string, options?: { timeout?: number }) => Database;

const load = createRequire(import.meta.url);

/** Opens (or creates) the database file; `':memory:'` gives a private in-memory database. */
export function openDatabase(path: string, busyTimeoutMs: number): Database {
  const Ctor = load('better-sqlite3') as DatabaseConstructor;
  return new Ctor(path, { timeout: busyTimeoutMs });
}
