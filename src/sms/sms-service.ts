import { Observable, Subject, Subscription } from '../rx.js';
import type { Logger } from '../log.js';
import { AckCarrier } from './ack-carrier.js';
import { DeleteBatcher } from './delete-batcher.js';
import type { ReplyModem } from './durable-sender.js';
import { Inbox, type IncomingSms, type StorageListing, type StoredCopy } from './inbox.js';
import { Outbox, type OutboxOptions, type PrepareOptions, type PreparedSms, type StoreAndSend, type StoredState } from './outbox.js';
import { StorageSelector } from './storage-selector.js';
import { SerialLock } from './serial-lock.js';
import type { SmsMode } from './sms-commands.js';
import { withSend, type SmsModem } from './sms-modem.js';
import { retryWhileNotReady } from '../modem/retry.js';
import type { StatusReportRecord } from './types.js';
import { ReadAhead } from './read-ahead.js';

export interface SmsServiceOptions {
  modem: SmsModem;
  mode: SmsMode;
  defaultRecipient: string;
  statusReports?: boolean;
  log?: Logger;
  outbox?: Pick<OutboxOptions, 'sendTimeoutMs'>;
  /** How long the parts of a concatenated message wait for the rest (default 10 minutes). */
  concatTimeoutMs?: number;
  /** How often to check the storage counters for messages no URC announced (default 5 minutes; 0: never). */
  storageCheckMs?: number;
}

/**
 * The modem as the inbox and the storage selector see it: SIM busy (+CME 14, +CMS 314, 515) and
 * "SMS not ready" (+CMS 500 after a reboot) are retried where they occur, at most 1 s apart for
 * about 10 s, instead of waiting for the next sweep. Only for commands that may run twice
 * (read, list, delete, select storage); sends have their own retry in the outbox.
 */
function waitingOutBusy(modem: SmsModem): SmsModem {
  return withSend(modem, (command, options) => retryWhileNotReady(() => modem.send(command, options), 12));
}

/**
 * The SMS layer on a modem session: `incoming$` (each message with its acknowledgement), status
 * reports, and the outbound operations the durable sender strings together. Inbox and outbox
 * share one lock, because both move modem state (selected storage, text or PDU mode).
 */
export class SmsService implements ReplyModem {
  readonly #inbox: Inbox;
  readonly #outbox: Outbox;
  readonly #subscription = new Subscription();
  readonly #modem: SmsModem;
  readonly #storedCopies = new Subject<StoredCopy>();
  readonly #statusReports = new Subject<StatusReportRecord>();
  readonly #listings = new Subject<StorageListing>();
  readonly #defaultRecipient: string;
  readonly #acks: AckCarrier;

  readonly incoming$: Observable<IncomingSms>;
  /** SUBMITs a sweep found in storage: sent copies a failed delete left, or copies a crash orphaned. */
  readonly storedCopies$: Observable<StoredCopy> = this.#storedCopies.asObservable();
  /** Each time the modem is (again) ready. */
  readonly ready$: Observable<unknown>;
  /** Each AT+CMGL of the home storage: the reply copies it holds, by slot. */
  readonly listings$: Observable<StorageListing> = this.#listings.asObservable();
  /** Status reports (+CDS, or stored and announced by +CDSI), each once. */
  readonly statusReports$: Observable<StatusReportRecord> = this.#statusReports.asObservable();

  constructor(options: SmsServiceOptions) {
    const lock = new SerialLock();
    const patient = waitingOutBusy(options.modem);
    const storage = new StorageSelector(patient);
    // A recorded +CMT's AT+CNMA rides at the front of the next line the outbox or the deletes send
    // (`AT+CNMA;+CMGW="000"`): under load one exchange less per command.
    const acks = new AckCarrier({ modem: options.modem, ...(options.log ? { log: options.log } : {}) });
    this.#acks = acks;
    // Deletes go to the modem as it is: a SIM-busy retry of a line whose first deletes ran could take a new message.
    const deletes = new DeleteBatcher({ modem: acks.modem, lock, storage, ...(options.log ? { log: options.log } : {}) });
    // A reply's AT+CMSS carries the next queued read on its line: one exchange for two under load.
    const readAhead = new ReadAhead();
    this.#modem = options.modem;
    this.#outbox = new Outbox({
      ...options.outbox,
      modem: acks.modem,
      mode: options.mode,
      lock,
      storage,
      deletes,
      readAhead,
      ...(options.statusReports === undefined ? {} : { statusReports: options.statusReports }),
      onModeRestoreFailed: (error) => options.log?.warn({ error: (error as Error).message }, 'could not switch back to text mode'),
    });
    this.#defaultRecipient = options.defaultRecipient;
    this.#inbox = new Inbox({
      modem: patient,
      mode: options.mode,
      lock,
      storage,
      deletes,
      readAhead,
      acks,
      ...(options.log ? { log: options.log } : {}),
      ...(options.concatTimeoutMs ? { concatTimeoutMs: options.concatTimeoutMs } : {}),
      ...(options.storageCheckMs === undefined ? {} : { storageCheckMs: options.storageCheckMs }),
      onStatusReport: (report) => this.#statusReports.next(report),
      onStoredCopy: (copy) => this.#storedCopies.next(copy),
      onListed: (listing) => this.#listings.next(listing),
    });
    this.incoming$ = this.#inbox.incoming$;
    this.ready$ = options.modem.ready$;
  }

  /** Starts listening: call before the modem session starts so the first `ready` triggers a sweep. */
  start(): void {
    this.#subscription.add(this.#modem.urc$.subscribe((urc) => this.#inbox.onUrc(urc)));
    this.#subscription.add(this.#modem.ready$.subscribe((settings) => this.#inbox.onReady(settings)));
  }

  /**
   * Sends one SMS now, without storing it or journaling it (for tools and agents; the bridge's
   * replies go through the durable sender). Resolves with the message reference; rejects with
   * SMS_* before touching the modem, or with the modem's error.
   */
  async send(text: string, options: PrepareOptions & { to?: string; signal?: AbortSignal } = {}): Promise<{ messageReference: number }> {
    const sms = this.#outbox.prepare(text, options.to ?? this.#defaultRecipient, options);
    return { messageReference: await this.#outbox.sendDirect(sms, options.signal) };
  }

  prepare(text: string, to: string): PreparedSms {
    return this.#outbox.prepare(text, to);
  }

  sendStored(index: number): Promise<number> {
    return this.#outbox.sendStored(index);
  }

  sendDirect(sms: PreparedSms): Promise<number> {
    return this.#outbox.sendDirect(sms);
  }

  storeAndSend(sms: PreparedSms, journal: (index: number) => void): Promise<StoreAndSend> {
    return this.#outbox.storeAndSend(sms, journal);
  }

  slotState(index: number): Promise<StoredState> {
    return this.#outbox.slotState(index);
  }

  free(index: number, storage?: string): Promise<void> {
    return this.#outbox.free(index, storage);
  }

  sweep(): Promise<number> {
    return this.#inbox.sweep();
  }

  stop(): void {
    this.#acks.flush();
    this.#subscription.unsubscribe();
    this.#inbox.complete();
    this.#storedCopies.complete();
    this.#statusReports.complete();
    this.#listings.complete();
  }
}
