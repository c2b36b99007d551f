import { Observable, Subject, Subscription } from 'rxjs';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { InboundCommand, Outcome } from '../dispatch/types.js';
import { isBridgeError } from '../errors.js';
import { TRANSIENT_CMS } from '../modem/retry.js';
import { silentLogger, type Logger } from '../log.js';
import type { IncomingSms, StoredCopy } from '../sms/inbox.js';
import type { OutboundSms, SendOptions, StoredState } from '../sms/outbox.js';
import type { BridgeStore } from '../store/bridge-store.js';
import type { InboundRecord, OutboundRecord } from '../store/types.js';

/** What the bridge needs of the SMS layer (SmsService provides it). */
export interface BridgeSms {
  readonly incoming$: Observable<IncomingSms>;
  readonly outbox$: Observable<OutboundSms>;
  /** Sent copies of replies a sweep found still in storage. */
  readonly storedCopies$?: Observable<StoredCopy>;
  send(text: string, options?: SendOptions): Promise<OutboundSms>;
  storedState(index: number): Promise<StoredState>;
  sendStored(index: number, record: { to: string; text: string }): Promise<OutboundSms>;
  deleteStored(index: number): Promise<void>;
}

export interface BridgeOptions {
  sms: BridgeSms;
  store: BridgeStore;
  dispatcher: Dispatcher;
  /** Where replies go (configuration; Super SIM: `000`). */
  replyTo: string;
  log?: Logger;
  clock?: () => Date;
  /** How often the store is checked for replies to (re)send: refused ones, and ones `smsbridge send` queued (default 5 s). */
  retryIntervalMs?: number;
  /**
   * `storage` (default): AT+CMGW then AT+CMSS, journaling the SIM index in between, so a restart
   * can read STO SENT / STO UNSENT instead of guessing: exactly once, for two more AT exchanges.
   * `cmgs`: one AT+CMGS; a crash between the modem's answer and our journal resends the reply.
   */
  sendVia?: 'storage' | 'cmgs';
}

export type BridgeEvent =
  | { kind: 'received'; command: InboundCommand; duplicate: boolean }
  | { kind: 'ignored'; sender: string; text: string; reason: string }
  | { kind: 'handled'; outcome: Outcome }
  | { kind: 'reply'; reply: OutboundRecord; status: OutboundRecord['status'] };

/** Errors that say the reply certainly did not leave: the modem refused it or never showed the prompt. */
const definitelyNotSent = (error: unknown) =>
  isBridgeError(error, 'CMS_ERROR') || isBridgeError(error, 'CME_ERROR') || isBridgeError(error, 'AT_ERROR') ||
  (isBridgeError(error, 'AT_TIMEOUT') && /prompt/.test(error.message)) || isBridgeError(error, 'QUEUE_CLOSED');
/** Refusals no retry will fix (27.005 §3.2.5: 1–127 network, 300–330 ME/SIM errors except busy). */
const permanent = (error: unknown) =>
  (isBridgeError(error) && error.code.startsWith('SMS_')) ||
  // 322 memory full passes once the inbox sweeps.
  (isBridgeError(error, 'CMS_ERROR') && error.number !== undefined && error.number !== 322 && !TRANSIENT_CMS.has(error.number));

/**
 * The bridge: SMS Commands in, device actions out, replies back — exactly once.
 *
 *   SMS on the SIM ──record──▶ store (received) ──ack──▶ deleted from the SIM
 *   received ──▶ handling ──dispatch──▶ handled + reply queued (one transaction) ──send──▶ sent
 *
 * A message is deleted from the SIM only after it is recorded; a network re-delivery is a
 * duplicate in the store and never runs again. After a crash, `received` commands run, `handling`
 * ones re-run only if their route is idempotent (else they are reported as interrupted), and
 * replies left `sending` (their +CMGS answer never came) are sent again: at-least-once in that
 * window only, and counted.
 */
export class Bridge {
  readonly #options: BridgeOptions;
  readonly #log: Logger;
  readonly #clock: () => Date;
  readonly #commands = new Subject<InboundCommand>();
  readonly #events = new Subject<BridgeEvent>();
  readonly #subscription = new Subscription();
  #draining?: Promise<void>;
  #drainAgain = false;
  #retryTimer?: NodeJS.Timeout;
  #stopped = false;
  /** Slots whose sent copy is being freed: two sweeps may list it before the first delete ran. */
  readonly #freeing = new Set<number>();

  readonly events$: Observable<BridgeEvent> = this.#events.asObservable();

  constructor(options: BridgeOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLogger;
    this.#clock = options.clock ?? (() => new Date());
  }

  start(): void {
    const { dispatcher, sms } = this.#options;
    this.#subscription.add(
      dispatcher.process(this.#commands).subscribe({
        next: (outcome) => this.#finish(outcome),
        error: (error: unknown) => this.#log.error({ error: String(error) }, 'the dispatcher stream failed'),
      }),
    );
    this.#recover();
    this.#subscription.add(sms.incoming$.subscribe((message) => void this.#receive(message)));
    this.#subscription.add(sms.outbox$.subscribe((status) => this.#onDelivery(status)));
    if (sms.storedCopies$) this.#subscription.add(sms.storedCopies$.subscribe((copy) => this.#onStoredCopy(copy)));
    this.#retryTimer = setInterval(() => void this.drain(), this.#options.retryIntervalMs ?? 5_000);
    this.#retryTimer.unref?.();
    void this.drain();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#retryTimer);
    this.#subscription.unsubscribe();
    this.#commands.complete();
    this.#events.complete();
  }

  /** Sends every pending reply; one drain at a time, again if more arrived meanwhile. */
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

  async #receive(message: IncomingSms): Promise<void> {
    const { store } = this.#options;
    let recorded;
    try {
      recorded = store.recordInbound({
        sender: message.sender,
        sentAt: message.timestamp,
        text: message.text,
        receivedAt: this.#clock(),
        source: message.source,
      });
    } catch (error) {
      // Not recorded, so not acknowledged: it stays on the SIM and the next sweep brings it back.
      this.#log.error({ error: (error as Error).message, source: message.source }, 'cannot record an inbound SMS; leaving it on the modem');
      return;
    }
    // Recorded, so the command may run now; its slot is freed in the background (the delete rides on
    // a later command line). Until then it stays on the SIM, and a restart finds it a duplicate.
    message.ack().catch((error: unknown) => {
      this.#log.warn({ error: (error as Error).message, source: message.source }, 'recorded, but could not delete it from the modem yet');
    });
    const command = this.#command(store.getInbound(recorded.id)!);
    this.#events.next({ kind: 'received', command, duplicate: recorded.duplicate });
    if (recorded.duplicate) {
      this.#log.info({ id: recorded.id, sender: message.sender }, 'duplicate delivery of a recorded command: not run again');
      return;
    }
    this.#run(command);
  }

  #run(command: InboundCommand): void {
    try {
      this.#options.store.beginHandling(command.id);
    } catch (error) {
      this.#log.error({ id: command.id, error: (error as Error).message }, 'cannot mark a command as handling; not running it');
      return;
    }
    this.#commands.next(command);
  }

  #finish(outcome: Outcome): void {
    const { store, replyTo } = this.#options;
    const id = outcome.command.id;
    try {
      if (outcome.status === 'refused') {
        store.refuse(id, outcome.error ?? outcome.refusal ?? 'refused');
      } else {
        store.finishHandling(id, outcome.reply === null ? null : { text: outcome.reply, to: replyTo });
      }
    } catch (error) {
      this.#log.error({ id, error: (error as Error).message }, 'cannot record the outcome of a command');
      return;
    }
    this.#events.next({ kind: 'handled', outcome });
    void this.drain();
  }

  #recover(): void {
    const { store, dispatcher } = this.#options;
    const pending = store.pendingInbound();
    for (const record of pending.handling) {
      const route = dispatcher.routeFor(record.text);
      if (route?.idempotent) {
        this.#log.warn({ id: record.id, route: route.name }, 'a command was interrupted mid-action; running it again (idempotent)');
        this.#commands.next(this.#command(record));
      } else {
        const verb = record.text.trim().split(/\s+/)[0] ?? '';
        this.#log.warn({ id: record.id }, 'a command was interrupted mid-action and may have run; not running it twice');
        store.interruptHandling(record.id, 'interrupted by a restart', { text: `ERR interrupted: ${verb.slice(0, 40)} may not have run`, to: this.#options.replyTo });
      }
    }
    for (const record of pending.received) this.#run(this.#command(record));
    const outbound = store.pendingOutbound();
    if (outbound.sending.length > 0) this.#log.warn({ count: outbound.sending.length }, 'replies whose send result never came: sending them again (at-least-once)');
  }

  async #drainOnce(): Promise<void> {
    const { store } = this.#options;
    const { queued, sending } = store.pendingOutbound();
    for (const reply of [...sending, ...queued].sort((a, b) => a.id - b.id)) {
      if (this.#stopped) return;
      try {
        await this.#sendReply(reply);
      } catch (error) {
        // Stopping closes the session under a send in flight: the row stays `sending` for the next run.
        if (this.#stopped) return;
        this.#onSendError(reply, error);
        return; // the modem is unhappy: wait for the next drain
      }
    }
  }

  async #sendReply(reply: OutboundRecord): Promise<void> {
    const { store, sms } = this.#options;
    const stored = reply.status === 'sending' ? reply.storedIndex : null;
    if (stored !== null) {
      // A restart found a reply we had stored on the SIM: its slot says whether it went out.
      const state = await sms.storedState(stored);
      if (state === 'sent') {
        this.#log.info({ id: reply.id, index: stored }, 'a stored reply was sent before the restart: not sending it again');
        this.#sent(store.markSent(reply.id, { storedIndex: stored }));
        return;
      }
      if (state === 'unsent') {
        store.markSending(reply.id);
        const sent = await sms.sendStored(stored, reply);
        this.#sent(store.markSent(reply.id, { messageReference: sent.messageReference!, storedIndex: stored }));
        return;
      }
    }
    // Journal before sending: if we die before the modem answers, the row says `sending`.
    store.markSending(reply.id);
    let storedIndex: number | undefined;
    const viaStorage = (this.#options.sendVia ?? 'storage') === 'storage';
    const sent = await sms.send(reply.text, {
      to: reply.to,
      ...(viaStorage ? { viaStorage: { onStored: (index: number) => void (storedIndex = index, store.markStored(reply.id, index)) } } : {}),
    });
    this.#sent(store.markSent(reply.id, { messageReference: sent.messageReference!, ...(storedIndex === undefined ? {} : { storedIndex }) }));
  }

  #sent(updated: OutboundRecord): void {
    this.#events.next({ kind: 'reply', reply: updated, status: 'sent' });
    // Free the slot: a full storage silences +CMTI on some modems (docs/modem-behaviour.md §4).
    if (updated.storedIndex !== null) {
      this.#free(updated.storedIndex);
    }
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
    if (this.#freeing.has(copy.index)) return;
    const { store } = this.#options;
    const row = store.newestOutboundByStoredIndex(copy.index);
    if (row?.status === 'sending') return; // the drain reads this slot's <stat> and decides
    const ours = copy.sent
      ? row !== undefined && (row.status === 'sent' || row.status === 'delivered') && row.text === copy.text
      : store.isOutboundText(copy.text);
    if (!ours) return;
    this.#log.info({ id: row?.id, index: copy.index, sent: copy.sent }, 'freeing the slot of a reply copy left in storage');
    this.#free(copy.index);
  }

  /** Deletes a sent copy once; a failure leaves it for the next sweep to find (onStoredCopy). */
  #free(index: number): void {
    if (this.#freeing.has(index)) return;
    this.#freeing.add(index);
    this.#options.sms
      .deleteStored(index)
      .catch((error: unknown) => this.#log.debug({ error: (error as Error).message, index }, 'could not free a sent reply slot yet'))
      .finally(() => this.#freeing.delete(index));
  }

  #onSendError(reply: OutboundRecord, error: unknown): void {
    const { store } = this.#options;
    if (permanent(error)) {
      const failure = { message: (error as Error).message, ...(isBridgeError(error) && error.number !== undefined ? { code: error.number } : {}) };
      const updated = store.markFailed(reply.id, failure);
      this.#events.next({ kind: 'reply', reply: updated, status: 'failed' });
      this.#log.error({ id: reply.id, error: failure.message }, 'reply failed for good');
    } else if (definitelyNotSent(error) && store.getOutbound(reply.id)?.status === 'sending') {
      const orphan = store.getOutbound(reply.id)?.storedIndex;
      if (orphan !== null && orphan !== undefined) this.#options.sms.deleteStored(orphan).catch(() => undefined);
      store.markNotSent(reply.id, { message: (error as Error).message });
      this.#log.warn({ id: reply.id, error: (error as Error).message }, 'reply not sent; will retry');
    } else {
      // Unplug, reboot, timeout after the body: it may have gone. Stay `sending`; retried later.
      this.#log.warn({ id: reply.id, error: (error as Error).message }, 'reply fate unknown; will check or send again');
    }
  }

  #onDelivery(status: OutboundSms): void {
    if (status.messageReference === undefined) return;
    const { store } = this.#options;
    try {
      if (status.status === 'delivered') store.markDelivered(status.messageReference, status.updatedAt);
      else if (status.status === 'failed' && status.error?.code === 'DELIVERY_FAILED') {
        store.markDeliveryFailed(status.messageReference, { at: status.updatedAt, message: status.error.message, ...(status.error.number === undefined ? {} : { code: status.error.number }) });
      }
    } catch (error) {
      this.#log.warn({ error: (error as Error).message }, 'cannot record a delivery report');
    }
  }

  #command(record: InboundRecord): InboundCommand {
    return { id: record.id, sender: record.sender, text: record.text, sentAt: record.sentAt, receivedAt: record.receivedAt };
  }
}
