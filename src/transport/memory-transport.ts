import { Subject } from '../rx.js';
import { BridgeError } from '../errors.js';
import type { CloseReason, Transport } from './transport.js';
import { TransportSignals } from './transport-signals.js';

/**
 * An in-memory Transport driven by hand: tests (and benchmarks) see what the host wrote and
 * answer with modem bytes, synchronously, so fake timers and exact ordering just work.
 */
export class MemoryTransport implements Transport {
  readonly #signals = new TransportSignals();
  readonly #writes = new Subject<Buffer>();
  /** Everything the host wrote, one entry per write. */
  readonly written: Buffer[] = [];

  readonly data$ = this.#signals.data$;
  readonly close$ = this.#signals.close$;
  /** Each write as it happens, for scripted modems. */
  readonly writes$ = this.#writes.asObservable();

  get isOpen(): boolean {
    return this.#signals.isOpen;
  }

  /** What the host wrote so far, as one latin1 string. */
  get writtenText(): string {
    return Buffer.concat(this.written).toString('latin1');
  }

  write(data: Buffer | string): Promise<void> {
    if (!this.isOpen) return Promise.reject(new BridgeError('PORT_CLOSED', 'memory transport is closed'));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.written.push(bytes);
    this.#writes.next(bytes);
    return Promise.resolve();
  }

  /** Delivers modem bytes to the host. */
  receive(data: Buffer | string): void {
    this.#signals.data(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The device goes away, as a USB unplug does. */
  disconnect(error?: Error): void {
    this.#finish(error ? { disconnected: true, error } : { disconnected: true });
  }

  async close(): Promise<void> {
    this.#finish({ disconnected: false });
  }

  #finish(reason: CloseReason): void {
    if (this.#signals.finish(reason)) this.#writes.complete();
  }
}
