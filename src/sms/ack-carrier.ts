import { BridgeError, isModemRefusal } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { AtCommand } from '../at/command.js';
import { cnma, isNoAckExpected } from './sms-commands.js';
import { withSend, type SmsModem } from './sms-modem.js';

/** How long a recorded +CMT's acknowledgement waits for an SMS line to ride on before it goes alone. */
export const ACK_RIDE_MS = 250;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Carries the acknowledgement of a recorded +CMT (`AT+CNMA`, 27.005 §3.4.4) at the front of the
 * next SMS command line, which is usually the reply's own store or send: `AT+CNMA;+CMGW="000"`
 * (V.250 §5.4.1). Under load a `+CMT` command then costs one exchange less. The ack comes first
 * on the line, so it runs before anything else there, and it waits at most `rideMs` (the network
 * waits 12–20 s, TS 24.011 §10.1 TR2M) before it goes alone, ahead of queued commands.
 *
 * The modem stops a line at its first error (V.250 §5.4.2), so a carried line that fails must
 * say where it stopped, or an ack's refusal would pass for the reply's (a soak under load: the ack
 * came after the network stopped waiting, `AT+CNMA;+CMSS=9` answered `+CMS ERROR: 340`, and the
 * reply was given up as refused). `+CMS ERROR: 340` is the ack's alone (27.005 §3.2.5); any other
 * error is asked of the modem with the ack alone: taken now, the line had stopped at it; 340, it
 * had run and the error is the rest's. Where the line stopped at the ack, nothing after it ran,
 * so the line goes again without it; otherwise the error goes to the caller as its own (deletes
 * on that line are never retried here). After any other error acks go alone for good, so the
 * probe runs at most once per process. Its blind spot: a next `+CMT` the modem pushes between the
 * failed line's result and the probe is the one the probe acknowledges, possibly a few
 * milliseconds before the bridge has recorded it; a crash in exactly that window would lose it.
 */
export class AckCarrier {
  readonly #modem: SmsModem;
  readonly #log: Logger;
  readonly #rideMs: number;
  #pending?: { waiters: Waiter[]; timer: NodeJS.Timeout };
  #carries = true;

  /** The SMS modem as the SMS lock's users see it: a waiting ack rides at the front of their next line. */
  readonly modem: SmsModem;

  constructor(options: { modem: SmsModem; log?: Logger; rideMs?: number }) {
    this.#modem = options.modem;
    this.#log = options.log ?? silentLogger;
    this.#rideMs = options.rideMs ?? ACK_RIDE_MS;
    this.modem = withSend(options.modem, (command, sendOptions) => this.#send(command, sendOptions));
  }

  /** Whether acks still ride on other lines (false after a carried line failed). */
  get carries(): boolean {
    return this.#carries;
  }

  /**
   * Acknowledges one pushed message: resolves once `AT+CNMA` ran (on another line or alone),
   * rejects with the modem's answer when it was refused. A second ack while one waits goes alone
   * at once: one `+CMT` waits for its ack at a time (27.005 §3.4.4), so that is not the usual case.
   */
  acknowledge(): Promise<void> {
    if (!this.#carries || this.#pending) return this.#alone();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const pending = this.#take();
        if (pending) this.#settleBy(pending, this.#alone());
      }, this.#rideMs);
      timer.unref?.();
      this.#pending = { waiters: [{ resolve, reject }], timer };
    });
  }

  /** Sends a waiting ack alone now (the session is stopping, or nothing else will go out). */
  flush(): void {
    const pending = this.#take();
    if (pending) this.#settleBy(pending, this.#alone());
  }

  async #send<T>(command: AtCommand<T>, options?: { signal?: AbortSignal }): Promise<T> {
    const pending = /^AT\+/i.test(command.text) ? this.#take() : undefined;
    if (!pending) return this.#modem.send(command, options);
    try {
      const result = await this.#modem.send({ ...command, text: `AT+CNMA;${command.text.slice(2)}` }, options);
      for (const w of pending) w.resolve();
      return result;
    } catch (error) {
      if (!isModemRefusal(error)) {
        // No answer (timeout, port gone, reset): whether anything ran is unknown. Unacknowledged,
        // the network delivers again and the store recognises the message.
        for (const w of pending) w.reject(error);
        throw error;
      }
      const stoppedAtAck = await this.#whereItStopped(error, pending);
      if (!stoppedAtAck) throw error; // the ack ran: the error is the line's own
      // The line stopped at its first command, the ack (V.250 §5.4.2): nothing after it ran, its
      // deletes included, so the line goes again without it.
      return this.#modem.send(command, options);
    }
  }

  /**
   * A carried line failed with the modem's answer: was it the ack (then nothing else ran) or what
   * came after it? `+CMS ERROR: 340` can only be the ack's (27.005 §3.2.5: no acknowledgement
   * expected). Anything else is asked of the modem with the ack alone: taken, it was not taken
   * before (the line stopped at it); 340, it was (the error is the rest's). Settles the waiters.
   */
  async #whereItStopped(error: unknown, pending: Waiter[]): Promise<boolean> {
    if (isNoAckExpected(error)) {
      for (const w of pending) w.reject(error);
      return true;
    }
    this.#carries = false;
    this.#log.info({ error: (error as Error).message }, 'a line that carried AT+CNMA failed: acknowledgements go alone from now on');
    try {
      await this.#alone();
      for (const w of pending) w.resolve();
      return true;
    } catch (aloneError) {
      if (isNoAckExpected(aloneError)) {
        for (const w of pending) w.resolve(); // it had run on the line
        return false;
      }
      const rejected = aloneError instanceof BridgeError ? aloneError : new BridgeError('AT_ERROR', String(aloneError));
      for (const w of pending) w.reject(rejected);
      // The ack fails alone as it failed on the line: the line stopped there. Otherwise unknown:
      // the error goes to the line's caller, which treats it as its own.
      return sameAnswer(aloneError, error);
    }
  }

  #take(): Waiter[] | undefined {
    const pending = this.#pending;
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.#pending = undefined;
    return pending.waiters;
  }

  #alone(): Promise<void> {
    return this.#modem.send(cnma()).then(() => undefined);
  }

  #settleBy(waiters: Waiter[], outcome: Promise<void>): void {
    outcome.then(
      () => waiters.forEach((w) => w.resolve()),
      (error: unknown) => waiters.forEach((w) => w.reject(error instanceof BridgeError ? error : new BridgeError('AT_ERROR', String(error)))),
    );
  }
}

/** Both errors are the same answer (the same result code and number). */
function sameAnswer(a: unknown, b: unknown): boolean {
  return a instanceof BridgeError && b instanceof BridgeError && isModemRefusal(a) && a.code === b.code && a.number === b.number;
}
