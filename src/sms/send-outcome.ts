import { isBridgeError } from '../errors.js';
import { TRANSIENT_CMS } from '../modem/retry.js';

/**
 * What became of one attempt to send a reply, as a value: the durable sender journals it, and
 * nothing reads an error's message to decide.
 */
export type SendOutcome =
  /** The modem answered `+CMGS`/`+CMSS` (with the message reference), or a restart found the copy `STO SENT` (without). */
  | { kind: 'sent'; messageReference?: number; storedIndex?: number }
  /** The modem or the network said no. `final`: no retry will change that (27.005 §3.2.5). */
  | { kind: 'refused'; final: boolean; code?: number; message: string }
  /** It never reached the network: try again. */
  | { kind: 'not-sent'; message: string }
  /** It may have gone: a stored copy's `<stat>` will tell; without one, it is sent again (at-least-once). */
  | { kind: 'unknown'; message: string };

/** The step of the protocol that failed: what could have happened depends on it. */
export type SendStep = 'write' | 'send-stored' | 'send-direct' | 'read-slot';

/**
 * +CMS numbers that say the storage cannot take the message (full, unavailable, not allowed,
 * 27.005 §3.2.5): the reply must not wait for storage, so it goes without being stored this once.
 */
const STORAGE_REFUSALS: ReadonlySet<number> = new Set([302, 303, 304, 305, 320, 322]);

/** Whether AT+CMGW's failure means "this modem cannot store it now" rather than "not now". */
export function storageRefused(error: unknown): boolean {
  if (isBridgeError(error, 'CMS_ERROR')) return STORAGE_REFUSALS.has(error.number ?? -1);
  // Plain ERROR: a modem that does not store SMS-SUBMITs at all.
  return isBridgeError(error, 'AT_ERROR');
}

/** Judges a failure of `step` by its code, its CMS/CME number and whether the body had gone out. */
export function judgeSendFailure(step: SendStep, error: unknown): Exclude<SendOutcome, { kind: 'sent' }> {
  const message = error instanceof Error ? error.message : String(error);
  if (isBridgeError(error) && error.code.startsWith('SMS_')) return { kind: 'refused', final: true, message };
  if (isBridgeError(error, 'CMS_ERROR')) {
    const code = error.number;
    // 1–127 are network causes, 300–330 ME/SIM errors: final, except the ones that pass
    // (congestion, SIM busy, not ready) and 322, memory full, which the inbox's sweep clears.
    const final = code !== undefined && code !== 322 && !TRANSIENT_CMS.has(code);
    return { kind: 'refused', final, ...(code === undefined ? {} : { code }), message };
  }
  if (isBridgeError(error, 'CME_ERROR') || isBridgeError(error, 'AT_ERROR')) return { kind: 'refused', final: false, message };
  // No answer, port gone, modem reset, queue closed. Writing to storage or reading a slot never sends.
  if (step === 'write' || step === 'read-slot') return { kind: 'not-sent', message };
  if (step === 'send-direct') return isBridgeError(error) && error.bodyWritten ? { kind: 'unknown', message } : { kind: 'not-sent', message };
  // AT+CMSS has no body: whether its line reached the modem, only the slot can tell (a channel
  // closing under it fails it as it fails queued ones).
  return { kind: 'unknown', message };
}
