import { ReplaySubject, Subject } from 'rxjs';
import { BridgeError } from '../errors.js';
import type { CloseReason, Transport } from './transport.js';

/**
 * An in-memory Transport driven by hand: tests (and benchmarks) see what the host wrote and
 * answer with modem bytes, synchronously, so fake timers and exact ordering just work.
 */
export class MemoryTransport implements Transport {
  readonly #data = new Subject<Buffer>();
  readonly #close = new ReplaySubject<CloseReason>(1);
  readonly #writes = new Subject<Buffer>();
  #open = true;
  /** Everything the host wrote, one entry per write. */
  readonly written: Buffer[] = [];

  readonly data$ = this.#data.asObservable();
  readonly close$ = this.#close.asObservable();
  /** Each write as it happens, for scripted modems. */
  readonly writes$ = this.#writes.asObservable();

  get isOpen(): boolean {
    return this.#open;
  }

  /** What the host wrote so far, as one latin1 string. */
  get writtenText(): string {
    return Buffer.concat(this.written).toString('latin1');
  }

  write(data: Buffer | string): Promise<void> {
    if (!this.#open) return Promise.reject(new BridgeError('PORT_CLOSED', 'memory transport is closed'));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.written.push(bytes);
    this.#writes.next(bytes);
    return Promise.resolve();
  }

  /** Delivers modem bytes to the host. */
  receive(data: Buffer | string): void {
    if (this.#open) this.#data.next(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The device goes away, as a USB unplug does. */
  disconnect(error?: Error): void {
    this.#finish(error ? { disconnected: true, error } : { disconnected: true });
  }

  async close(): Promise<void> {
    this.#finish({ disconnected: false });
  }

  #finish(reason: CloseReason): void {
    if (!this.#open) return;
    this.#open = false;
    this.#close.next(reason);
    this.#close.complete();
    this.#data.complete();
    this.#writes.complete();
  }
}
