import { Duplex, PassThrough } from 'node:stream';
import { BridgeError } from '../errors.js';
import type { CloseReason, Transport } from './transport.js';
import { TransportSignals } from './transport-signals.js';

/** A Transport over any Node duplex stream: the simulator's in-process stream, stdio, a socket. */
export class StreamTransport implements Transport {
  readonly #stream: Duplex;
  readonly #signals = new TransportSignals();

  readonly data$ = this.#signals.data$;
  readonly close$ = this.#signals.close$;

  constructor(stream: Duplex) {
    this.#stream = stream;
    stream.on('data', (chunk: Buffer | string) => this.#signals.data(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'latin1')));
    stream.on('error', (error: Error) => this.#finish({ disconnected: true, error }));
    stream.on('close', () => this.#finish({ disconnected: true }));
    stream.on('end', () => this.#finish({ disconnected: true }));
  }

  get isOpen(): boolean {
    return this.#signals.isOpen;
  }

  write(data: Buffer | string): Promise<void> {
    if (!this.isOpen) return Promise.reject(new BridgeError('PORT_CLOSED', 'transport is closed'));
    return new Promise((resolve, reject) => {
      this.#stream.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (error) =>
        error ? reject(new BridgeError('PORT_CLOSED', `write failed: ${error.message}`, { cause: error })) : resolve(),
      );
    });
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.#finish({ disconnected: false });
    this.#stream.end();
  }

  #finish(reason: CloseReason): void {
    this.#signals.finish(reason);
  }
}

/** Two connected in-memory duplex ends: bytes written to one are read from the other. */
export function duplexPair(): [Duplex, Duplex] {
  const aToB = new PassThrough();
  const bToA = new PassThrough();
  const make = (readFrom: PassThrough, writeTo: PassThrough): Duplex =>
    new Duplex({
      read() {
        /* data is pushed from readFrom below */
      },
      write(chunk: Buffer, _encoding, callback) {
        writeTo.write(chunk, callback);
      },
      final(callback) {
        writeTo.end();
        callback();
      },
      construct(callback) {
        readFrom.on('data', (chunk: Buffer) => this.push(chunk));
        readFrom.on('end', () => this.push(null));
        callback();
      },
    });
  return [make(bToA, aToB), make(aToB, bToA)];
}
