import { BridgeError, isBridgeError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { AtCommand } from '../at/command.js';
import { cnma } from './sms-commands.js';
import type { SmsModem } from './sms-modem.js';

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
 * The modem stops a line at its first error (V.250 §5.4.2), so when a line that carried the ack
 * fails, whether the ack ran is not known. Nothing on that line is retried here (its deletes may
 * have run, and a retry could take a new message from the slot); the ack is sent alone, and
 * `+CMS ERROR: 340` (no ack expected) then only means it had run, which the inbox treats as a
 * reason to check the settings. A modem that answers a carried line with a plain `ERROR` gets
 * its acks alone from then on, as does any modem after a carried line fails: the rare error is
 * not worth a second doubt.
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
    const { modem } = options;
    this.modem = {
      send: (command, sendOptions) => this.#send(command, sendOptions),
      urc$: modem.urc$,
      ready$: modem.ready$,
      ...(modem.checkSettingsSoon ? { checkSettingsSoon: (reason: string) => modem.checkSettingsSoon!(reason) } : {}),
      ...(modem.stopAcknowledging ? { stopAcknowledging: (reason: string) => modem.stopAcknowledging!(reason) } : {}),
    };
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
      const answered = isBridgeError(error, 'CMS_ERROR') || isBridgeError(error, 'CME_ERROR') || isBridgeError(error, 'AT_ERROR');
      if (answered) {
        this.#carries = false;
        this.#log.info({ line: command.text, error: (error as Error).message }, 'a line that carried AT+CNMA failed: acknowledgements go alone from now on');
        this.#settleBy(pending, this.#alone());
      } else {
        // No answer (timeout, port gone, reset): whether the ack ran is unknown. Unacknowledged,
        // the network delivers again and the store recognises the message.
        for (const w of pending) w.reject(error);
      }
      throw error;
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
