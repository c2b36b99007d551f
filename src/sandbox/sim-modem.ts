/**
 * What the sandbox needs of a SIM's modem: the part of `VirtualModem` the network side sees.
 * Tests may stand in a smaller fake (a modem that refuses SMS, for instance).
 */
import type { Observable } from '../rx.js';

export interface SimModem {
  /** false while the port is unplugged: the SIM is unreachable. */
  readonly isPlugged: boolean;
  /** The network hands an SMS to the modem; it stores or pushes it, or holds it while it cannot. */
  deliver(sms: { from: string; text: string }): void;
  /** `deliveries` counts SMS the modem accepted (stored or pushed), held ones once they go through. */
  readonly stats: { readonly deliveries: number };
  /** Every SMS the device sends. */
  readonly sent$: Observable<{ to: string; text: string }>;
  readonly plug$: Observable<boolean>;
  /** A pushed SMS acknowledged later (AT+CSMS=1, AT+CNMA): `deliveries` moved outside `deliver()`. */
  readonly acknowledged$?: Observable<void>;
}
