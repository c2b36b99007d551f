import { Observable, Subject } from '../rx.js';
import type { Urc } from '../at/urc.js';
import { BridgeError, isBridgeError, isModemRefusal } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { decodePdu } from './pdu.js';
import { parseCdsPduHeader, parseCmtPduHeader } from './pdu-mode-header.js';
import { at, valuesOf } from '../at/command.js';
import { parseCpmsUsage } from '../modem/parsers.js';
import { Reassembler } from './reassembler.js';
import type { AckCarrier } from './ack-carrier.js';
import type { DeleteBatcher } from './delete-batcher.js';
import type { QueuedRead, ReadAhead, ReadOutcome } from './read-ahead.js';
import type { SerialLock } from './serial-lock.js';
import { cmgl, cmgr, cnma, isNoAckExpected, type SmsMode } from './sms-commands.js';
import type { StorageSelector } from './storage-selector.js';
import type { SmsModem } from './sms-modem.js';
import { parseCdsText, parseCmtText } from './text-format.js';
import type { DeliverRecord, SmsRecord, StatusReportRecord } from './types.js';

/** A SUBMIT in storage (a reply's copy, sent or not), as a sweep found it. */
export interface StoredCopy {
  storage: string;
  index: number;
  recipient: string;
  text: string;
  /** `STO SENT` (true) or `STO UNSENT`. */
  sent: boolean;
}

/** What one AT+CMGL of the home storage showed of our kind of message: the SUBMITs, by slot. */
export interface StorageListing {
  storage: string;
  copies: readonly StoredCopy[];
  /** When the listing was taken (wall clock, as the journal's times). */
  at: Date;
}

/** An inbound SMS with the acknowledgement that removes it from the modem. */
export interface IncomingSms extends DeliverRecord {
  /** Where it came from: `SM:3` (storage and index) or `CMT` (pushed, never stored). */
  source: string;
  /**
   * Call once the message is safely recorded: deletes it from the modem (or acknowledges a +CMT
   * with +CNMA where the modem wants it). Until then the message stays on the SIM, so a crash
   * before this never loses it.
   */
  ack(): Promise<void>;
}

export interface InboxOptions {
  modem: SmsModem;
  mode: SmsMode;
  lock: SerialLock;
  storage: StorageSelector;
  /** Where reads wait for the lock, so a reply's send can carry one on its line (shared with the outbox). */
  readAhead?: ReadAhead;
  /** Frees slots, several per command line. */
  deletes: DeleteBatcher;
  /** Carries a recorded +CMT's AT+CNMA on the next SMS line (the reply's store or send); without it the ack goes alone. */
  acks?: AckCarrier;
  log?: Logger;
  onStatusReport: (report: StatusReportRecord) => void;
  /** A sweep found a stored SUBMIT (`STO SENT` / `STO UNSENT`): the owner of the reply journal decides whether to free it. */
  onStoredCopy?: (copy: StoredCopy) => void;
  /** Each listing of the home storage, once its records are handed out. */
  onListed?: (listing: StorageListing) => void;
  /** How long the parts of a concatenated message wait for the rest (default 10 minutes). */
  concatTimeoutMs?: number;
  /**
   * Safety net, not polling: how often to look at the storage counters (one AT+CPMS?) in case a
   * +CMTI never came — a full storage silences it on many modems, and URCs are lost while DTR is
   * low (docs/modem-behaviour.md §4). Default 5 minutes; 0 turns it off.
   */
  storageCheckMs?: number;
  clock?: () => number;
}

/**
 * The inbox: reacts at once to +CMTI/+CMT (never polls), sweeps what is stored each time the modem
 * becomes ready (messages that arrived while we were down, or while a full storage silenced
 * +CMTI), and hands each message out with an acknowledgement.
 */
export class Inbox {
  readonly #options: InboxOptions;
  readonly #log: Logger;
  readonly #incoming = new Subject<IncomingSms>();
  /** Messages handed out and not yet acknowledged: a sweep must not hand them out again. */
  readonly #inHand = new Set<string>();
  /**
   * Whether a +CMT wants AT+CNMA: known once configuration ends (ready). A +CMT can come before
   * that, as soon as init has set +CNMI; its acknowledgement waits for the answer (`#configured`).
   */
  #needsAck: boolean | undefined;
  #configured: Promise<void>;
  #markConfigured!: () => void;

  readonly #parts: Reassembler<IncomingSms>;
  readonly #now: () => number;
  #expiry?: NodeJS.Timeout;
  #storageCheck?: NodeJS.Timeout;
  #checkingStorage = false;

  readonly incoming$: Observable<IncomingSms> = this.#incoming.asObservable();

  constructor(options: InboxOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLogger;
    this.#parts = new Reassembler(options.concatTimeoutMs ?? 600_000);
    this.#now = options.clock ?? Date.now;
    this.#configured = new Promise((resolve) => (this.#markConfigured = resolve));
    options.readAhead?.handle((read, outcome) => this.#onReadAhead(read, outcome));
  }

  /** Called with every URC; handles the ones about messages. */
  onUrc(urc: Urc): void {
    switch (urc.type) {
      case 'CMTI':
      case 'CDSI':
        void this.#guard(`read ${urc.storage}:${urc.index}`, () => this.#readStored(urc.storage, urc.index));
        break;
      case 'CMT':
        void this.#guard('+CMT', () => this.#onCmt(urc.line, urc.data ?? ''));
        break;
      case 'CDS':
        this.#onCds(urc.line, urc.data);
        break;
      case 'SMS_FULL':
        this.#log.warn({ storage: urc.storage }, 'SMS storage is full: sweeping to make room');
        void this.#guard('sweep', () => this.sweep());
        break;
      default:
    }
  }

  /** Called each time the modem is ready: settings were (re)applied, storage may hold messages. */
  onReady(settings: { storage?: string; needsAck: boolean; otherStorages?: readonly string[] }): void {
    this.#options.storage.reset(settings.storage);
    this.#armStorageCheck();
    this.#needsAck = settings.needsAck;
    this.#markConfigured();
    void this.#guard('sweep', () => this.sweep());
    // Messages that arrived before the storage was chosen (a power-on default, an earlier choice)
    // wait in the other memories: list them too, or they would never be read.
    for (const other of settings.otherStorages ?? []) void this.#guard(`sweep ${other}`, () => this.#sweepStorage(other));
  }

  /** Lists one storage (undefined: whatever mem1 is, before init chose one) and hands out what it holds. */
  #sweepStorage(storage: string | undefined): Promise<number> {
    return this.#options.lock.run(async () => {
      if (storage !== undefined) await this.#options.storage.select(storage);
      const at = new Date();
      const epoch = this.#options.storage.epoch;
      const listed = await this.#options.modem.send(cmgl(this.#options.mode));
      const records = this.#options.mode === 'text' ? await this.#readListedAgain(listed, storage ?? '?') : listed;
      if (this.#reconfigured(epoch, storage ?? '?', -1)) return 0;
      let count = 0;
      for (const record of records) if (this.#dispatch(record, storage ?? '?', record.index ?? -1)) count++;
      if (storage !== undefined && storage === this.#options.storage.home) {
        const copies = records.flatMap((r) =>
          r.kind === 'submit' && r.index !== undefined ? [{ storage, index: r.index, recipient: r.recipient, text: r.text, sent: r.status === 'STO SENT' }] : [],
        );
        this.#options.onListed?.({ storage, copies, at });
      }
      if (records.length > 0) this.#log.info({ storage, listed: records.length, handed: count }, 'swept stored messages');
      return count;
    });
  }

  /**
   * A text-mode listing has no `<fo>` or `<dcs>`, even with AT+CSDH=1 (27.005 §3.4.2): a UCS2, 8-bit or
   * concatenated body reads as hex text. Each listed message whose body may be hex (`codingUnknown`)
   * and that is not already in hand is read again with +CMGR, whose header has both. Under the lock.
   */
  async #readListedAgain(records: readonly SmsRecord[], storage: string): Promise<SmsRecord[]> {
    const read: SmsRecord[] = [];
    for (const record of records) {
      if (record.kind !== 'deliver' || !record.codingUnknown || record.index === undefined || this.#inHand.has(`${storage}:${record.index}`)) {
        read.push(record);
        continue;
      }
      try {
        const again = await this.#options.modem.send(cmgr(record.index, 'text'));
        if (again) read.push({ ...again, index: record.index });
      } catch (error) {
        // As for a +CMTI read: a message we cannot parse stays on the SIM and is reported.
        if (!isBridgeError(error, 'PARSE_ERROR') && !isBridgeError(error, 'PDU_INVALID')) throw error;
        this.#log.error({ storage, index: record.index, error: error.message, lines: error.lines }, 'cannot parse a stored message; leaving it on the modem');
      }
    }
    return read;
  }

  /** Lists and hands out every stored message not already in hand. Returns how many. */
  sweep(): Promise<number> {
    return this.#sweepStorage(this.#options.storage.home);
  }

  complete(): void {
    clearTimeout(this.#expiry);
    clearInterval(this.#storageCheck);
    this.#incoming.complete();
  }

  #armStorageCheck(): void {
    const every = this.#options.storageCheckMs ?? 300_000;
    if (every <= 0 || this.#storageCheck) return;
    this.#storageCheck = setInterval(() => {
      // One at a time: behind a long command (AT+CMSS may take 120 s) ticks must not pile up.
      if (this.#checkingStorage) return;
      this.#checkingStorage = true;
      void this.#guard('storage check', () => this.#checkStorage()).finally(() => (this.#checkingStorage = false));
    }, every);
    this.#storageCheck.unref?.();
  }

  /** Sweeps when the storage holds messages nobody announced. */
  async #checkStorage(): Promise<void> {
    const waiting = await this.#options.lock.run(async () => {
      const answer = await this.#options.modem.send(at('AT+CPMS?'));
      const usage = parseCpmsUsage(valuesOf(answer, '+CPMS:')[0] ?? '');
      const home = usage.find((u) => u.storage === this.#options.storage.home) ?? usage[0];
      return home ? home.used : 0;
    });
    if (waiting > this.#inHand.size) {
      this.#log.warn({ waiting, inHand: this.#inHand.size }, 'messages are stored that no +CMTI announced: sweeping');
      await this.sweep();
    }
  }

  /** Hands a message out, joining the parts of a concatenated one first. */
  #emit(message: IncomingSms): void {
    const assembled = this.#parts.add(message, this.#now());
    if (assembled?.kind === 'complete') {
      const [first, ...rest] = assembled.parts;
      if (rest.length === 0) this.#handOut(first!);
      else {
        const { udh: _udh, ...whole } = first!;
        this.#handOut({
          ...whole,
          text: assembled.text,
          source: assembled.parts.map((p) => p.source).join('+'),
          ack: async () => {
            for (const part of assembled.parts) await part.ack();
          },
        });
      }
    }
    this.#armExpiry();
  }

  /**
   * Hands a message to the subscriber after the SMS job that read it has let go of the lock: the
   * next command (a queued read, a reply's AT+CMGW) goes to the modem first, and the subscriber's
   * synchronous commits to disk overlap with the modem's work instead of idling it.
   */
  #handOut(message: IncomingSms): void {
    setImmediate(() => this.#incoming.next(message));
  }

  /** Looks again for stale parts while some wait, a quarter of the timeout from now. */
  #armExpiry(): void {
    if (this.#parts.pending === 0 || this.#expiry) return;
    this.#expiry = setTimeout(() => this.#expire(), (this.#options.concatTimeoutMs ?? 600_000) / 4);
    this.#expiry.unref?.();
  }

  #expire(): void {
    this.#expiry = undefined;
    for (const expired of this.#parts.expire(this.#now())) {
      const first = expired.parts[0]!;
      this.#log.warn(
        { sender: first.sender, have: expired.parts.length, of: first.udh?.total },
        'a concatenated message stayed incomplete: handing out its parts one by one so they do not clog storage',
      );
      for (const part of expired.parts) this.#handOut(part);
    }
    this.#armExpiry();
  }

  #readStored(storage: string, index: number): Promise<void> {
    const { readAhead, lock } = this.#options;
    // Queued before the lock, so that a reply sent meanwhile can read it on its line (read-ahead.ts).
    const queued = readAhead?.queue(storage, index);
    const read = async (mayStepBack: boolean): Promise<'stepped back' | undefined> => {
      if (queued?.consumed || this.#inHand.has(`${storage}:${index}`)) return undefined;
      // A send waits behind this read: its AT+CMSS line will carry the read (`AT+CMSS=4;+CMGR=5`),
      // one exchange fewer under load. Once only: a read never waits behind more than one send.
      if (mayStepBack && queued && readAhead?.sendWaiting) return 'stepped back';
      // Read from the storage the URC names, whatever mem1 was (docs/modem-behaviour.md §2).
      await this.#options.storage.select(storage);
      const epoch = this.#options.storage.epoch;
      let record: SmsRecord | undefined;
      try {
        // Deletes waiting for this storage ride on the read's line: one exchange for both. Outside
        // the home storage that line selects again, as the select above may be undone by a re-init.
        record = await this.#options.deletes.piggyback(storage, cmgr(index, this.#options.mode), (command) => this.#options.modem.send(command));
      } catch (error) {
        if (this.#unparsable(error, storage, index)) return undefined;
        throw error;
      }
      if (this.#reconfigured(epoch, storage, index)) return undefined;
      this.#handleRead(record, storage, index);
      return undefined;
    };
    return lock
      .run(() => read(true))
      // Queued again now, behind the send that was waiting.
      .then((outcome) => (outcome === 'stepped back' ? lock.run(() => read(false)) : undefined))
      .then(() => undefined)
      .finally(() => {
        if (queued) readAhead?.done(queued);
      });
  }

  /**
   * A read that rode on a send's line (read-ahead.ts), in that send's turn of the lock, so the slot
   * still holds what was read. False leaves the slot to the read's own job (the read failed).
   */
  #onReadAhead(read: QueuedRead, outcome: ReadOutcome): boolean {
    if (this.#inHand.has(`${read.storage}:${read.index}`)) return true;
    if ('error' in outcome) return this.#unparsable(outcome.error, read.storage, read.index);
    this.#handleRead(outcome.record, read.storage, read.index);
    return true;
  }

  /**
   * Whether the modem was configured again between a job's select and its read's answer: init points
   * mem1 at the home storage, so a read of another storage may have read the home one, and acting on
   * it (a copy's free, an ack's delete) would hit the wrong slot. The sweep after init reads it again.
   */
  #reconfigured(epoch: number, storage: string, index: number): boolean {
    // A read of the home storage is right either way: init points mem1 there.
    if (this.#options.storage.epoch === epoch || storage === this.#options.storage.home) return false;
    this.#log.info({ storage, index }, 'the modem was configured again during a read: leaving the slot to the sweep');
    return true;
  }

  /** A message we cannot parse stays on the SIM and is reported, never deleted unread. */
  #unparsable(error: unknown, storage: string, index: number): boolean {
    if (!isBridgeError(error, 'PARSE_ERROR') && !isBridgeError(error, 'PDU_INVALID')) return false;
    this.#log.error({ storage, index, error: error.message, lines: error.lines }, 'cannot parse a stored message; leaving it on the modem');
    return true;
  }

  #handleRead(record: SmsRecord | undefined, storage: string, index: number): void {
    if (!record) {
      this.#log.debug({ storage, index }, 'the announced slot is empty (Quectel +CDSI "SM" quirk?)');
      return;
    }
    this.#dispatch(record, storage, index);
  }

  /** Routes a stored record by what it is, not by which URC announced it. */
  #dispatch(record: SmsRecord, storage: string, index: number): boolean {
    const key = `${storage}:${index}`;
    if (record.kind === 'status-report') {
      this.#options.onStatusReport(record);
      void this.#guard(`delete report ${key}`, () => this.#options.deletes.delete(storage, index));
      return false;
    }
    if (record.kind === 'submit') {
      if (index >= 0) this.#options.onStoredCopy?.({ storage, index, recipient: record.recipient, text: record.text, sent: record.status === 'STO SENT' });
      return false;
    }
    if (record.kind !== 'deliver') return false;
    if (this.#inHand.has(key)) return false;
    this.#inHand.add(key);
    let acked = false;
    this.#emit({
      ...record,
      storage,
      index,
      source: key,
      ack: async () => {
        if (acked) return;
        try {
          await this.#options.deletes.delete(storage, index);
        } catch (error) {
          // Not known to be gone: forget it was in hand, so the next sweep lists whatever the slot
          // holds now (this message again, which the store recognises, or a new one).
          this.#inHand.delete(key);
          throw error;
        }
        acked = true;
        this.#inHand.delete(key);
      },
    });
    return true;
  }

  async #onCmt(line: string, data: string): Promise<void> {
    let record: DeliverRecord;
    try {
      if (this.#options.mode === 'text') record = parseCmtText(line, data, { charset: 'GSM' });
      else {
        const parsed = decodePdu(data, { tpduLength: parseCmtPduHeader(line).length });
        if (parsed.kind !== 'deliver') throw new BridgeError('PARSE_ERROR', `+CMT carried a ${parsed.kind}`);
        record = parsed;
      }
    } catch (error) {
      this.#log.error({ line, data, error: (error as Error).message }, 'cannot parse a +CMT message');
      return;
    }
    if (record.udh && record.udh.total > 1) {
      // A part must be acknowledged within the network's timeout, long before its siblings arrive,
      // and the store records whole messages only: acknowledged now, a crash before the last part
      // loses this one (the sender's commands are single SMS; docs/modem-behaviour.md §7).
      await this.#acknowledgeIfAsked();
      this.#emit({ ...record, source: 'CMT', ack: async () => undefined });
      return;
    }
    let acked = false;
    this.#emit({
      ...record,
      source: 'CMT',
      // Recorded, so the network may stop retrying (27.005 §3.4.4); until then a crash means a re-delivery.
      ack: async () => {
        if (acked) return;
        acked = true;
        await this.#acknowledgeIfAsked({ carried: true });
      },
    });
  }

  /**
   * AT+CNMA if this configuration asks for acknowledgements (waiting for configuration to end if
   * needed). `carried`: it may wait briefly to ride on the reply's line (src/sms/ack-carrier.ts).
   */
  async #acknowledgeIfAsked(how: { carried?: boolean } = {}): Promise<void> {
    if (this.#needsAck === undefined) await this.#configured;
    if (this.#needsAck) await this.#acknowledge(how);
  }

  /**
   * AT+CNMA. `+CMS ERROR: 340` (no acknowledgement expected) means the modem stopped waiting: it
   * has turned indications off (27.005 §3.4.4), so the settings are checked now and restored, and
   * the sweep after that finds what arrived meanwhile. Any other refusal means this modem will not
   * take our acknowledgements: stored delivery (+CMTI) from then on.
   */
  async #acknowledge(how: { carried?: boolean } = {}): Promise<void> {
    const { modem, acks } = this.#options;
    try {
      await (how.carried && acks ? acks.acknowledge() : modem.send(cnma()));
    } catch (error) {
      if (isNoAckExpected(error)) modem.checkSettingsSoon?.('+CNMA came after the modem stopped waiting for it');
      else if (isModemRefusal(error)) {
        modem.stopAcknowledging?.(`AT+CNMA refused: ${error.message}`);
      }
      throw error;
    }
  }

  #onCds(line: string, data: string | undefined): void {
    try {
      const record = data !== undefined ? decodePdu(data, { tpduLength: parseCdsPduHeader(line).length }) : parseCdsText(line, { charset: 'GSM' });
      if (record.kind !== 'status-report') throw new BridgeError('PARSE_ERROR', `+CDS carried a ${record.kind}`);
      this.#options.onStatusReport(record);
      if (this.#needsAck) void this.#guard('+CNMA', () => this.#acknowledge());
    } catch (error) {
      this.#log.error({ line, data, error: (error as Error).message }, 'cannot parse a +CDS status report');
    }
  }

  /** Runs a job whose failure must not end anything: logs it; the next sweep retries. */
  async #guard(what: string, job: () => Promise<unknown>): Promise<void> {
    try {
      await job();
    } catch (error) {
      const level = isBridgeError(error, 'PORT_CLOSED') || isBridgeError(error, 'MODEM_RESET') ? 'debug' : 'warn';
      this.#log[level]({ error: (error as Error).message }, `inbox: ${what} failed; the next sweep retries`);
    }
  }
}
