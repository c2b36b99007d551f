import { BridgeError, isBridgeError, isModemRefusal } from '../errors.js';
import { checkSmsText, isTextModeSafe, type TextEncoding } from './gsm7.js';
import { encodeSubmit } from './pdu.js';
import type { SerialLock } from './serial-lock.js';
import type { AtCommand } from '../at/command.js';
import type { DeleteBatcher } from './delete-batcher.js';
import type { ReadAhead } from './read-ahead.js';
import { cmgd, cmgf, cmgr, cmgsPdu, cmgsText, cmgwPdu, cmgwText, cmss, cmssReference, cmssThenRead, type SmsMode } from './sms-commands.js';
import type { StorageSelector } from './storage-selector.js';
import type { SmsModem } from './sms-modem.js';

/** A message checked and encoded once, before anything goes to the modem. */
export interface PreparedSms {
  to: string;
  text: string;
  /** Goes as text-mode text (plain ASCII that survives it), else as a PDU. */
  asText: boolean;
  pdu?: { tpduLength: number; pdu: string };
}

/** What storing then sending gave: not stored (and not sent), or stored at `index` and sent or not. */
export type StoreAndSend =
  | { stored: false; error: unknown }
  | { stored: true; index: number; messageReference: number }
  | { stored: true; index: number; error: unknown };

/** Store, journal the index (synchronously, before the send), send from storage; the result names the step a failure stopped at. */
export async function storeThenSend(write: () => Promise<number>, journal: (index: number) => void, send: (index: number) => Promise<number>): Promise<StoreAndSend> {
  let index: number;
  try {
    index = await write();
  } catch (error) {
    return { stored: false, error };
  }
  journal(index);
  try {
    return { stored: true, index, messageReference: await send(index) };
  } catch (error) {
    return { stored: true, index, error };
  }
}

/** What a reply's storage slot says (27.005 §3.1 `<stat>`). */
export type StoredState = 'sent' | 'unsent' | 'missing';

export interface PrepareOptions {
  encoding?: TextEncoding;
  statusReport?: boolean;
}

export interface OutboxOptions {
  modem: SmsModem;
  mode: SmsMode;
  lock: SerialLock;
  /** Frees slots, several per command line (shared with the inbox); deletes ride on AT+CMGW's line. */
  deletes: DeleteBatcher;
  storage: StorageSelector;
  /** Reads queued behind the lock: AT+CMSS carries one on its line (shared with the inbox). */
  readAhead?: ReadAhead;
  statusReports?: boolean;
  sendTimeoutMs?: number;
  /** Called when switching back to text mode after a PDU send fails. */
  onModeRestoreFailed?: (error: unknown) => void;
}

/**
 * The outbound AT operations, one exchange (or one prompt and body) each, under the SMS lock:
 * store a message (AT+CMGW), send it from storage (AT+CMSS), send it directly (AT+CMGS), read
 * and free its slot. No journal, no retries: the durable sender strings these together.
 */
export class Outbox {
  readonly #options: OutboxOptions;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /**
   * Checks and encodes a message. Throws SMS_TOO_LONG / SMS_UNENCODABLE / SMS_CONTROL_CHAR, never
   * truncates. Text mode carries plain ASCII safely; ESC would cancel the send at the prompt
   * (27.005 §3.5.1), a CR would open a new prompt line, and '@ $ _' differ between GSM and IRA:
   * those go as a PDU.
   */
  prepare(text: string, to: string, options: PrepareOptions = {}): PreparedSms {
    if (!/^\+?[0-9]{1,20}$/.test(to)) throw new BridgeError('SMS_UNENCODABLE', `recipient ${JSON.stringify(to)} is not a phone number`);
    const check = checkSmsText(text, options.encoding ? { encoding: options.encoding } : {});
    if (!check.ok) {
      const code = check.reason === 'too-long' ? 'SMS_TOO_LONG' : check.reason === 'control-char' ? 'SMS_CONTROL_CHAR' : 'SMS_UNENCODABLE';
      throw new BridgeError(code, check.message);
    }
    const asText = this.#options.mode === 'text' && check.encoding === 'gsm7' && isTextModeSafe(text) && !/[\r\n]/.test(text);
    if (asText) return { to, text, asText };
    const statusReport = options.statusReport ?? this.#options.statusReports ?? false;
    // Four days of validity (TP-VP 0xAA): the SMSC stops retrying a reply nobody can receive.
    const submit = encodeSubmit({ to, text, encoding: check.encoding, statusReport, validityMinutes: 4 * 24 * 60 });
    return { to, text, asText, pdu: { tpduLength: submit.tpduLength, pdu: submit.pdu } };
  }

  /**
   * Sends a stored message (27.005 §3.5.2): its message reference. The modem marks it STO SENT.
   * A read the inbox queued for the storage mem1 points at rides on the same line.
   */
  sendStored(index: number): Promise<number> {
    const started = this.#options.readAhead?.sendQueued();
    return this.#options.lock.run(() => {
      started?.();
      return this.#sendStored(index);
    });
  }

  /**
   * Stores the message, hands its index to `journal` (synchronous: the index is on disk before
   * the send), then sends it from storage, all in one turn of the SMS lock. So the +CMTI that came
   * while AT+CMGW ran waits behind the send, and its read rides on the AT+CMSS line
   * (`AT+CMSS=4;+CMGR=5`): under load a command costs three exchanges, not four. A journal that
   * throws stops it before the send.
   */
  storeAndSend(sms: PreparedSms, journal: (index: number) => void): Promise<StoreAndSend> {
    const started = this.#options.readAhead?.sendQueued();
    return this.#options.lock.run(() => {
      started?.();
      return storeThenSend(() => this.#write(sms), journal, (index) => this.#sendStored(index));
    });
  }

  /**
   * Stores the message (27.005 §3.5.3) and returns its index. Deletes waiting for the home storage
   * ride on the same line (`AT+CMGD=3;+CMGW=…`). Under the lock.
   */
  #write(sms: PreparedSms): Promise<number> {
    const command = sms.asText ? cmgwText(sms.to, sms.text) : cmgwPdu(sms.pdu!.tpduLength, sms.pdu!.pdu);
    return this.#inMode(sms, async () => {
      const { storage, deletes, modem } = this.#options;
      const send = (c: AtCommand<number>) => modem.send(c);
      if (storage.home === undefined) return send(command);
      await storage.selectHome();
      return deletes.piggyback(storage.home, command, send);
    });
  }

  /** AT+CMSS, with a queued read on its line where one waits. Under the lock. */
  async #sendStored(index: number): Promise<number> {
    const { modem, readAhead, storage, mode, sendTimeoutMs } = this.#options;
    const queued = storage.selected === undefined ? undefined : readAhead?.take(storage.selected);
    if (!queued || !readAhead) return modem.send(cmss(index, sendTimeoutMs));
    try {
      const { messageReference, read } = await modem.send(cmssThenRead(index, cmgr(queued.index, mode), sendTimeoutMs));
      readAhead.deliver(queued, read);
      return messageReference;
    } catch (error) {
      // The modem stops at the first error (V.250 §5.4.2). A `+CMSS:` before the error says the
      // send went out and the read failed: the reply is sent, whatever the read's fate.
      const reference = isModemRefusal(error) ? cmssReference(error.lines ?? []) : undefined;
      if (reference === undefined) {
        readAhead.release(queued);
        throw error;
      }
      // An empty slot answers +CMS ERROR: 321 on some modems (invalid index).
      readAhead.deliver(queued, isBridgeError(error, 'CMS_ERROR') && error.number === 321 ? { record: undefined } : { error });
      return reference;
    }
  }

  /** Sends without storing (27.005 §3.5.1 / §4.3): its message reference. */
  sendDirect(sms: PreparedSms, signal?: AbortSignal): Promise<number> {
    const timeout = this.#options.sendTimeoutMs;
    const command = sms.asText ? cmgsText(sms.to, sms.text, timeout) : cmgsPdu(sms.pdu!.tpduLength, sms.pdu!.pdu, timeout);
    return this.#options.lock.run(() => this.#inMode(sms, () => this.#options.modem.send(command, signal ? { signal } : {})));
  }

  /** Reads a stored reply's slot: did the modem send it before we lost track? */
  slotState(index: number): Promise<StoredState> {
    return this.#options.lock.run(async () => {
      await this.#options.storage.selectHome();
      const record = await this.#options.modem.send(cmgr(index, this.#options.mode)).catch((error: unknown) => {
        if (isBridgeError(error, 'CMS_ERROR') && error.number === 321) return undefined; // invalid index: empty
        throw error;
      });
      if (!record || record.kind !== 'submit') return 'missing';
      return record.status === 'STO SENT' ? 'sent' : 'unsent';
    });
  }

  /** Frees a stored reply's slot, in the home storage unless named (batched: it may ride on a later command line). */
  free(index: number, storage?: string): Promise<void> {
    const target = storage ?? this.#options.storage.home;
    if (target === undefined) return this.#options.lock.run(() => this.#options.modem.send(cmgd(index)).then(() => undefined));
    return this.#options.deletes.delete(target, index);
  }

  /** Runs a PDU operation in PDU mode when the modem is kept in text mode, and switches back. */
  async #inMode<T>(sms: PreparedSms, run: () => Promise<T>): Promise<T> {
    if (sms.asText || this.#options.mode === 'pdu') return run();
    const { modem } = this.#options;
    await modem.send(cmgf('pdu'));
    try {
      return await run();
    } finally {
      await modem.send(cmgf('text')).catch((error: unknown) => this.#options.onModeRestoreFailed?.(error));
    }
  }
}
