import { SerialPortStream } from '@serialport/stream';
import { BridgeError } from '../errors.js';
import { hangupAwareBinding } from './hangup-aware-binding.js';
import type { CloseReason, Transport } from './transport.js';
import { TransportSignals } from './transport-signals.js';

/** A few bytes at 9600 baud take milliseconds; a write stuck this long means the device went away. */
const WRITE_DEADLINE_MS = 5000;

export interface SerialOptions {
  path: string;
  baudRate?: number;
}

/** The platform's binding, its reads made to report a hung-up tty (hangup-aware-binding.ts). */
const binding = hangupAwareBinding();

/**
 * The Transport over a real serial port (or a pseudo-terminal): with hangup-aware-binding.ts, the
 * only files that import serialport's packages. A USB unplug surfaces as serialport's close event
 * with `disconnected: true`.
 */
export class SerialTransport implements Transport {
  readonly #port: SerialPortStream;
  readonly #signals = new TransportSignals();
  #closing = false;
  #released: Promise<void> = Promise.resolve();

  readonly data$ = this.#signals.data$;
  readonly close$ = this.#signals.close$;
  readonly path: string;

  private constructor(port: SerialPortStream, path: string) {
    this.#port = port;
    this.path = path;
  }

  /** Opens the port; rejects with PORT_OPEN_FAILED (the path, and the OS's reason). */
  static open(options: SerialOptions): Promise<SerialTransport> {
    const port = new SerialPortStream({ binding, path: options.path, baudRate: options.baudRate ?? 115200, autoOpen: false });
    const transport = new SerialTransport(port, options.path);
    return new Promise((resolve, reject) => {
      port.open((error) => {
        if (error) {
          reject(new BridgeError('PORT_OPEN_FAILED', `cannot open ${options.path}: ${error.message}`, { cause: error }));
          return;
        }
        transport.#attach();
        resolve(transport);
      });
    });
  }

  get isOpen(): boolean {
    return this.#signals.isOpen;
  }

  write(data: Buffer | string): Promise<void> {
    if (!this.isOpen) return Promise.reject(new BridgeError('PORT_CLOSED', `${this.path} is closed`));
    return new Promise((resolve, reject) => {
      // A write to a hung-up tty may neither fail nor complete: past this deadline the device is gone.
      const deadline = setTimeout(() => failed(new Error(`no progress for ${WRITE_DEADLINE_MS} ms`)), WRITE_DEADLINE_MS);
      const failed = (error: Error) => {
        clearTimeout(deadline);
        // A serial write fails only when the device is gone (EIO on a hung-up tty: a USB modem that
        // re-enumerated, a pty whose master closed). serialport does not always report that as a
        // close when nothing reads, so the transport closes itself here and says so.
        this.#lost(error);
        reject(new BridgeError('PORT_CLOSED', `write to ${this.path} failed: ${error.message}`, { cause: error }));
      };
      this.#port.write(data, (error) => {
        if (error) return failed(error);
        // drain: the bytes have left our buffers, so a timeout measures the modem, not us.
        this.#port.drain((drainError) => {
          if (drainError) return failed(drainError);
          clearTimeout(deadline);
          resolve();
        });
      });
    });
  }

  close(): Promise<void> {
    // After a loss the fd may still be closing: whoever reopens the path waits for it (no "Cannot lock port").
    if (!this.isOpen) return this.#released;
    this.#closing = true;
    return new Promise((resolve) => this.#port.close(() => resolve()));
  }

  #attach(): void {
    this.#port.on('data', (chunk: Buffer) => this.#signals.data(chunk));
    this.#port.on('error', (error: Error) => {
      if (!this.#port.isOpen || /\b(EIO|ENXIO|ENODEV|EBADF)\b/.test(error.message)) this.#lost(error);
    });
    this.#port.on('close', (error?: Error & { disconnected?: boolean }) => {
      const disconnected = !this.#closing && (error?.disconnected ?? true);
      this.#finish(error ? { disconnected, error } : { disconnected });
    });
  }

  /** The device went away: report it once and let go of the fd. */
  #lost(error: Error): void {
    if (!this.#signals.isOpen) return;
    this.#finish({ disconnected: true, error });
    this.#closing = true;
    // Closing a dead fd may never call back: nobody waits on it for more than a few seconds.
    if (this.#port.isOpen)
      this.#released = new Promise((resolve) => {
        setTimeout(resolve, 3000).unref();
        this.#port.close(() => resolve());
      });
  }

  #finish(reason: CloseReason): void {
    this.#signals.finish(reason);
  }
}
