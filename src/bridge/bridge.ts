import { Observable, Subject, Subscription } from '../rx.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { InboundCommand, Outcome } from '../dispatch/types.js';
import { silentLogger, type Logger } from '../log.js';
import type { ReplyEvent } from '../sms/durable-sender.js';
import type { IncomingSms } from '../sms/inbox.js';
import type { BridgeStore } from '../store/bridge-store.js';
import type { InboundRecord, OutboundRecord } from '../store/types.js';

/** What the bridge needs of the SMS layer (SmsService provides it). */
export interface BridgeSms {
  readonly incoming$: Observable<IncomingSms>;
}

/** What the bridge needs of the durable sender: it journals and sends the replies the bridge queues. */
export interface BridgeReplies {
  readonly events$: Observable<ReplyEvent<OutboundRecord>>;
  start(): void;
  stop(): void;
  /** Sends what is queued now (the bridge calls it after queuing a reply). */
  drain(): Promise<void>;
}

export interface BridgeOptions {
  sms: BridgeSms;
  replies: BridgeReplies;
  store: BridgeStore;
  dispatcher: Dispatcher;
  /** Where replies go (configuration; Super SIM: `000`). */
  replyTo: string;
  log?: Logger;
  clock?: () => Date;
}

export type BridgeEvent =
  | { kind: 'received'; command: InboundCommand; duplicate: boolean }
  | { kind: 'ignored'; sender: string; text: string; reason: string }
  | { kind: 'handled'; outcome: Outcome }
  | { kind: 'reply'; reply: OutboundRecord; status: OutboundRecord['status'] };

/**
 * The bridge: SMS Commands in, device actions out, replies back — exactly once.
 *
 *   SMS on the SIM ──record──▶ store (received) ──ack──▶ deleted from the SIM
 *   received ──▶ handling ──dispatch──▶ handled + reply queued (one transaction) ──send──▶ sent
 *
 * A message is deleted from the SIM only after it is recorded; a network re-delivery is a
 * duplicate in the store and never runs again. After a crash, `received` commands run, and
 * `handling` ones re-run only if their route is idempotent (else they are reported as
 * interrupted). Replies are the durable sender's (sms/durable-sender.ts).
 */
export class Bridge {
  readonly #options: BridgeOptions;
  readonly #log: Logger;
  readonly #clock: () => Date;
  readonly #commands = new Subject<InboundCommand>();
  readonly #events = new Subject<BridgeEvent>();
  readonly #subscription = new Subscription();

  readonly events$: Observable<BridgeEvent> = this.#events.asObservable();

  constructor(options: BridgeOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLogger;
    this.#clock = options.clock ?? (() => new Date());
  }

  start(): void {
    const { dispatcher, sms, replies } = this.#options;
    this.#subscription.add(
      dispatcher.process(this.#commands).subscribe({
        next: (outcome) => this.#finish(outcome),
        error: (error: unknown) => this.#log.error({ error: String(error) }, 'the dispatcher stream failed'),
      }),
    );
    this.#subscription.add(replies.events$.subscribe(({ reply, status }) => this.#events.next({ kind: 'reply', reply, status })));
    this.#recover();
    this.#subscription.add(sms.incoming$.subscribe((message) => void this.#receive(message)));
    replies.start();
  }

  stop(): void {
    this.#options.replies.stop();
    this.#subscription.unsubscribe();
    this.#commands.complete();
    this.#events.complete();
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
    if (message.encoding === '8bit' && !recorded.duplicate) {
      // 8-bit data (3GPP TS 23.038 §4) is binary, not text: recorded (its text is the octets in hex)
      // and removed from the SIM, never run as a command and never answered (docs/modem-behaviour.md §8).
      this.#refuseData(command);
      return;
    }
    if (recorded.duplicate) {
      this.#log.info({ id: recorded.id, sender: message.sender }, 'duplicate delivery of a recorded command: not run again');
      return;
    }
    this.#run(command);
  }

  #refuseData(command: InboundCommand): void {
    const reason = '8-bit data, not a text command';
    try {
      this.#options.store.refuse(command.id, reason, null);
    } catch (error) {
      this.#log.error({ id: command.id, error: (error as Error).message }, 'cannot mark an 8-bit message as refused');
      return;
    }
    this.#log.info({ id: command.id, sender: command.sender }, 'an 8-bit (binary) message is data, not a command: recorded, not run');
    this.#events.next({ kind: 'ignored', sender: command.sender, text: command.text, reason });
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
    void this.#options.replies.drain();
  }

  #recover(): void {
    const { store, dispatcher } = this.#options;
    const pending = store.pendingInbound();
    for (const record of pending.handling) {
      const route = dispatcher.actionFor(record);
      if (route === undefined) {
        // A refused sender or a text without a route: nothing ran, and handling it again gives the same answer.
        this.#log.warn({ id: record.id }, 'a command was interrupted before any action could start; handling it again');
        this.#commands.next(this.#command(record));
      } else if (route.idempotent) {
        this.#log.warn({ id: record.id, route: route.name }, 'a command was interrupted mid-action; running it again (idempotent)');
        this.#commands.next(this.#command(record));
      } else {
        const verb = record.text.trim().split(/\s+/)[0] ?? '';
        this.#log.warn({ id: record.id }, 'a command was interrupted mid-action and may have run; not running it twice');
        store.interruptHandling(record.id, 'interrupted by a restart', { text: `ERR interrupted: ${verb.slice(0, 40)} may not have run`, to: this.#options.replyTo });
      }
    }
    for (const record of pending.received) this.#run(this.#command(record));
  }

  #command(record: InboundRecord): InboundCommand {
    return { id: record.id, sender: record.sender, text: record.text, sentAt: record.sentAt, receivedAt: record.receivedAt };
  }
}
