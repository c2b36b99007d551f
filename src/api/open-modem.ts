import { TracedTransport } from '../at/traced-transport.js';
import { silentLogger, type Logger } from '../log.js';
import type { SmsSettings } from '../modem/init-sequence.js';
import { ModemSession } from '../modem/modem-session.js';
import type { ProfileName } from '../modem/profiles.js';
import type { Transport } from '../transport/transport.js';
import { portOpener } from './open-port.js';

/** Options of {@link openModem}. */
export interface OpenModemOptions {
  /** Where the modem is (`/dev/serial/by-id/…`), or `auto` to find it (the default). */
  port?: string;
  baud?: number;
  /** Opens the byte stream instead of a serial port (a simulator, another transport). */
  open?: () => Promise<Transport>;
  /** The vendor's quirks to apply; `auto` picks them from AT+CGMI/AT+CGMM (the default). */
  profile?: ProfileName | 'auto';
  /** The SIM PIN, if the SIM asks for one. A PIN the SIM refused is never entered twice. */
  pin?: string;
  /** How SMS are configured (text mode and +CMTI unless told otherwise). */
  sms?: Partial<SmsSettings>;
  /** Give up (reject with NOT_READY) when the modem is not usable within this long (default: keep trying). */
  giveUpAfterMs?: number;
  log?: Logger;
}

/**
 * The modem without the bridge: a supervised session (it reopens, reconfigures and recovers by
 * itself, docs/supervision.md) on which an agent sends AT commands (`session.send(at('AT+CSQ'))`)
 * and reads URCs (`session.urc$`). Resolves once the modem is ready; `session.close()` ends it.
 */
export async function openModem(options: OpenModemOptions = {}): Promise<ModemSession> {
  const log = options.log;
  const openPort = options.open ?? (await portOpener(options.port ?? 'auto', options.baud ?? 115_200, log ?? silentLogger)).open;
  // The AT traffic goes to the log at level trace (`»` host to modem, `«` modem to host).
  const open = log ? async () => new TracedTransport(await openPort(), { log }) : openPort;
  const session = new ModemSession({
    open,
    sms: { mode: 'text', delivery: 'store', statusReports: false, ...options.sms },
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.pin ? { pin: options.pin } : {}),
    ...(log ? { log } : {}),
    ...(options.giveUpAfterMs === undefined ? {} : { maxOfflineMs: options.giveUpAfterMs }),
  });
  try {
    await session.start();
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}

