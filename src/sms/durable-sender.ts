import { Observable, Subject, Subscription } from '../rx.js';
import { backoff } from '../modem/retry.js';
import { silentLogger, type Logger } from '../log.js';
import type { StorageListing, StoredCopy } from './inbox.js';
import type { PreparedSms, StoreAndSend, StoredState } from './outbox.js';
import type { JournaledReply, ReplyJournal, ReplyStatus } from './reply-journal.js';
import { judgeSendFailure, storageRefused, type SendOutcome } from './send-outcome.js';
import type { StatusReportRecord } from './types.js';

/** The outbound operations the durable sender strings together (SmsService provides them). */
export interface ReplyModem {
  /** SUBMITs a sweep found in storage: copies a failed delete or a crash left behind. */
  readonly storedCopies$: Observable<StoredCopy>;
  /** Each listing of the home storage (the one AT+CMGL each start makes anyway). */
  readonly listings$?: Observable<StorageListing>;
  /** Each time the modem is (again) ready: replies held back by a fault are tried at once. */
  readonly ready$?: Observable<unknown>;
  readonly statusReports$: Observable<StatusReportRecord>;
  prepare(text: string, to: string): PreparedSms;
  sendStored(index: number): Promise<number>;
  /** AT+CMGW, `journal(index)`, AT+CMSS in one turn of the SMS lock (src/sms/outbox.ts). */
  storeAndSend(sms: PreparedSms, journal: (index: number) => void): Promise<StoreAndSend>;
  sendDirect(sms: PreparedSms): Promise<number>;
  slotState(index: number): Promise<StoredState>;
  /** Frees a slot: in `storage` where a sweep found the copy elsewhere, else in the home storage. */
  free(index: number, storage?: string): Promise<void>;
}

export interface DurableSenderOptions<R extends JournaledReply> {
  modem: ReplyModem;
  journal: ReplyJournal<R>;
  /**
   * `storage` (default): AT+CMGW, journal the index, AT+CMSS, journal the reference, free the
   * slot. A restart reads STO SENT / STO UNSENT instead of guessing: exactly once.
   * `cmgs`: one AT+CMGS; a crash between the modem's answer and the journal resends the reply.
   */
  via?: 'storage' | 'cmgs';
  log?: Logger;
  /** How often the journal is looked at for replies other processes queued (`smsbridge send`); default 5 s. */
  pollMs?: number;
  /** Wait before retry n of a reply that did not go: doubling from 1 s to 30 s by default (and none once the modem is ready again). */
  retryDelayMs?: (failures: number) => number;
  now?: () => number;
  /**
   * How long replies left `sending` in storage wait at start for the first listing to settle them
   * (instead of one AT+CMGR each) before their slots are read one by one; default 30 s.
   */
  listingWaitMs?: number;
}

export interface ReplyEvent<R> {
  reply: R;
  status: ReplyStatus;
}

/**
 * The one place that knows how a reply reaches the network exactly once:
 *
 *   journal `sending` → AT+CMGW → journal the index → AT+CMSS → journal `sent` + reference → free the slot
 *
 * After a crash or an unknown outcome, the slot's `<stat>` decides: STO SENT is recorded as sent,
 * STO UNSENT is sent from storage, an empty slot means it never got that far. Each attempt ends in
 * a typed outcome (send-outcome.ts) that is journaled; replies that did not go are retried here,
 * with a doubling delay, and nowhere else.
 */
export class DurableSender<R extends JournaledReply> {
  readonly #options: DurableSenderOptions<R>;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #events = new Subject<ReplyEvent<R>>();
  readonly #subscription = new Subscription();
  /** Replies that failed to go, by id: how often, and not before when to try again. */
  readonly #retries = new Map<number, { failures: number; notBefore: number }>();
  /** Slots whose copy is being freed (`storage:index`, '' for home): two sweeps may list it before the first delete ran. */
  readonly #freeing = new Set<string>();
  #draining?: Promise<void>;
  #drainAgain = false;
  #poll?: NodeJS.Timeout;
  #wake?: NodeJS.Timeout;
  #stopped = false;
  #startedAt = 0;
  /** Replies an earlier process left `sending` with a stored copy: the start-up listing settles them. */
  readonly #leftInStorage = new Set<number>();
  /** The newest listing of the home storage: reply copies by slot, and when it was taken. */
  #listing?: { at: number; copies: Map<number, StoredCopy> };

  readonly events$: Observable<ReplyEvent<R>> = this.#events.asObservable();

  constructor(options: DurableSenderOptions<R>) {
    this.#options = options;
    this.#log = options.log ?? silentLogger;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    const { modem, journal } = this.#options;
    this.#subscription.add(modem.storedCopies$.subscribe((copy) => this.#onStoredCopy(copy)));
    this.#subscription.add(modem.statusReports$.subscribe((report) => this.#onStatusReport(report)));
    if (modem.listings$) {
      this.#subscription.add(
        modem.listings$.subscribe((listing) => {
          this.#listing = { at: listing.at.getTime(), copies: new Map(listing.copies.map((c) => [c.index, c])) };
          void this.drain();
        }),
      );
    }
    if (modem.ready$) {
      this.#subscription.add(
        modem.ready$.subscribe(() => {
          // What failed while the modem was away or rebooting says nothing about the modem now.
          this.#retries.clear();
          void this.drain();
        }),
      );
    }
    this.#startedAt = this.#now();
    const { sending } = journal.pendingOutbound();
    for (const reply of sending) if (reply.storedIndex !== null) this.#leftInStorage.add(reply.id);
    const uncertain = sending.length;
    if (uncertain > 0) this.#log.warn({ count: uncertain }, 'replies whose send result never came: checking their slots or sending them again');
    this.#poll = setInterval(() => void this.drain(), this.#options.pollMs ?? 5_000);
    this.#poll.unref?.();
    void this.drain();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#poll);
    clearTimeout(this.#wake);
    this.#subscription.unsubscribe();
    this.#events.complete();
  }

  /** Sends every pending reply that is due; one drain at a time, again if asked meanwhile. */
  drain(): Promise<void> {
    if (this.#draining) {
      this.#drainAgain = true;
      return this.#draining;
    }
    this.#draining = (async () => {
      do {
        this.#drainAgain = false;
        await this.#drainOnce().catch((error: unknown) => {
          if (!this.#stopped) this.#log.error({ error: (error as Error).message }, 'sending replies failed; retrying later');
        });
      } while (this.#drainAgain && !this.#stopped);
    })().finally(() => {
      this.#draining = undefined;
      // A drain asked for between the loop's last check and here must not be lost.
      if (this.#drainAgain && !this.#stopped) void this.drain();
    });
    return this.#draining;
  }

  /** One attempt for one reply, journaled step by step. Exposed for tests and `smsbridge send`-like callers. */
  async attempt(reply: R): Promise<SendOutcome> {
    const outcome = await this.#attempt(reply);
    this.#record(reply, outcome);
    return outcome;
  }

  async #drainOnce(): Promise<void> {
    const { queued, sending } = this.#options.journal.pendingOutbound();
    for (const reply of [...sending, ...queued].sort((a, b) => a.id - b.id)) {
      if (this.#stopped) return;
      const retry = this.#retries.get(reply.id);
      if (retry && retry.notBefore > this.#now()) continue;
      if (this.#awaitsListing(reply)) continue;
      // A sweep's listing may have settled it while earlier replies went out.
      const current = this.#options.journal.getOutbound(reply.id);
      if (current?.status !== 'queued' && current?.status !== 'sending') continue;
      const outcome = await this.attempt(current);
      // Stopping closes the session under a send in flight: the row stays `sending` for the next run.
      if (this.#stopped) return;
      // The modem is unhappy: the rest waits for the next retry.
      if (outcome.kind === 'not-sent' || outcome.kind === 'unknown' || (outcome.kind === 'refused' && !outcome.final)) return;
    }
  }

  async #attempt(reply: R): Promise<SendOutcome> {
    const { modem, journal } = this.#options;
    const stored = reply.status === 'sending' ? reply.storedIndex : null;
    if (stored !== null) {
      // An earlier attempt stored it and its end is unknown: the slot says whether it went out.
      let state: StoredState | undefined = this.#listedState(reply, stored);
      try {
        state ??= await modem.slotState(stored);
      } catch (error) {
        return this.#unresolved(judgeSendFailure('read-slot', error));
      }
      if (state === 'sent') {
        this.#log.info({ id: reply.id, index: stored }, 'a stored reply was sent before we lost track: not sending it again');
        return { kind: 'sent', storedIndex: stored };
      }
      if (state === 'unsent') {
        journal.markSending(reply.id);
        try {
          return { kind: 'sent', messageReference: await modem.sendStored(stored), storedIndex: stored };
        } catch (error) {
          return judgeSendFailure('send-stored', error);
        }
      }
    }
    let sms: PreparedSms;
    try {
      sms = modem.prepare(reply.text, reply.to);
    } catch (error) {
      return judgeSendFailure('write', error);
    }
    // Journal before sending: if we die before the modem answers, the row says `sending`.
    journal.markSending(reply.id);
    if ((this.#options.via ?? 'storage') === 'storage') {
      const result = await modem.storeAndSend(sms, (index) => journal.markStored(reply.id, index));
      if (result.stored) {
        if ('messageReference' in result) return { kind: 'sent', messageReference: result.messageReference, storedIndex: result.index };
        return judgeSendFailure('send-stored', result.error);
      }
      // A full or missing storage must not hold the reply back: it goes without a copy this once.
      if (!storageRefused(result.error)) return judgeSendFailure('write', result.error);
      this.#log.warn({ id: reply.id, error: (result.error as Error).message }, 'could not store the reply: sending it without storing it first');
    }
    try {
      return { kind: 'sent', messageReference: await modem.sendDirect(sms) };
    } catch (error) {
      return judgeSendFailure('send-direct', error);
    }
  }

  /** What a listing taken after the reply's last step says of its slot (undefined: no such listing). */
  #listedState(reply: R, index: number): StoredState | undefined {
    if (!this.#listing || this.#listing.at < reply.updatedAt.getTime()) return undefined;
    const copy = this.#listing.copies.get(index);
    if (!copy || copy.text !== reply.text) return 'missing';
    return copy.sent ? 'sent' : 'unsent';
  }

  /** A reply a crash left `sending` in storage waits (a while) for the start-up listing to settle it. */
  #awaitsListing(reply: R): boolean {
    if (reply.status !== 'sending' || reply.storedIndex === null || !this.#leftInStorage.has(reply.id) || !this.#options.modem.listings$) return false;
    if (this.#listedState(reply, reply.storedIndex) !== undefined) return false;
    return this.#now() - this.#startedAt < (this.#options.listingWaitMs ?? 30_000);
  }

  /** A slot that could not be read leaves the reply `sending`: nothing is known yet. */
  #unresolved(outcome: SendOutcome): SendOutcome {
    return outcome.kind === 'not-sent' ? { kind: 'unknown', message: outcome.message } : outcome;
  }

  #record(reply: R, outcome: SendOutcome): void {
    const { journal } = this.#options;
    if (this.#stopped && outcome.kind !== 'sent') return; // a closing session's errors say nothing about the reply
    try {
      switch (outcome.kind) {
        case 'sent': {
          this.#retries.delete(reply.id);
          this.#leftInStorage.delete(reply.id);
          const updated = journal.markSent(reply.id, {
            ...(outcome.messageReference === undefined ? {} : { messageReference: outcome.messageReference }),
            ...(outcome.storedIndex === undefined ? {} : { storedIndex: outcome.storedIndex }),
          });
          this.#events.next({ reply: updated, status: 'sent' });
          // Free the slot: a full storage silences +CMTI on some modems (docs/modem-behaviour.md §4).
          if (outcome.storedIndex !== undefined) this.#free(outcome.storedIndex);
          return;
        }
        case 'refused':
          if (outcome.final) {
            this.#retries.delete(reply.id);
            this.#freeOrphan(reply.id);
            const failure = { message: outcome.message, ...(outcome.code === undefined ? {} : { code: outcome.code }) };
            const updated = journal.markFailed(reply.id, failure);
            this.#events.next({ reply: updated, status: 'failed' });
            this.#log.error({ id: reply.id, error: outcome.message }, 'reply failed for good');
            return;
          }
          this.#notSent(reply, outcome.message, outcome.code);
          return;
        case 'not-sent':
          this.#notSent(reply, outcome.message);
          return;
        case 'unknown':
          // Unplug, reboot, no answer after the body: it may have gone. Stays `sending`.
          this.#log.warn({ id: reply.id, error: outcome.message }, 'reply fate unknown; will check its slot or send again');
          this.#scheduleRetry(reply.id);
      }
    } catch (error) {
      this.#log.error({ id: reply.id, error: (error as Error).message }, 'cannot journal what became of a reply');
    }
  }

  #notSent(reply: R, message: string, code?: number): void {
    const row = this.#options.journal.getOutbound(reply.id);
    if (row?.status === 'sending') {
      this.#freeOrphan(reply.id);
      this.#options.journal.markNotSent(reply.id, { message, ...(code === undefined ? {} : { code }) });
    }
    this.#log.warn({ id: reply.id, error: message }, 'reply not sent; will retry');
    this.#scheduleRetry(reply.id);
  }

  /** A copy this reply left in storage without going out: the next attempt writes a new one. */
  #freeOrphan(id: number): void {
    const row = this.#options.journal.getOutbound(id);
    if (row?.status === 'sending' && row.storedIndex !== null) this.#free(row.storedIndex);
  }

  #scheduleRetry(id: number): void {
    const failures = (this.#retries.get(id)?.failures ?? 0) + 1;
    const delay = (this.#options.retryDelayMs ?? backoff(1_000, 30_000))(failures);
    this.#retries.set(id, { failures, notBefore: this.#now() + delay });
    if (this.#stopped) return;
    clearTimeout(this.#wake);
    const earliest = Math.min(...[...this.#retries.values()].map((r) => r.notBefore));
    this.#wake = setTimeout(() => void this.drain(), Math.max(0, earliest - this.#now()));
    this.#wake.unref?.();
  }

  /**
   * A reply's copy a sweep found in storage. Slots are reused, so the journal decides:
   * - the newest reply journaled at that slot is still `sending`: the drain resolves it (leave it);
   * - `STO SENT`, and that newest reply is this very text and recorded as sent: the delete after the
   *   send failed (a reboot under it) or a crash came first: free it;
   * - `STO UNSENT`, no `sending` reply owns the slot, and the text is one of our replies: a crash
   *   came between AT+CMGW and the journal, the reply went out another way: free it.
   * Anything else (another program's message) is left alone.
   */
  #onStoredCopy(copy: StoredCopy): void {
    // A second delete queued behind the first would hit whatever the network stored there meanwhile.
    // A free after a send names no storage; when the copy is not in the home storage, waiting for
    // that one only delays this free to the next sweep.
    if (this.#freeing.has(slotKey(copy.index, copy.storage)) || this.#freeing.has(slotKey(copy.index, undefined))) return;
    const { journal } = this.#options;
    const row = journal.newestOutboundByStoredIndex(copy.index);
    if (row?.status === 'sending') return; // the drain resolves it from the listing or the slot
    const ours = copy.sent
      ? row !== undefined && (row.status === 'sent' || row.status === 'delivered') && row.text === copy.text
      : journal.isOutboundText(copy.text);
    if (!ours) return;
    this.#log.info({ id: row?.id, storage: copy.storage, index: copy.index, sent: copy.sent }, 'freeing the slot of a reply copy left in storage');
    // The sweep may have found it outside the home storage (one written before a reset changed the storage).
    this.#free(copy.index, copy.storage);
  }

  /** Deletes a copy once; a failure leaves it for the next sweep to find (onStoredCopy). */
  #free(index: number, storage?: string): void {
    const key = slotKey(index, storage);
    if (this.#freeing.has(key)) return;
    this.#freeing.add(key);
    this.#options.modem
      .free(index, storage)
      .catch((error: unknown) => this.#log.debug({ error: (error as Error).message, storage, index }, 'could not free a reply slot yet'))
      .finally(() => this.#freeing.delete(key));
  }

  /** Matches a status report to the reply it is about (3GPP TS 23.040 §9.2.3.15). */
  #onStatusReport(report: StatusReportRecord): void {
    if (report.pending) return; // the SMSC is still trying: another report follows
    const { journal } = this.#options;
    try {
      const at = report.dischargeTime;
      const updated = report.delivered
        ? journal.markDelivered(report.messageReference, at)
        : journal.markDeliveryFailed(report.messageReference, { at, code: report.st, message: `TP-Status 0x${report.st.toString(16)}` });
      if (!updated) this.#log.debug({ mr: report.messageReference, st: report.st }, 'status report for a message we do not know');
    } catch (error) {
      this.#log.warn({ error: (error as Error).message }, 'cannot record a delivery report');
    }
  }
}

/** The key of a slot being freed; a free after a send names no storage (the home storage). */
function slotKey(index: number, storage: string | undefined): string {
  return `${storage ?? ''}:${index}`;
}
