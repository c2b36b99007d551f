import type { StoreContext } from './context.js';
import type { OutboundLog } from './outbound.js';
import type { Statement } from '../sqlite.js';
import { invalid, notFound } from './store-error.js';
import { assertTransition, INBOUND_TRANSITIONS } from './transitions.js';
import type {
  InboundInput,
  InboundRecord,
  InboundState,
  PendingInbound,
  RecordInboundResult,
  ReplyInput,
} from './types.js';

interface InboundRow {
  id: number;
  sender: string;
  sent_at: number;
  text: string;
  received_at: number;
  source: string | null;
  state: InboundState;
  updated_at: number;
  reason: string | null;
  duplicates: number;
}

type Params = [Record<string, unknown>];

export function toInboundRecord(row: InboundRow): InboundRecord {
  return {
    id: row.id,
    sender: row.sender,
    sentAt: new Date(row.sent_at * 1000),
    text: row.text,
    receivedAt: new Date(row.received_at),
    source: row.source,
    state: row.state,
    updatedAt: new Date(row.updated_at),
    reason: row.reason,
    duplicates: row.duplicates,
  };
}

/** The SCTS has 1-second resolution (3GPP TS 23.040 §9.2.3.11); the key compares whole seconds. */
function sctsSeconds(sentAt: Date): number {
  const ms = sentAt.getTime();
  if (!Number.isFinite(ms)) throw invalid('inbound sentAt is not a valid date');
  return Math.floor(ms / 1000);
}

/** Inbound SMS Commands and their guarded state machine (see transitions.ts and docs/store.md). */
export class InboundLog {
  private readonly insertRow: Statement<Params>;
  private readonly selectById: Statement<[number], InboundRow>;
  private readonly selectByKey: Statement<Params, InboundRow>;
  private readonly selectByState: Statement<[InboundState], InboundRow>;
  private readonly selectSince: Statement<[number, number], InboundRow>;
  private readonly updateState: Statement<Params>;
  private readonly bumpDuplicates: Statement<[number]>;
  private readonly bumpTotalDuplicates: Statement<[]>;

  constructor(
    private readonly ctx: StoreContext,
    private readonly outbound: OutboundLog,
  ) {
    const db = ctx.db;
    // DO NOTHING on the (sender, sent_at, text) key: the de-duplication rule lives in the schema.
    this.insertRow = db.prepare(
      `INSERT INTO inbound (sender, sent_at, text, received_at, source, state, updated_at)
       VALUES (@sender, @sentAt, @text, @receivedAt, @source, 'received', @now)
       ON CONFLICT (sender, sent_at, text) DO NOTHING`,
    );
    this.selectById = db.prepare('SELECT * FROM inbound WHERE id = ?');
    this.selectByKey = db.prepare('SELECT * FROM inbound WHERE sender = @sender AND sent_at = @sentAt AND text = @text');
    this.selectByState = db.prepare('SELECT * FROM inbound WHERE state = ? ORDER BY id');
    this.selectSince = db.prepare(
      'SELECT * FROM inbound WHERE received_at >= ? ORDER BY received_at DESC, id DESC LIMIT ?',
    );
    this.updateState = db.prepare(
      'UPDATE inbound SET state = @to, reason = @reason, updated_at = @now WHERE id = @id AND state = @from',
    );
    this.bumpDuplicates = db.prepare('UPDATE inbound SET duplicates = duplicates + 1 WHERE id = ?');
    this.bumpTotalDuplicates = db.prepare(`UPDATE totals SET value = value + 1 WHERE name = 'duplicates'`);
  }

  /**
   * Records a command durably (committed with synchronous=FULL before returning), so the caller may
   * then delete it from the modem. De-duplication rule: (sender, SCTS second, text) is unique while the
   * row is kept (30 days). A network re-delivery is byte-identical and lands on the existing row
   * (`duplicate: true`, its id and state, never run again). Two identical commands sent within the same
   * second are indistinguishable from a re-delivery and are collapsed the same way; identical texts in
   * different seconds are different commands.
   */
  record(input: InboundInput): RecordInboundResult {
    const key = { sender: input.sender, sentAt: sctsSeconds(input.sentAt), text: input.text };
    const now = this.ctx.now();
    const receivedAt = input.receivedAt?.getTime() ?? now;
    if (!Number.isFinite(receivedAt)) throw invalid('inbound receivedAt is not a valid date');
    return this.ctx.write(() => {
      const inserted = this.insertRow.run({ ...key, receivedAt, source: input.source ?? null, now });
      if (inserted.changes === 1) {
        return { id: Number(inserted.lastInsertRowid), duplicate: false, state: 'received' as const };
      }
      const original = this.selectByKey.get(key);
      if (original === undefined) throw invalid('inbound insert was ignored but no original row exists');
      this.bumpDuplicates.run(original.id);
      this.bumpTotalDuplicates.run();
      return { id: original.id, duplicate: true, state: original.state };
    });
  }

  get(id: number): InboundRecord | undefined {
    const row = this.selectById.get(id);
    return row === undefined ? undefined : toInboundRecord(row);
  }

  /** received → handling. False when the command is already past `received` (started, done or refused). */
  begin(id: number): boolean {
    return this.ctx.write(() => {
      const row = this.require(id);
      if (row.state !== 'received') return false;
      this.move(row, 'handling', null);
      return true;
    });
  }

  /**
   * handling → handled, and the reply queued in the same transaction, linked to the command (one reply
   * per command, enforced by the schema). With no reply: handled → no-reply, same transaction.
   */
  finish(id: number, reply: ReplyInput | null): { outboundId: number | null } {
    return this.ctx.write(() => {
      const row = this.require(id);
      this.move(row, 'handled', null);
      if (reply === null) {
        this.move({ ...row, state: 'handled' }, 'no-reply', null);
        return { outboundId: null };
      }
      return { outboundId: this.outbound.insert({ ...reply, inboundId: id }) };
    });
  }

  /** handling → interrupted (a crash mid-action, not safe to re-run), with an optional error reply queued. */
  interrupt(id: number, reason: string, reply: ReplyInput | null): { outboundId: number | null } {
    return this.ctx.write(() => {
      const row = this.require(id);
      this.move(row, 'interrupted', reason);
      return { outboundId: reply === null ? null : this.outbound.insert({ ...reply, inboundId: id }) };
    });
  }

  /** received → refused (unknown sender, bad signature, replayed counter): never run. */
  refuse(id: number, reason: string, reply: ReplyInput | null): { outboundId: number | null } {
    return this.ctx.write(() => {
      const row = this.require(id);
      this.move(row, 'refused', reason);
      return { outboundId: reply === null ? null : this.outbound.insert({ ...reply, inboundId: id }) };
    });
  }

  pending(): PendingInbound {
    return this.ctx.read(() => ({
      received: this.selectByState.all('received').map(toInboundRecord),
      handling: this.selectByState.all('handling').map(toInboundRecord),
    }));
  }

  list(sinceMs: number, limit: number): InboundRecord[] {
    return this.selectSince.all(sinceMs, limit).map(toInboundRecord);
  }

  private move(row: InboundRecord, to: InboundState, reason: string | null): void {
    assertTransition(INBOUND_TRANSITIONS, `inbound #${row.id}`, row.state, to);
    const changed = this.updateState.run({ id: row.id, from: row.state, to, reason, now: this.ctx.now() });
    if (changed.changes !== 1) throw invalid(`inbound #${row.id} changed state underneath (expected ${row.state})`);
  }

  private require(id: number): InboundRecord {
    const row = this.get(id);
    if (row === undefined) throw notFound('inbound', id);
    return row;
  }
}
