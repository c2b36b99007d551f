import type { Observable } from '../rx.js';
import type { AtCommand } from '../at/command.js';
import type { Urc } from '../at/urc.js';

/** What the SMS layer needs from a modem session (ModemSession provides it; tests fake it). */
export interface SmsModem {
  send<T>(command: AtCommand<T>, options?: { signal?: AbortSignal }): Promise<T>;
  readonly urc$: Observable<Urc>;
  /** Emits each time the modem is (again) ready, with the storage it reads from and whether +CMT needs +CNMA. */
  readonly ready$: Observable<{ storage?: string; needsAck: boolean; otherStorages?: readonly string[] }>;
  /** The modem may have changed its settings (an ack it no longer expected): check them now. */
  checkSettingsSoon?(reason: string): void;
  /** The modem refuses acknowledgements: use stored delivery (+CMTI) instead. */
  stopAcknowledging?(reason: string): void;
}

/** The same modem with another `send` (a retry around it, an ack carried in front): every other member passes through. */
export function withSend(modem: SmsModem, send: SmsModem['send']): SmsModem {
  return {
    send,
    urc$: modem.urc$,
    ready$: modem.ready$,
    ...(modem.checkSettingsSoon ? { checkSettingsSoon: (reason: string) => modem.checkSettingsSoon!(reason) } : {}),
    ...(modem.stopAcknowledging ? { stopAcknowledging: (reason: string) => modem.stopAcknowledging!(reason) } : {}),
  };
}
