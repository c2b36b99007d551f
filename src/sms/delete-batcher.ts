import { BridgeError, isBridgeError, isModemRefusal } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { SerialLock } from './serial-lock.js';
import type { AtCommand } from '../at/command.js';
import { cmgd, cmgdMany, deletesThen } from './sms-commands.js';
import type { SmsModem } from './sms-modem.js';
import type { StorageSelector } from './storage-selector.js';

interface Pending {
  storage: string;
  index: number;
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/** Deletes per command line: V.250 asks a modem to take 40 characters at least; 8 deletes stay near 100. */
const PER_LINE = 8;
/** Times a flush steps back behind other SMS work (whose reads can carry the deletes) before it goes alone. */
const MAX_DEFERRALS = 4;
/** How long deletes wait for a read to ride on before they go on a line of their own. */
const FLUSH_DELAY_MS = 300;

/**
 * Frees storage slots in batches. Only slots whose content is recorded are ever handed here (a
 * received message once it is in the store, a reply's copy once it is journaled as sent), and a
 * slot that waits here stays occupied, so nothing new can land in it before the delete: batching
 * loses nothing. Deletes ride on the next read that goes out anyway (`AT+CMGD=3;+CMGD=4;+CMGR=5`,
 * see `piggyback`); the flush is a job on the SMS lock that steps back while other SMS work waits
 * behind it (a few times at most), then sends what is left in one line. A modem that refuses
 * concatenation gets one command per line from then on.
 *
 * Deletes in another storage than the home one select it on the very line that deletes
 * (`AT+CPMS="SR";+CMGD=0`, see `#ownSelect`): a select on an earlier line could be undone by a
 * re-init in between, and the delete would then free a slot of the home storage (an unread message).
 */
export class DeleteBatcher {
  readonly #modem: SmsModem;
  readonly #lock: SerialLock;
  readonly #storage: StorageSelector;
  readonly #log: Logger;
  readonly #pending = new Map<string, Pending>();
  #flushQueued = false;
  #flushTimer?: NodeJS.Timeout;
  #deferrals = 0;
  #concatenates = true;

  constructor(options: { modem: SmsModem; lock: SerialLock; storage: StorageSelector; log?: Logger }) {
    this.#modem = options.modem;
    this.#lock = options.lock;
    this.#storage = options.storage;
    this.#log = options.log ?? silentLogger;
  }

  /** Resolves once the slot is free (an already empty slot counts as freed). */
  delete(storage: string, index: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const key = `${storage}:${index}`;
      const entry = this.#pending.get(key) ?? { storage, index, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.#pending.set(key, entry);
      this.#queueFlush();
    });
  }

  /** Deletes waiting now. */
  get waiting(): number {
    return this.#pending.size;
  }

  /**
   * Sends `command` (a read, run under the SMS lock after selecting `storage`) with the deletes
   * waiting for that storage in front of it on one line. If the line fails, the deletes are
   * failed (never retried: see #deleteLine) and the command is sent alone with `alone`. In another
   * storage than the home one the line selects it first (`AT+CPMS="SR";+CMGD=0;+CMGR=1`): the
   * caller's select went on an earlier line, and a re-init between the two would have these deletes
   * run in the home storage. The read is guarded apart (the inbox drops it when the epoch moved).
   */
  async piggyback<T>(storage: string, command: AtCommand<T>, alone: (command: AtCommand<T>) => Promise<T>): Promise<T> {
    const taken = this.#concatenates ? [...this.#pending.values()].filter((p) => p.storage === storage).slice(0, PER_LINE) : [];
    if (taken.length === 0) return alone(command);
    for (const p of taken) this.#pending.delete(`${p.storage}:${p.index}`);
    const line = deletesThen(taken.map((p) => p.index), command);
    const selecting = this.#ownSelect(storage);
    try {
      const result = await this.#send(line, selecting ? storage : undefined);
      for (const p of taken) settle(p);
      return result;
    } catch (error) {
      // The line ended in OK but the read's answer did not parse: every delete ran.
      const ran = isBridgeError(error, 'PARSE_ERROR') || isBridgeError(error, 'PDU_INVALID');
      for (const p of taken) settle(p, ran ? undefined : error);
      if (ran) throw error;
      if (isBridgeError(error, 'AT_ERROR')) this.#concatenates = false;
      // Port gone, modem reset, no answer: the read fails as it would have alone.
      if (!isModemRefusal(error)) throw error;
      return alone(command);
    }
  }

  #queueFlush(): void {
    if (this.#flushTimer || this.#flushQueued) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#queueFlushJob();
    }, FLUSH_DELAY_MS);
  }

  #queueFlushJob(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    void this.#lock.run(async () => {
      this.#flushQueued = false;
      // Others wait behind this job: one of them may be a read that carries the deletes.
      if (this.#lock.jobs > 1 && this.#deferrals < MAX_DEFERRALS && this.#pending.size > 0) {
        this.#deferrals++;
        this.#queueFlushJob();
        return;
      }
      this.#deferrals = 0;
      await this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#pending.size === 0) return; // reads took them all
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    // The home storage first: it needs no AT+CPMS unless a read moved mem1 elsewhere.
    const storages = [...new Set(batch.map((p) => p.storage))].sort((a, b) => Number(b === this.#storage.home) - Number(a === this.#storage.home));
    for (const storage of storages) {
      const here = batch.filter((p) => p.storage === storage);
      for (let i = 0; i < here.length; i += PER_LINE) await this.#deleteLine(storage, here.slice(i, i + PER_LINE));
    }
  }

  /**
   * Whether deletes in `storage` carry their own select on their line. Always for another storage
   * than the home one, even when mem1 is believed to point there already: that belief is what a
   * re-init between two lines breaks. The home storage needs none: a re-init points mem1 there
   * (`StorageSelector.reset`), so a delete that waited behind one still runs where it was meant.
   * No home known (init kept the modem's default) is no home: nothing says where a re-init leaves
   * mem1. A modem that refuses concatenation selects on a line of its own: nothing better is possible.
   */
  #ownSelect(storage: string): boolean {
    return this.#concatenates && storage !== this.#storage.home;
  }

  /** Sends a delete line; with `selecting`, the line selects that storage first (the selector keeps mem1 right). */
  #send<T>(command: AtCommand<T>, selecting: string | undefined): Promise<T> {
    return selecting === undefined ? this.#modem.send(command) : this.#storage.sendSelecting(selecting, command, (line) => this.#modem.send(line));
  }

  async #deleteLine(storage: string, line: Pending[]): Promise<void> {
    const selecting = this.#ownSelect(storage) ? storage : undefined;
    if (selecting === undefined) {
      try {
        await this.#storage.select(storage);
      } catch (error) {
        for (const p of line) settle(p, error);
        return;
      }
    }
    if (line.length > 1 && this.#concatenates) {
      try {
        await this.#send(cmgdMany(line.map((p) => p.index)), selecting);
        for (const p of line) settle(p);
      } catch (error) {
        // Never retried here: the deletes before the error ran (V.250 §5.4.2), so their slots may
        // already hold new messages, and a retry would take those. Whatever is still stored, the
        // next sweep finds and the store recognises.
        this.#noteRefusal(error);
        for (const p of line) settle(p, error);
      }
      return;
    }
    for (const p of line) {
      try {
        await this.#send(cmgd(p.index), selecting);
        settle(p);
      } catch (error) {
        if (selecting !== undefined) this.#noteRefusal(error); // the line held a select too
        settle(p, isBridgeError(error, 'CMS_ERROR') && error.number === 321 ? undefined : error); // 321: already empty
      }
    }
  }

  /** A plain ERROR to a line of several commands: no concatenation on this modem, one per line from then on. */
  #noteRefusal(error: unknown): void {
    if (!isBridgeError(error, 'AT_ERROR')) return;
    this.#concatenates = false;
    this.#log.info('the modem refuses several commands on one line: deleting one per line');
  }
}

function settle(p: Pending, error?: unknown): void {
  for (const w of p.waiters) {
    if (error === undefined) w.resolve();
    else w.reject(error instanceof BridgeError ? error : new BridgeError('AT_ERROR', String(error)));
  }
}
