/**
 * SMS Commands in SQLite: create, read under the 30-day retention rule, list by keyset pages,
 * and the status changes the delivery engine makes.
 */
import type { Database } from '../sqlite.js';
import type { CommandRecord, Direction, HttpMethod, Status } from './resources.js';
import { newSid } from './sids.js';

/** "SMS Commands are retained for 30 days from the time they are created" (reference, Retention Period). */
export const RETENTION_MS = 30 * 24 * 3600_000;

interface Row {
  seq: number;
  sid: string;
  sim_sid: string;
  payload: string;
  status: Status;
  direction: Direction;
  callback_url: string | null;
  callback_method: HttpMethod;
  error_code: number | null;
  error_message: string | null;
  created: number;
  updated: number;
  attempts: number;
  gave_up: number;
}

export interface NewCommand {
  simSid: string;
  payload: string;
  direction: Direction;
  status: Status;
  callbackUrl?: string | undefined;
  callbackMethod?: HttpMethod | undefined;
}

export interface ListQuery {
  simSid?: string | undefined;
  status?: Status | undefined;
  direction?: Direction | undefined;
  /** Keyset position: rows older (`after`, the next page) or newer (`before`) than this seq. */
  after?: number | undefined;
  before?: number | undefined;
  limit: number;
}

export class CommandStore {
  constructor(
    private readonly db: Database,
    private readonly accountSid: string,
    private readonly clock: () => Date,
  ) {}

  create(input: NewCommand): CommandRecord {
    const now = this.clock().getTime();
    const sid = newSid('HC');
    this.db
      .prepare('INSERT INTO sms_commands (sid, sim_sid, payload, status, direction, callback_url, callback_method, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(sid, input.simSid, input.payload, input.status, input.direction, input.callbackUrl ?? null, input.callbackMethod ?? 'POST', now, now);
    return this.get(sid)!;
  }

  /** The command, unless unknown or past retention. */
  get(sid: string): CommandRecord | undefined {
    const row = this.db.prepare<[string, number], Row>('SELECT * FROM sms_commands WHERE sid = ? AND created > ?').get(sid, this.#oldest());
    return row && this.#record(row);
  }

  /** Newest first (seq descending), like the real list; `limit + 1` rows tell whether more follow. */
  list(query: ListQuery): CommandRecord[] {
    const conditions: [string, unknown][] = [['created > ?', this.#oldest()]];
    if (query.simSid !== undefined) conditions.push(['sim_sid = ?', query.simSid]);
    if (query.status !== undefined) conditions.push(['status = ?', query.status]);
    if (query.direction !== undefined) conditions.push(['direction = ?', query.direction]);
    if (query.after !== undefined) conditions.push(['seq < ?', query.after]);
    if (query.before !== undefined) conditions.push(['seq > ?', query.before]);
    const where = conditions.map(([sql]) => sql);
    const params = conditions.map(([, value]) => value);
    // Paging backwards reads upwards from the token, then flips to newest first.
    const order = query.before !== undefined ? 'ASC' : 'DESC';
    const rows = this.db.prepare<unknown[], Row>(`SELECT * FROM sms_commands WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT ?`).all(...params, query.limit);
    const records = rows.map((r) => this.#record(r));
    return query.before !== undefined ? records.reverse() : records;
  }

  /** Seq of a readable command, for page tokens. */
  seqOf(sid: string): number | undefined {
    return this.get(sid)?.seq;
  }

  /** MT commands still to deliver: queued, or sent and within their retry window. */
  pending(): CommandRecord[] {
    return this.db
      .prepare<[number], Row>("SELECT * FROM sms_commands WHERE direction = 'to_sim' AND status IN ('queued','sent') AND gave_up = 0 AND created > ? ORDER BY seq")
      .all(this.#oldest())
      .map((r) => this.#record(r));
  }

  setStatus(sid: string, status: Status, error?: { code: number; message: string }): CommandRecord {
    this.db
      .prepare('UPDATE sms_commands SET status = ?, updated = ?, error_code = ?, error_message = ? WHERE sid = ?')
      .run(status, this.clock().getTime(), error?.code ?? null, error?.message ?? null, sid);
    return this.#byKey(sid);
  }

  countAttempt(sid: string): void {
    this.db.prepare('UPDATE sms_commands SET attempts = attempts + 1 WHERE sid = ?').run(sid);
  }

  /** The retry window closed: no more attempts, the status stays as it is (no change, no callback). */
  giveUp(sid: string): void {
    this.db.prepare('UPDATE sms_commands SET gave_up = 1 WHERE sid = ?').run(sid);
  }

  /** Deletes what retention already hides; reads never depend on this having run. */
  purge(): number {
    return this.db.prepare('DELETE FROM sms_commands WHERE created <= ?').run(this.#oldest()).changes;
  }

  #byKey(sid: string): CommandRecord {
    return this.#record(this.db.prepare<[string], Row>('SELECT * FROM sms_commands WHERE sid = ?').get(sid)!);
  }

  #oldest(): number {
    return this.clock().getTime() - RETENTION_MS;
  }

  #record(r: Row): CommandRecord {
    return {
      seq: r.seq,
      sid: r.sid,
      accountSid: this.accountSid,
      simSid: r.sim_sid,
      payload: r.payload,
      status: r.status,
      direction: r.direction,
      callbackUrl: r.callback_url,
      callbackMethod: r.callback_method,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      created: r.created,
      updated: r.updated,
      attempts: r.attempts,
      gaveUp: r.gave_up === 1,
    };
  }
}
