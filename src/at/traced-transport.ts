import { Subject, type Observable } from '../rx.js';
import { silentLogger, type Logger } from '../log.js';
import { escapeBytes } from '../transcript/transcript.js';
import type { CloseReason, Transport } from '../transport/transport.js';
import { CTRL_Z } from './command.js';

/** Bytes that crossed the port, which way, and when. */
export interface Traffic {
  direction: 'tx' | 'rx';
  bytes: Buffer;
  at: Date;
}

export interface TracedTransportOptions {
  /** Each write and each chunk read at level `trace`: `»` host to modem, `«` modem to host, escaped. */
  log?: Logger;
  /** Hides SMS bodies in that log: a write ending in Ctrl-Z shows as `<redacted>`, a read as its size. `traffic$` still has them. */
  redactBodies?: boolean;
  clock?: () => Date;
}

/**
 * A Transport that wraps another and records the bytes both ways (warthog618/modem's
 * `trace/trace.go` ReadWriter decorator, docs/style.md): the AT channel above never knows it is
 * traced, and any transport can be. `traffic$` feeds the trace file (src/at/trace-file.ts), the
 * transcript recorder (src/at/recorder.ts) and the metrics; each write is recorded before it is
 * handed on and each chunk before the layer above sees it, so the record is in wire order.
 */
export class TracedTransport implements Transport {
  readonly #inner: Transport;
  readonly #log: Logger;
  readonly #redact: boolean;
  readonly #clock: () => Date;
  readonly #data$ = new Subject<Buffer>();
  readonly #traffic$ = new Subject<Traffic>();

  readonly data$: Observable<Buffer> = this.#data$.asObservable();
  readonly close$: Observable<CloseReason>;
  /** Bytes in both directions with their time. Completes when the transport closes. */
  readonly traffic$: Observable<Traffic> = this.#traffic$.asObservable();

  constructor(inner: Transport, options: TracedTransportOptions = {}) {
    this.#inner = inner;
    this.#log = options.log ?? silentLogger;
    this.#redact = options.redactBodies ?? false;
    this.#clock = options.clock ?? (() => new Date());
    this.close$ = inner.close$;
    inner.data$.subscribe({
      next: (chunk) => {
        this.#traffic$.next({ direction: 'rx', bytes: chunk, at: this.#clock() });
        // Redacted, reads show only their size: SMS texts arrive inside +CMGR/+CMGL/+CMT answers.
        if (this.#log.isLevelEnabled('trace')) this.#log.trace(`« ${this.#redact ? `<${chunk.length} bytes>` : escapeBytes(chunk)}`);
        this.#data$.next(chunk);
      },
      complete: () => {
        this.#traffic$.complete();
        this.#data$.complete();
      },
      error: (error: unknown) => this.#data$.error(error),
    });
    inner.close$.subscribe({ complete: () => this.#traffic$.complete() });
  }

  get isOpen(): boolean {
    return this.#inner.isOpen;
  }

  write(data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.#traffic$.next({ direction: 'tx', bytes, at: this.#clock() });
    if (this.#log.isLevelEnabled('trace')) {
      const body = bytes.length > 0 && bytes[bytes.length - 1] === CTRL_Z.charCodeAt(0);
      this.#log.trace(`» ${this.#redact && body ? '<redacted>' : escapeBytes(bytes)}`);
    }
    return this.#inner.write(bytes);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
