/**
 * Mobile-terminated delivery (reference: "SMS Commands to SIM"). A command is `queued` until the
 * first attempt, `sent` from then on, and `delivered` once the SIM's modem accepted it. An
 * unreachable SIM (no modem attached, or unplugged) is retried on every tick for 24 hours from
 * creation; then attempts stop and the status stays `sent`. A command that can never be
 * delivered (inactive SIM, the modem refusing the SMS) becomes `failed` with an error code.
 *
 * "Accepted" is the sandbox's delivery confirmation: the modem's `deliveries` counter moved,
 * i.e. the SMS is in its storage or was pushed to the host. A modem that cannot take it (storage
 * full, radio off) holds it and re-delivers it itself, as a network would after "memory
 * available"; those commands stay `sent` until the counter shows them through, in order.
 */
import type { Logger } from '../log.js';
import type { CommandStore } from './command-store.js';
import type { CommandRecord, Status } from './resources.js';
import type { SimModem } from './sim-modem.js';

/** "The SMS Commands API will continue to attempt to send an SMS … for up to 24 hours." */
export const RETRY_WINDOW_MS = 24 * 3600_000;

/** Sandbox error codes on `failed`, after the 300xx delivery errors of Twilio-style APIs. */
export const DELIVERY_ERRORS = {
  simInactive: { code: 30005, message: 'The SIM is not active; the SMS Command cannot be delivered to it' },
  refused: { code: 30008, message: 'The device refused the SMS' },
} as const;

export type Reach = 'reachable' | 'unreachable' | 'inactive';

/** The pure rule for one attempt; `deliver` is then the only I/O. */
export function nextStep(command: Pick<CommandRecord, 'created'>, reach: Reach, now: number): 'give-up' | 'fail' | 'wait' | 'deliver' {
  if (now - command.created >= RETRY_WINDOW_MS) return 'give-up';
  if (reach === 'inactive') return 'fail';
  return reach === 'unreachable' ? 'wait' : 'deliver';
}

export interface DeliveryOptions {
  commands: CommandStore;
  /** The SIM's state as the network sees it. */
  reach: (simSid: string) => Reach;
  modem: (simSid: string) => SimModem | undefined;
  /** Called after every status change (the callback goes out from there). */
  changed: (command: CommandRecord) => void;
  clock: () => Date;
  log: Logger;
}

interface Confirmations {
  /** The modem's `deliveries` counter as last accounted for. */
  seen: number;
  /** Commands the modem holds, oldest first. */
  held: string[];
}

export class DeliveryEngine {
  readonly #o: DeliveryOptions;
  readonly #confirmations = new Map<SimModem, Confirmations>();

  constructor(options: DeliveryOptions) {
    this.#o = options;
  }

  /** One pass: confirm what held modems let through, then attempt every pending command. */
  tick(): void {
    for (const [modem, c] of this.#confirmations) this.#confirm(modem, c);
    const now = this.#o.clock().getTime();
    const held = new Set([...this.#confirmations.values()].flatMap((c) => c.held));
    for (const command of this.#o.commands.pending()) {
      if (!held.has(command.sid)) this.#attempt(command, now);
    }
  }

  #attempt(command: CommandRecord, now: number): void {
    const step = nextStep(command, this.#o.reach(command.simSid), now);
    if (step === 'give-up') {
      this.#o.commands.giveUp(command.sid);
      this.#o.log.info({ command: command.sid, status: command.status }, 'retry window of 24 hours closed');
      return;
    }
    if (step === 'fail') {
      this.#set(command.sid, 'failed', DELIVERY_ERRORS.simInactive);
      return;
    }
    this.#o.commands.countAttempt(command.sid);
    if (command.status === 'queued') this.#set(command.sid, 'sent');
    if (step === 'wait') return;
    const modem = this.#o.modem(command.simSid)!;
    const c = this.#accounts(modem);
    this.#confirm(modem, c);
    try {
      modem.deliver({ from: '000', text: command.payload });
    } catch (error) {
      this.#set(command.sid, 'failed', { code: DELIVERY_ERRORS.refused.code, message: `${DELIVERY_ERRORS.refused.message}: ${(error as Error).message}` });
      return;
    }
    if (modem.stats.deliveries > c.seen) {
      c.seen = modem.stats.deliveries;
      this.#set(command.sid, 'delivered');
    } else c.held.push(command.sid);
  }

  /** Held SMS the modem let through since last time, in the order it held them. */
  #confirm(modem: SimModem, c: Confirmations): void {
    while (modem.stats.deliveries > c.seen && c.held.length > 0) {
      c.seen++;
      const sid = c.held.shift()!;
      const command = this.#o.commands.get(sid);
      if (command?.status === 'sent') this.#set(sid, 'delivered');
    }
    c.seen = modem.stats.deliveries;
  }

  #accounts(modem: SimModem): Confirmations {
    let c = this.#confirmations.get(modem);
    if (!c) this.#confirmations.set(modem, (c = { seen: modem.stats.deliveries, held: [] }));
    return c;
  }

  /** A modem was detached: what it held is pending again (attempted on the next tick). */
  forget(modem: SimModem): void {
    this.#confirmations.delete(modem);
  }

  #set(sid: string, status: Status, error?: { code: number; message: string }): void {
    this.#o.changed(this.#o.commands.setStatus(sid, status, error));
  }
}
