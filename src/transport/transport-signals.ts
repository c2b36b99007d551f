import { ReplaySubject, Subject } from '../rx.js';
import type { CloseReason } from './transport.js';

/**
 * The observable half every Transport shares: bytes in, one close reason, and the open flag.
 * A transport owns one and calls `data()` and `finish()`; `finish` reports the close only once.
 */
export class TransportSignals {
  readonly #data = new Subject<Buffer>();
  readonly #close = new ReplaySubject<CloseReason>(1);
  #open = true;

  readonly data$ = this.#data.asObservable();
  readonly close$ = this.#close.asObservable();

  get isOpen(): boolean {
    return this.#open;
  }

  data(chunk: Buffer): void {
    if (this.#open) this.#data.next(chunk);
  }

  /** Marks the transport closed and tells subscribers why; false if it was closed already. */
  finish(reason: CloseReason): boolean {
    if (!this.#open) return false;
    this.#open = false;
    this.#close.next(reason);
    this.#close.complete();
    this.#data.complete();
    return true;
  }
}
