import { Observable, Subject, Subscription } from '../rx.js';
import { BridgeError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Transport } from '../transport/transport.js';
import { type AtCommand, type AtResponse } from './command.js';
import { Exchange, type ExchangeStep } from './exchange.js';
import { classifyFinal } from './final-result.js';
import { AtFramer, type Frame } from './framer.js';
import { owes, takeBodyLine, type BodyProgress } from './text-body.js';
import { UrcRegistry, type Urc } from './urc.js';

export interface AtChannelOptions {
  urcs?: UrcRegistry;
  log?: Logger;
  maxLine?: number;
  /** Timeout for commands that set none (default 5 s). */
  defaultTimeoutMs?: number;
}

export interface SendOptions {
  signal?: AbortSignal;
}

interface Job {
  command: AtCommand<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: BridgeError) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * The AT channel: one command in flight, a FIFO behind it, and every line the modem sends routed
 * either to that command or out as a URC (warthog618/modem at.go: line reader → indication loop →
 * command loop, here one synchronous router fed by the framer). It records nothing: to trace the
 * bytes, give it a TracedTransport (src/at/traced-transport.ts).
 */
export class AtChannel {
  readonly #transport: Transport;
  readonly #framer: AtFramer;
  readonly #urcs: UrcRegistry;
  readonly #log: Logger;
  readonly #defaultTimeoutMs: number | undefined;
  readonly #urc$ = new Subject<Urc>();
  readonly #frame$ = new Subject<Frame>();
  readonly #queue: Job[] = [];
  readonly #subscription = new Subscription();
  #current?: { job: Job; exchange: Exchange; timer?: NodeJS.Timeout };
  /** A URC whose trailing lines are still being collected (`+CMT:` then its body). */
  #pendingUrc?: { line: string; body: BodyProgress; trailing: string[]; parse: (t: string[]) => Urc; fits?: (line: string) => boolean };
  #consecutiveTimeouts = 0;
  #closed = false;

  /** Typed unsolicited result codes, in arrival order. Never errors; completes on close. */
  readonly urc$: Observable<Urc> = this.#urc$.asObservable();
  /** Every frame the framer produced (for `smsbridge replay` and diagnostics). */
  readonly frame$: Observable<Frame> = this.#frame$.asObservable();

  constructor(transport: Transport, options: AtChannelOptions = {}) {
    this.#transport = transport;
    // A `> ` is the prompt only while the command in flight waits for one, and never inside the
    // trailing lines of a URC (the text body of a +CMT can start with `> `): docs/modem-behaviour.md §1.
    const promptExpected = () => this.#current?.exchange.expectsPrompt === true && this.#pendingUrc === undefined;
    this.#framer = new AtFramer({ promptExpected, ...(options.maxLine === undefined ? {} : { maxLine: options.maxLine }) });
    this.#urcs = options.urcs ?? new UrcRegistry();
    this.#log = options.log ?? silentLogger;
    this.#defaultTimeoutMs = options.defaultTimeoutMs;
    this.#subscription.add(transport.data$.subscribe((chunk) => this.#onData(chunk)));
    this.#subscription.add(
      transport.close$.subscribe((reason) => {
        const why = reason.disconnected ? 'the port disappeared (unplugged?)' : 'the port was closed';
        this.#shutdown(new BridgeError('PORT_CLOSED', why, reason.error ? { cause: reason.error } : {}));
      }),
    );
  }

  /** Timeouts in a row without any final result in between; recovery keys off this. */
  get consecutiveTimeouts(): number {
    return this.#consecutiveTimeouts;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** True while a send's body is written and its result awaited: writing anything now may abort it. */
  get awaitingSendResult(): boolean {
    return this.#current?.exchange.awaitingSendResult ?? false;
  }

  /** The command currently in flight, if any. */
  get inFlight(): string | undefined {
    return this.#current?.exchange.command.text;
  }

  /** Sends a command once the ones before it are done; resolves with its parsed answer. */
  send<T = AtResponse>(command: AtCommand<T>, options: SendOptions = {}): Promise<T> {
    if (this.#closed) return Promise.reject(new BridgeError('PORT_CLOSED', 'the AT channel is closed', { command: command.text }));
    return new Promise<T>((resolve, reject) => {
      const job: Job = { command: command as AtCommand<unknown>, resolve: resolve as (v: unknown) => void, reject };
      const signal = options.signal;
      if (signal) {
        if (signal.aborted) {
          reject(abortError(command.text, signal));
          return;
        }
        job.signal = signal;
        job.onAbort = () => this.#abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      if (command.urgent) {
        // Behind earlier urgent ones, ahead of the rest: acknowledgements keep their order.
        const firstNormal = this.#queue.findIndex((queued) => !queued.command.urgent);
        this.#queue.splice(firstNormal < 0 ? this.#queue.length : firstNormal, 0, job);
      } else this.#queue.push(job);
      this.#pump();
    });
  }

  /** Writes raw bytes outside any command (recovery: ESC to leave a stuck prompt). */
  async writeRaw(data: string): Promise<void> {
    await this.#write(data);
  }

  /** Fails the command in flight, e.g. because the modem rebooted under it. */
  failInFlight(error: BridgeError): void {
    if (this.#current) this.#apply(this.#current.exchange.abandon(withCommand(error, this.#current.exchange.command.text)));
  }

  async close(): Promise<void> {
    this.#shutdown(new BridgeError('QUEUE_CLOSED', 'the AT channel was closed'));
    await this.#transport.close();
  }

  #shutdown(error: BridgeError): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#current) this.#apply(this.#current.exchange.abandon(withCommand(error, this.#current.exchange.command.text)), false);
    for (const job of this.#queue.splice(0)) this.#settle(job, withCommand(error, job.command.text));
    this.#subscription.unsubscribe();
    this.#urc$.complete();
    this.#frame$.complete();
  }

  #pump(): void {
    if (this.#current || this.#closed) return;
    const job = this.#queue.shift();
    if (!job) return;
    const command = job.command.timeoutMs === undefined && this.#defaultTimeoutMs !== undefined ? { ...job.command, timeoutMs: this.#defaultTimeoutMs } : job.command;
    const exchange = new Exchange(command);
    this.#current = { job, exchange };
    this.#arm(exchange.timeoutMs);
    this.#write(job.command.text + '\r').catch((error: unknown) => {
      if (this.#current?.job === job) this.#apply(exchange.abandon(asPortError(error, job.command.text)));
    });
  }

  #arm(timeoutMs: number): void {
    const current = this.#current;
    if (!current) return;
    if (current.timer) clearTimeout(current.timer);
    current.timer = setTimeout(() => {
      if (this.#current !== current) return;
      const step = current.exchange.onTimeout();
      // An answer accepted without its final result (finalResultOptional) is not a silent modem.
      if (step.kind === 'failed') this.#consecutiveTimeouts++;
      this.#apply(step);
    }, timeoutMs);
  }

  #apply(step: ExchangeStep, pumpNext = true): void {
    const current = this.#current;
    if (!current) return;
    if (step.kind === 'none') return;
    if (step.kind === 'write') {
      this.#arm(step.timeoutMs);
      this.#write(step.data).catch((error: unknown) => this.#apply(current.exchange.abandon(asPortError(error, current.exchange.command.text))));
      return;
    }
    if (step.write !== undefined) this.#write(step.write).catch(() => undefined);
    if (current.timer) clearTimeout(current.timer);
    this.#current = undefined;
    if (step.kind === 'failed') this.#settle(current.job, step.error);
    else this.#settle(current.job, undefined, step.response);
    if (pumpNext) this.#pump();
  }

  #settle(job: Job, error: BridgeError | undefined, response?: AtResponse): void {
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    if (error) {
      job.reject(error);
      return;
    }
    const parse = job.command.parse;
    if (!parse) {
      job.resolve(response);
      return;
    }
    try {
      job.resolve(parse(response!));
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      job.reject(
        new BridgeError('PARSE_ERROR', `${job.command.text}: cannot parse the answer: ${message}`, {
          command: job.command.text,
          lines: [...response!.lines, response!.final],
          cause,
        }),
      );
    }
  }

  #abort(job: Job): void {
    const error = abortError(job.command.text, job.signal);
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      this.#settle(job, error);
    } else if (this.#current?.job === job) {
      this.#apply(this.#current.exchange.abandon(error));
    }
  }

  async #write(data: string): Promise<void> {
    await this.#transport.write(Buffer.from(data, 'latin1'));
  }

  #onData(chunk: Buffer): void {
    // Frame by frame, so a command settled by one line is no longer asked about a prompt after it.
    this.#framer.pushEach(chunk, (frame) => {
      this.#frame$.next(frame);
      this.#route(frame);
    });
  }

  #route(frame: Frame): void {
    const current = this.#current;
    if (frame.kind === 'overflow') {
      this.#log.error({ dropped: frame.dropped }, 'dropped a line longer than the limit (garbage on the port?)');
      return;
    }
    if (frame.kind === 'prompt') {
      // The framer reports a prompt only while the command in flight expects one.
      if (current) this.#apply(current.exchange.onPrompt());
      return;
    }
    // Lines keep their NULs, which under AT+CSCS="GSM" are `@` (23.038): a body takes them as sent;
    // any other line loses them at its ends (Huawei pads with NULs, docs/modem-behaviour.md §3).
    const raw = frame.text;
    const afterBlank = this.#framer.afterBlankLine;
    // 1. A URC that owes trailing lines takes them first: the line after +CMT: is data, even "OK".
    const pending = this.#pendingUrc;
    if (pending) {
      const taken = owes(pending.body, raw, afterBlank) && pending.fits?.(raw) !== false;
      if (!taken && pending.trailing.length === 0) {
        // Its data never came (a PDU is hex, 27.005 §4.1): give the URC up, say so, and route this line as what it is.
        this.#log.warn({ urc: pending.line, line: raw }, 'a URC lost the data line it announced');
        this.#emitUrc({ type: 'unknown', line: pending.line });
        this.#pendingUrc = undefined;
      } else {
        if (taken) pending.trailing.push(raw);
        if (taken && !takeBodyLine(pending.body, raw)) return;
        // Complete, or this line does not fit the body's <length>: the URC is whole.
        this.#pendingUrc = undefined;
        this.#emitUrc(pending.parse(pending.trailing));
        if (taken) return;
      }
    }
    // 2a. The rest of the body of the command's prefixed line, raw.
    if (current?.exchange.takingBody && current.exchange.claims(raw, afterBlank)) {
      current.exchange.addLine(raw, afterBlank);
      return;
    }
    const line = raw.replace(/^\0+|\0+$/g, '');
    if (line.trim() === '') return;
    // 2b. A line the command claims (its prefix).
    if (current && current.exchange.claims(line)) {
      current.exchange.addLine(line);
      return;
    }
    // 3. Final results settle the command in flight.
    const final = classifyFinal(line);
    if (final) {
      if (current) {
        this.#consecutiveTimeouts = 0;
        this.#apply(current.exchange.onFinal(final, line));
      } else {
        this.#log.warn({ line }, 'a final result with no command in flight (a late answer?)');
      }
      return;
    }
    // 4. Echo of what we wrote.
    if (current && current.exchange.isEcho(line)) return;
    // 5. Known URCs, wherever they arrive.
    const urc = this.#urcs.match(line);
    if (urc) {
      if (urc.trailingLines !== 0) {
        const { spec, match } = urc;
        const text = line.trim();
        const fits = spec.trailingLineFits;
        this.#pendingUrc = {
          line: text,
          body: { rule: urc.trailingLines, lines: 0, chars: 0 },
          trailing: [],
          parse: (t) => spec.parse(match, text, t),
          ...(fits === undefined ? {} : { fits: (l: string) => fits(text, l) }),
        };
      } else {
        this.#emitUrc(urc.spec.parse(urc.match, line.trim(), []));
      }
      return;
    }
    // 6. Other lines: the in-flight command's, unless they look like another command's indication.
    if (current && !(current.exchange.command.prefix !== undefined && /^\s*[+^][A-Z0-9]+:/i.test(line))) {
      current.exchange.addLine(line);
      return;
    }
    this.#log.warn({ line }, 'unsolicited line of unknown kind');
    this.#emitUrc({ type: 'unknown', line });
  }

  #emitUrc(urc: Urc): void {
    if (urc.type !== 'unknown' && this.#log.isLevelEnabled('debug')) this.#log.debug({ urc: urc.type }, urc.line);
    this.#urc$.next(urc);
  }
}

function abortError(command: string, signal?: AbortSignal): BridgeError {
  const reason = signal?.reason;
  if (reason instanceof BridgeError) return withCommand(reason, command);
  return new BridgeError('ABORTED', `${command}: aborted`, { command, cause: reason });
}

function withCommand(error: BridgeError, command: string): BridgeError {
  if (error.command !== undefined) return error;
  return new BridgeError(error.code, `${command}: ${error.message}`, {
    command,
    ...(error.lines ? { lines: error.lines } : {}),
    ...(error.number === undefined ? {} : { number: error.number }),
    cause: error.cause,
  });
}

function asPortError(error: unknown, command: string): BridgeError {
  if (error instanceof BridgeError) return withCommand(error, command);
  return new BridgeError('PORT_CLOSED', `${command}: write failed`, { command, cause: error });
}
