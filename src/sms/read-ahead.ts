import type { SmsRecord } from './types.js';

/**
 * Reads the inbox has queued (a +CMTI waiting for the SMS lock), which a send from storage may
 * carry on its own command line (`AT+CMSS=4;+CMGR=5`, src/sms/sms-commands.ts `cmssThenRead`):
 * under load the next message is read in the same exchange that sends the last reply.
 *
 * The inbox queues each read before it waits for the lock. The outbox, holding the lock, takes one
 * read of the storage mem1 points at; when the line ran it hands the outcome to the inbox at once,
 * in the same turn of the lock, because only then does the slot still hold what was read (a job
 * after it may free the slot and the network store a new message there). When the line failed
 * before the read ran, it releases the read untouched. The inbox's own job then reads only what was
 * not consumed.
 */
export type ReadOutcome = { record: SmsRecord | undefined } | { error: unknown };

export interface QueuedRead {
  readonly storage: string;
  readonly index: number;
  /** Handed to the inbox by a send's line: the inbox's job has nothing left to read. */
  readonly consumed: boolean;
}

interface Entry {
  storage: string;
  index: number;
  consumed: boolean;
  taken: boolean;
}

/** The inbox's handler: true when it used the outcome, false to read the slot itself later. */
export type ReadHandler = (read: QueuedRead, outcome: ReadOutcome) => boolean;

export class ReadAhead {
  readonly #queued: Entry[] = [];
  #handler: ReadHandler = () => false;
  #sendsWaiting = 0;

  /**
   * A send that can carry a read (AT+CMSS) asks for the lock: until its job starts, a read job
   * that reaches the lock first steps back behind it once, so the read rides on the send's line
   * instead of taking a line of its own. Call the returned function when the send's job starts.
   */
  sendQueued(): () => void {
    this.#sendsWaiting++;
    let started = false;
    return () => {
      if (started) return;
      started = true;
      this.#sendsWaiting--;
    };
  }

  /** A send that can carry a read waits for the lock. */
  get sendWaiting(): boolean {
    return this.#sendsWaiting > 0;
  }

  /** The inbox says what to do with an outcome (called under the lock, in the send's turn). */
  handle(handler: ReadHandler): void {
    this.#handler = handler;
  }

  /** The inbox queues a read; it must call `done` when its job ends, whatever happened. */
  queue(storage: string, index: number): QueuedRead {
    const entry: Entry = { storage, index, consumed: false, taken: false };
    this.#queued.push(entry);
    return entry;
  }

  done(read: QueuedRead): void {
    const at = this.#queued.indexOf(read as Entry);
    if (at >= 0) this.#queued.splice(at, 1);
  }

  /** The oldest read of `storage` still to do and not taken: the caller must `deliver` or `release` it. */
  take(storage: string): QueuedRead | undefined {
    const entry = this.#queued.find((e) => !e.taken && !e.consumed && e.storage === storage);
    if (entry) entry.taken = true;
    return entry;
  }

  /** The read ran on a send's line: the inbox handles its outcome now. */
  deliver(read: QueuedRead, outcome: ReadOutcome): void {
    const entry = read as Entry;
    entry.taken = false;
    entry.consumed = this.#handler(entry, outcome);
  }

  /** The read did not run (the send failed first): the inbox's job reads it. */
  release(read: QueuedRead): void {
    (read as Entry).taken = false;
  }

  /** Reads queued and not done (for tests and metrics). */
  get size(): number {
    return this.#queued.length;
  }
}
