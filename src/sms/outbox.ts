import { Observable, Subject } from 'rxjs';
import { BridgeError, isBridgeError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { checkSmsText, isTextModeSafe, type TextEncoding } from './gsm7.js';
import { encodeSubmit } from './pdu.js';
import type { SerialLock } from './serial-lock.js';
import type { AtCommand } from '../at/command.js';
import { isTransientSendError } from '../modem/retry.js';
import type { DeleteBatcher } from './delete-batcher.js';
import { cmgd, cmgf, cmgr, cmgsPdu, cmgsText, cmgwPdu, cmgwText, cmss, type SmsMode } from './sms-commands.js';
import type { StorageSelector } from './storage-selector.js';
import type { SmsModem } from './sms-modem.js';
import type { StatusReportRecord } from './types.js';

/** The statuses of the cloud SmsCommand resource, applied to what the device sends. */
export type OutboundStatus = 'queued' | 'sent' | 'delivered' | 'failed';

export interface OutboundSms {
  id: number;
  to: string;
  text: string;
  status: OutboundStatus;
  /** TP-Message-Reference from +CMGS, which status reports quote. */
  messageReference?: number;
  /** How it went out: text mode, or PDU mode (for text that text mode cannot carry). */
  via?: SmsMode;
  error?: { code: string; number?: number; message: string };
  updatedAt: Date;
}

export interface SendOptions {
  /** Destination; defaults to the configured recipient (Super SIM: `000`). */
  to?: string;
  encoding?: TextEncoding;
  statusReport?: boolean;
  signal?: AbortSignal;
  /**
   * Store the message on the SIM first (AT+CMGW), tell the caller where (so it can journal the
   * index), then send it from storage (AT+CMSS). After a crash the stored copy's status
   * (STO SENT / STO UNSENT) says whether it went out, which a bare AT+CMGS cannot.
   */
  viaStorage?: { onStored: (index: number) => void };
}

/** What a stored reply's slot says after a restart. */
export type StoredState = 'sent' | 'unsent' | 'missing';

export interface OutboxOptions {
  modem: SmsModem;
  mode: SmsMode;
  lock: SerialLock;
  /** Frees slots, several per command line (shared with the inbox). */
  deletes: DeleteBatcher;
  storage: StorageSelector;
  /** Configuration, not a constant: `000` is an emergency number in some countries. */
  defaultRecipient: string;
  statusReports?: boolean;
  log?: Logger;
  clock?: () => Date;
  /** Retries of transient send errors (+CMS 512–515, SIM busy…) before failing. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  sendTimeoutMs?: number;
}

/**
 * The outbox: refuses what cannot be sent as one SMS (never truncates), sends in text mode when
 * the text survives it and in PDU mode otherwise, retries transient refusals, and follows each
 * message to `delivered` or `failed` through status reports.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #log: Logger;
  readonly #clock: () => Date;
  readonly #status = new Subject<OutboundSms>();
  /** Sent messages awaiting a report, by message reference (0–255, reused: newest wins). */
  readonly #awaitingReport = new Map<number, OutboundSms>();
  readonly #storage: StorageSelector;
  #nextId = 1;

  readonly outbox$: Observable<OutboundSms> = this.#status.asObservable();

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLogger;
    this.#clock = options.clock ?? (() => new Date());
    this.#storage = options.storage;
  }

  /**
   * Sends one SMS. Resolves once the modem accepted it (`sent`, with its message reference).
   * Rejects with SMS_TOO_LONG / SMS_UNENCODABLE / SMS_CONTROL_CHAR before touching the modem, or
   * with the modem's error (CMS_ERROR with its number) after the retries.
   */
  async send(text: string, options: SendOptions = {}): Promise<OutboundSms> {
    const to = options.to ?? this.#options.defaultRecipient;
    if (!/^\+?[0-9]{1,20}$/.test(to)) throw new BridgeError('SMS_UNENCODABLE', `recipient ${JSON.stringify(to)} is not a phone number`);
    const check = checkSmsText(text, options.encoding ? { encoding: options.encoding } : {});
    if (!check.ok) {
      const code = check.reason === 'too-long' ? 'SMS_TOO_LONG' : check.reason === 'control-char' ? 'SMS_CONTROL_CHAR' : 'SMS_UNENCODABLE';
      throw new BridgeError(code, check.message);
    }
    const record: OutboundSms = { id: this.#nextId++, to, text, status: 'queued', updatedAt: this.#clock() };
    this.#emit(record);
    const statusReport = options.statusReport ?? this.#options.statusReports ?? false;
    const attempts = this.#options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const { mr, via } = await this.#options.lock.run(() => this.#submit(to, text, check.encoding, statusReport, options.signal, options.viaStorage));
        record.messageReference = mr;
        record.via = via;
        this.#update(record, 'sent');
        if (statusReport) this.#awaitingReport.set(mr, record);
        return { ...record };
      } catch (error) {
        const transient = isTransientSendError(error);
        if (transient && attempt < attempts) {
          this.#log.warn({ attempt, error: (error as Error).message }, 'send refused for now; retrying');
          await (this.#options.sleep ?? defaultSleep)(1000 * 2 ** (attempt - 1));
          continue;
        }
        const failure = error instanceof BridgeError ? error : new BridgeError('AT_ERROR', String(error));
        record.error = { code: failure.code, ...(failure.number === undefined ? {} : { number: failure.number }), message: failure.message };
        // A timeout after the body leaves the fate unknown: the caller (the durable outbox) decides.
        this.#update(record, 'failed');
        throw failure;
      }
    }
  }

  /** Matches a status report to the message it is about (3GPP TS 23.040 §9.2.3.15). */
  onStatusReport(report: StatusReportRecord): void {
    const record = this.#awaitingReport.get(report.messageReference);
    if (!record) {
      this.#log.debug({ mr: report.messageReference, st: report.st }, 'status report for a message we do not know');
      return;
    }
    if (report.pending) return; // the SMSC is still trying: another report follows
    this.#awaitingReport.delete(report.messageReference);
    if (report.failed) record.error = { code: 'DELIVERY_FAILED', number: report.st, message: `TP-Status 0x${report.st.toString(16)}` };
    this.#update(record, report.delivered ? 'delivered' : 'failed');
  }

  complete(): void {
    this.#status.complete();
  }

  /** Reads a stored reply's slot: did the modem send it before we lost track? */
  storedState(index: number): Promise<StoredState> {
    return this.#options.lock.run(async () => {
      await this.#storage.selectHome();
      const record = await this.#options.modem.send(cmgr(index, this.#options.mode)).catch((error: unknown) => {
        if (isBridgeError(error, 'CMS_ERROR') && error.number === 321) return undefined; // invalid index: empty
        throw error;
      });
      if (!record || record.kind !== 'submit') return 'missing';
      return record.status === 'STO SENT' ? 'sent' : 'unsent';
    });
  }

  /** Sends a reply already stored at `index` (after a restart found it STO UNSENT). */
  async sendStored(index: number, record: { to: string; text: string }): Promise<OutboundSms> {
    const mr = await this.#options.lock.run(() => this.#options.modem.send(cmss(index, this.#options.sendTimeoutMs)));
    const sent: OutboundSms = { id: this.#nextId++, to: record.to, text: record.text, status: 'sent', messageReference: mr, updatedAt: this.#clock() };
    this.#emit(sent);
    return sent;
  }

  /** Frees a stored reply's slot once it is sent (best effort: a full storage silences +CMTI). */
  deleteStored(index: number): Promise<void> {
    const home = this.#storage.home;
    if (home === undefined) return this.#options.lock.run(() => this.#options.modem.send(cmgd(index)).then(() => undefined));
    return this.#options.deletes.delete(home, index);
  }

  async #submit(
    to: string,
    text: string,
    encoding: TextEncoding,
    statusReport: boolean,
    signal?: AbortSignal,
    viaStorage?: SendOptions['viaStorage'],
  ): Promise<{ mr: number; via: SmsMode }> {
    const send = this.#options.modem.send.bind(this.#options.modem);
    const timeout = this.#options.sendTimeoutMs;
    const opts = signal ? { signal } : {};
    // Text mode carries plain ASCII safely; ESC would cancel the send at the prompt (27.005 §3.5.1),
    // a CR would open a new prompt line, and '@ $ _' differ between GSM and IRA: those go as PDU.
    const asText = this.#options.mode === 'text' && encoding === 'gsm7' && isTextModeSafe(text) && !/[\r\n]/.test(text);
    const store = async (command: AtCommand<number>, direct: () => Promise<number>): Promise<number> => {
      let index: number;
      try {
        index = await send(command, opts);
      } catch (error) {
        // A full storage (322), or a modem that cannot store for sending (302–305, or plain ERROR),
        // must not hold the reply back: send it directly this once.
        const storageRefused =
          (isBridgeError(error, 'CMS_ERROR') && [302, 303, 304, 305, 320, 322].includes(error.number ?? -1)) || isBridgeError(error, 'AT_ERROR');
        if (!storageRefused) throw error;
        this.#log.warn({ error: (error as Error).message }, 'could not store the reply: sending it without storing it first');
        return direct();
      }
      viaStorage!.onStored(index);
      return send(cmss(index, timeout), opts);
    };
    if (asText) {
      const direct = () => send(cmgsText(to, text, timeout), opts);
      return { mr: viaStorage ? await store(cmgwText(to, text), direct) : await direct(), via: 'text' };
    }
    // Four days of validity (TP-VP 0xAA): the SMSC stops retrying a reply nobody can receive.
    const submit = encodeSubmit({ to, text, encoding, statusReport, validityMinutes: 4 * 24 * 60 });
    const directPdu = () => send(cmgsPdu(submit.tpduLength, submit.pdu, timeout), opts);
    const sendPdu = () => (viaStorage ? store(cmgwPdu(submit.tpduLength, submit.pdu), directPdu) : directPdu());
    if (this.#options.mode === 'pdu') return { mr: await sendPdu(), via: 'pdu' };
    await send(cmgf('pdu'), opts);
    try {
      return { mr: await sendPdu(), via: 'pdu' };
    } finally {
      await send(cmgf('text')).catch((error: unknown) => this.#log.warn({ error: (error as Error).message }, 'could not switch back to text mode'));
    }
  }

  #update(record: OutboundSms, status: OutboundStatus): void {
    record.status = status;
    record.updatedAt = this.#clock();
    this.#emit(record);
  }

  #emit(record: OutboundSms): void {
    this.#status.next({ ...record });
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
