/** Exit codes of every smsbridge command (documented in the README). */
export const EXIT = {
  OK: 0,
  /** The command ran and failed: a modem error, a mismatch, a refused message. */
  FAILURE: 1,
  /** Bad arguments, unreadable file, invalid configuration. */
  USAGE: 2,
  /** The port could not be opened or disappeared. */
  PORT: 3,
  /** run: the modem stayed away longer than supervision.maxOfflineMs (systemd restarts the service). */
  MODEM_GONE: 4,
  /** run: the SIM needs a PIN or PUK that smsbridge will not guess (the unit does not restart on it). */
  SIM_LOCKED: 5,
  /** status: a bridge runs on this store but is not ready (the modem is on its way back). */
  NOT_READY: 6,
  /** status, send: no bridge runs on this store. */
  NOT_RUNNING: 7,
} as const;

export function fail(code: number, message: string): void {
  console.error(`smsbridge: ${message}`);
  process.exitCode = code;
}
