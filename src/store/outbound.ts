import { invalid, notFound } from './store-error.js';
import type { StoreContext } from './context.js';
import type { Statement } from '../sqlite.js';
import { assertTransition, OUTBOUND_TRANSITIONS } from './transitions.js';
import type {
  DeliveryFailureInput,
  FailureInput,
  OutboundInput,
  OutboundRecord,
  OutboundStatus,
  PendingOutbound,
  SentInput,
} from './types.js';

interface OutboundRow {
  id: number;
  inbound_id: number | null;
  recipient: string;
  text: string;
  status: OutboundStatus;
  created_at: number;
  updated_at: number;
  attempts: number;
  uncertain_retries: number;
  message_reference: number | null;
  stored_index: number | null;
  sent_at: number | null;
  completed_at: number | null;
  error_code: number | null;
  error_message: string | null;
}

type Params = [Record<string, unknown>];

const orNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export function toOutboundRecord(row: OutboundRow): OutboundRecord {
  return {
    id: row.id,
    inboundId: row.inbound_id,
    to: row.recipient,
    text: row.text,
    status: row.status,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    attempts: row.attempts,
    uncertainRetries: row.uncertain_retries,
    messageReference: row.message_reference,
    storedIndex: row.stored_index,
    sentAt: orNull(row.sent_at),
    completedAt: orNull(row.completed_at),
    errorCode: row.error_code,
    errorMessage: row.error_message,
  };
}

function checkReference(value: number): void {
  // TP-MR is one octet (3GPP TS 23.040 §9.2.3.6).
  if (!Number.isInteger(value) || value < 0 || value > 255) throw invalid(`message reference ${value} is not 0–255`);
}

function checkIndex(value: number): void {
  if (!Number.isInteger(value) || value < 0) throw invalid(`stored index ${value} is not a non-negative integer`);
}

/**
 * Outbound SMS: the reply queue and its journal. Statuses follow the SmsCommand resource
 * (queued → sent → delivered | failed) with `sending` in between, written before the modem
 * is asked to send, so a crash leaves a trace of every attempt that may have gone out.
 */
export class OutboundLog {
  private readonly insertRow: Statement<Params>;
  private readonly selectById: Statement<[number], OutboundRow>;
  private readonly selectByStatus: Statement<[OutboundStatus], OutboundRow>;
  private readonly selectNewestByReference: Statement<[number], OutboundRow>;
  private readonly selectNewestByStoredIndex: Statement<[number], OutboundRow>;
  private readonly selectOneByText: Statement<[string], { id: number }>;
  private readonly updateSending: Statement<Params>;
  private readonly updateStored: Statement<Params>;
  private readonly updateSent: Statement<Params>;
  private readonly updateQueuedAgain: Statement<Params>;
  private readonly updateFailed: Statement<Params>;
  private readonly updateDelivered: Statement<Params>;
  private readonly updateReplied: Statement<Params>;
  private readonly bumpUncertain: Statement<[]>;
  private readonly selectSince: Statement<[number, number], OutboundRow>;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    this.insertRow = db.prepare(
      `INSERT INTO outbound (inbound_id, recipient, text, status, created_at, updated_at)
       VALUES (@inboundId, @to, @text, 'queued', @now, @now)`,
    );
    this.selectById = db.prepare('SELECT * FROM outbound WHERE id = ?');
    this.selectByStatus = db.prepare('SELECT * FROM outbound WHERE status = ? ORDER BY id');
    this.selectNewestByReference = db.prepare(
      'SELECT * FROM outbound WHERE message_reference = ? ORDER BY sent_at DESC, id DESC LIMIT 1',
    );
    this.selectNewestByStoredIndex = db.prepare('SELECT * FROM outbound WHERE stored_index = ? ORDER BY stored_at DESC, id DESC LIMIT 1');
    this.selectOneByText = db.prepare('SELECT id FROM outbound WHERE text = ? LIMIT 1');
    this.updateSending = db.prepare(
      `UPDATE outbound SET status = 'sending', attempts = attempts + 1,
         uncertain_retries = uncertain_retries + @uncertain, updated_at = @now WHERE id = @id`,
    );
    this.updateStored = db.prepare('UPDATE outbound SET stored_index = @storedIndex, stored_at = @now, updated_at = @now WHERE id = @id');
    this.updateSent = db.prepare(
      `UPDATE outbound SET status = 'sent', message_reference = @messageReference,
         stored_index = COALESCE(@storedIndex, stored_index),
         stored_at = CASE WHEN @storedIndex IS NULL OR @storedIndex IS stored_index THEN stored_at ELSE @now END,
         sent_at = @now, updated_at = @now,
         error_code = NULL, error_message = NULL WHERE id = @id`,
    );
    this.updateQueuedAgain = db.prepare(
      `UPDATE outbound SET status = 'queued', error_code = @code, error_message = @message, updated_at = @now
       WHERE id = @id`,
    );
    this.updateFailed = db.prepare(
      `UPDATE outbound SET status = 'failed', error_code = @code, error_message = @message,
         completed_at = @completedAt, updated_at = @now WHERE id = @id`,
    );
    this.updateDelivered = db.prepare(
      `UPDATE outbound SET status = 'delivered', completed_at = @completedAt, updated_at = @now WHERE id = @id`,
    );
    // handled → replied when the reply is handed to the network. Replies to refused or interrupted
    // commands leave those states alone, hence the state guard in WHERE.
    this.updateReplied = db.prepare(
      `UPDATE inbound SET state = 'replied', updated_at = @now WHERE id = @id AND state = 'handled'`,
    );
    this.bumpUncertain = db.prepare(`UPDATE totals SET value = value + 1 WHERE name = 'uncertain_retries'`);
    this.selectSince = db.prepare(
      'SELECT * FROM outbound WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?',
    );
  }

  /** Inserts a queued row; callers run it inside their transaction. */
  insert(input: OutboundInput): number {
    const result = this.insertRow.run({
      inboundId: input.inboundId ?? null,
      to: input.to,
      text: input.text,
      now: this.ctx.now(),
    });
    return Number(result.lastInsertRowid);
  }

  enqueue(input: OutboundInput): OutboundRecord {
    return this.ctx.write(() => this.require(this.insert(input)));
  }

  get(id: number): OutboundRecord | undefined {
    const row = this.selectById.get(id);
    return row === undefined ? undefined : toOutboundRecord(row);
  }

  /**
   * Journal an attempt before the modem is asked to send. From `sending` (the previous attempt's
   * outcome was never recorded: killed, unplugged, answer lost) it is an at-least-once retry and is counted.
   */
  markSending(id: number): OutboundRecord {
    return this.transition(id, 'sending', (from) => {
      const uncertain = from === 'sending' ? 1 : 0;
      this.updateSending.run({ id, uncertain, now: this.ctx.now() });
      if (uncertain) this.bumpUncertain.run();
    });
  }

  /** AT+CMGW gave the message an index on the SIM; it is still `sending` until AT+CMSS answers. */
  markStored(id: number, storedIndex: number): OutboundRecord {
    checkIndex(storedIndex);
    return this.ctx.write(() => {
        const row = this.require(id);
        if (row.status !== 'sending') throw invalid(`outbound #${id}: cannot store a ${row.status} message`);
        this.updateStored.run({ id, storedIndex, now: this.ctx.now() });
        return this.require(id);
    });
  }

  markSent(id: number, sent: SentInput = {}): OutboundRecord {
    if (sent.messageReference !== undefined) checkReference(sent.messageReference);
    if (sent.storedIndex !== undefined) checkIndex(sent.storedIndex);
    return this.transition(id, 'sent', (_from, row) => {
      const now = this.ctx.now();
      this.updateSent.run({
        id,
        messageReference: sent.messageReference ?? null,
        storedIndex: sent.storedIndex ?? null,
        now,
      });
      if (row.inboundId !== null) this.updateReplied.run({ id: row.inboundId, now });
    });
  }

  /** The modem refused it (e.g. +CMS ERROR, no network): definitely not sent, back to the queue. */
  markNotSent(id: number, failure: FailureInput): OutboundRecord {
    return this.transition(id, 'queued', () => {
      this.updateQueuedAgain.run({ id, code: failure.code ?? null, message: failure.message, now: this.ctx.now() });
    });
  }

  /** Given up: from `queued` (never tried) or `sending`. */
  markFailed(id: number, failure: FailureInput): OutboundRecord {
    return this.transition(id, 'failed', () => {
      this.updateFailed.run({
        id,
        code: failure.code ?? null,
        message: failure.message,
        completedAt: null,
        now: this.ctx.now(),
      });
    });
  }

  markDelivered(messageReference: number, at: Date): OutboundRecord | null {
    checkReference(messageReference);
    return this.byReference(messageReference, (id) => {
      this.updateDelivered.run({ id, completedAt: at.getTime(), now: this.ctx.now() });
    });
  }

  markDeliveryFailed(messageReference: number, failure: DeliveryFailureInput): OutboundRecord | null {
    checkReference(messageReference);
    return this.byReference(messageReference, (id) => {
      this.updateFailed.run({
        id,
        code: failure.code ?? null,
        message: failure.message ?? 'delivery failed',
        completedAt: failure.at.getTime(),
        now: this.ctx.now(),
      });
    });
  }

  /** The reply stored last in this slot (by when it took the slot, not by id: a retried reply can take a slot after a newer one). */
  newestByStoredIndex(index: number): OutboundRecord | undefined {
    const row = this.selectNewestByStoredIndex.get(index);
    return row ? toOutboundRecord(row) : undefined;
  }

  /** Whether some reply (of any state) had this text: a stored copy with it is one of ours. */
  isText(text: string): boolean {
    return this.selectOneByText.get(text) !== undefined;
  }

  pending(): PendingOutbound {
    return this.ctx.read(() => ({
      queued: this.selectByStatus.all('queued').map(toOutboundRecord),
      sending: this.selectByStatus.all('sending').map(toOutboundRecord),
    }));
  }

  list(sinceMs: number, limit: number): OutboundRecord[] {
    return this.selectSince.all(sinceMs, limit).map(toOutboundRecord);
  }

  /**
   * A status report names its message only by TP-MR, which wraps at 256. The newest row carrying that
   * MR is the one the report is about; if that row is no longer `sent` (a repeated report), nothing
   * changes and null is returned, rather than wrongly completing an older row that reused the MR.
   */
  private byReference(messageReference: number, write: (id: number) => void): OutboundRecord | null {
    return this.ctx.write(() => {
        const row = this.selectNewestByReference.get(messageReference);
        if (row === undefined || row.status !== 'sent') return null;
        write(row.id);
        return this.require(row.id);
    });
  }

  private transition(
    id: number,
    to: OutboundStatus,
    write: (from: OutboundStatus, row: OutboundRecord) => void,
  ): OutboundRecord {
    return this.ctx.write(() => {
        const row = this.require(id);
        assertTransition(OUTBOUND_TRANSITIONS, `outbound #${id}`, row.status, to);
        write(row.status, row);
        return this.require(id);
    });
  }

  private require(id: number): OutboundRecord {
    const row = this.get(id);
    if (row === undefined) throw notFound('outbound', id);
    return row;
  }
}
