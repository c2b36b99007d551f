import type { AtCommand } from '../at/command.js';
import type { SmsMode } from './sms-commands.js';
import type { SmsModem } from './sms-modem.js';

/** Marks a command that must run in a mode other than the resting one (a text-mode send). */
const NEEDS_MODE = Symbol('needs AT+CMGF');
type ModalCommand<T> = AtCommand<T> & { readonly [NEEDS_MODE]?: SmsMode };

/** The command, to be run in `mode` (the mark survives `{ ...command, text }`, as deletesThen builds). */
export function inMode<T>(command: AtCommand<T>, mode: SmsMode): AtCommand<T> {
  return { ...command, [NEEDS_MODE]: mode } as ModalCommand<T>;
}

/**
 * Keeps AT+CMGF right without exchanges of its own. Every SMS command goes in the resting mode (PDU
 * for reads, docs/modem-behaviour.md §8) unless marked `inMode`; when the modem may be in the other
 * mode, the switch rides at the front of the same command line (`AT+CMGF=1;+CMGW="000"`, V.250
 * §5.4.1 concatenation), so a text reply on a modem resting in PDU mode costs no extra exchange,
 * and neither does the switch back (`AT+CMGF=0;+CMSS=3`). A line that fails leaves the mode
 * unknown, and the next one switches again. The session hears of every switch away from the
 * resting mode, so its settings check does not take it for a reset.
 */
export class ModeKeeper implements SmsModem {
  readonly #modem: SmsModem;
  #resting: SmsMode;
  /** The mode the modem is in as far as we know; undefined after a line that failed. */
  #current: SmsMode | undefined;

  constructor(modem: SmsModem, resting: SmsMode) {
    this.#modem = modem;
    this.#resting = resting;
    this.#current = resting;
  }

  get urc$() {
    return this.#modem.urc$;
  }

  get ready$() {
    return this.#modem.ready$;
  }

  /** The modem is (again) ready: configuration left it in `mode`. */
  rest(mode: SmsMode): void {
    this.#resting = mode;
    this.#current = mode;
    this.#modem.switchedMode?.(undefined);
  }

  get resting(): SmsMode {
    return this.#resting;
  }

  async send<T>(command: AtCommand<T>, options?: { signal?: AbortSignal }): Promise<T> {
    const mode = (command as ModalCommand<T>)[NEEDS_MODE] ?? this.#resting;
    if (this.#current === mode) return this.#modem.send(command, options);
    // Told before the line goes: a settings check from now on accepts either mode, until a line
    // that ends in the resting mode succeeds.
    if (mode !== this.#resting) this.#modem.switchedMode?.(mode);
    const switched: AtCommand<T> = { ...command, text: `AT+CMGF=${mode === 'text' ? 1 : 0};${command.text.replace(/^AT/i, '')}` };
    this.#current = undefined;
    const result = await this.#modem.send(switched, options);
    this.#current = mode;
    if (mode === this.#resting) this.#modem.switchedMode?.(undefined);
    return result;
  }

  checkSettingsSoon(reason: string): void {
    this.#modem.checkSettingsSoon?.(reason);
  }

  stopAcknowledging(reason: string): void {
    this.#modem.stopAcknowledging?.(reason);
  }
}
