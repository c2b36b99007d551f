import type { Observable } from 'rxjs';
import type { AtCommand } from '../at/command.js';
import type { Urc } from '../at/urc.js';
import type { SmsMode } from './sms-commands.js';

/** What the SMS layer needs from a modem session (ModemSession provides it; tests fake it). */
export interface SmsModem {
  send<T>(command: AtCommand<T>, options?: { signal?: AbortSignal }): Promise<T>;
  readonly urc$: Observable<Urc>;
  /** Emits each time the modem is (again) ready, with the storage it reads from and whether +CMT needs +CNMA. */
  readonly ready$: Observable<{ storage?: string; needsAck: boolean; otherStorages?: readonly string[]; restingMode?: SmsMode }>;
  /** What the last configuration chose, if the modem is ready now (a service made on a ready session reads it). */
  readonly settings?: { restingMode?: SmsMode } | undefined;
  /**
   * The SMS layer has switched AT+CMGF away from the resting mode for a send (`text` or `pdu`), or
   * back (undefined): a settings check must not take the switch for a reset.
   */
  switchedMode?(mode: SmsMode | undefined): void;
  /** The modem may have changed its settings (an ack it no longer expected): check them now. */
  checkSettingsSoon?(reason: string): void;
  /** The modem refuses acknowledgements: use stored delivery (+CMTI) instead. */
  stopAcknowledging?(reason: string): void;
}
