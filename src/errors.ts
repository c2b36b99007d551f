/**
 * One error class for every I/O and protocol failure, with a string code.
 * Failures we expect (an unknown command, a payload too long) are values, not errors (docs/design.md).
 */
export type BridgeErrorCode =
  | 'AT_TIMEOUT' // no final result within the command's timeout
  | 'AT_ERROR' // plain ERROR / COMMAND NOT SUPPORT / NO CARRIER
  | 'CME_ERROR' // +CME ERROR: 3GPP TS 27.007 §9.2
  | 'CMS_ERROR' // +CMS ERROR: 3GPP TS 27.005 §3.2.5
  | 'ABORTED' // the caller's AbortSignal fired
  | 'PORT_CLOSED' // the port closed or disappeared (USB unplug)
  | 'PORT_OPEN_FAILED'
  | 'MODEM_RESET' // the modem rebooted while the command was in flight
  | 'QUEUE_CLOSED' // the queue was closed before the command ran
  | 'LINE_TOO_LONG' // the framer dropped an unterminated line
  | 'PARSE_ERROR' // a modem answer we cannot understand
  | 'SMS_TOO_LONG'
  | 'SMS_UNENCODABLE'
  | 'SMS_CONTROL_CHAR'
  | 'PDU_INVALID'
  | 'SIM_PIN_REQUIRED'
  | 'SIM_PUK_REQUIRED'
  | 'SIM_PIN_WRONG'
  | 'NOT_READY'
  | 'CONFIG_INVALID'
  | 'STORE_ERROR'
  | 'NO_PORT_FOUND';

export interface BridgeErrorDetails {
  /** The AT command line that failed, without the trailing CR. */
  command?: string;
  /** The modem's lines for that command, as received. */
  lines?: readonly string[];
  /** The 3GPP CME/CMS number when the modem gave one (or we could map its text to one). */
  number?: number;
  /**
   * The command's body (the SMS after `> `) had been written when it failed: the modem may have
   * acted on it. Only set on failures of commands with a body.
   */
  bodyWritten?: boolean;
  cause?: unknown;
}

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  readonly code: BridgeErrorCode;
  readonly command?: string;
  readonly lines?: readonly string[];
  readonly number?: number;
  readonly bodyWritten?: boolean;

  constructor(code: BridgeErrorCode, message: string, details: BridgeErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.command !== undefined) this.command = details.command;
    if (details.lines !== undefined) this.lines = details.lines;
    if (details.number !== undefined) this.number = details.number;
    if (details.bodyWritten !== undefined) this.bodyWritten = details.bodyWritten;
  }
}

/**
 * With a code, the guard narrows to an error of that code only, so `!isBridgeError(e, 'AT_TIMEOUT')`
 * still leaves `e` possibly a BridgeError of another code.
 */
export function isBridgeError(value: unknown): value is BridgeError;
export function isBridgeError<C extends BridgeErrorCode>(value: unknown, code: C): value is BridgeError & { readonly code: C };
export function isBridgeError(value: unknown, code?: BridgeErrorCode): value is BridgeError {
  return value instanceof BridgeError && (code === undefined || value.code === code);
}

/** The modem answered with an error result (`ERROR`, `+CME ERROR`, `+CMS ERROR`), as opposed to not answering at all. */
export function isModemRefusal(value: unknown): value is BridgeError {
  return isBridgeError(value, 'CMS_ERROR') || isBridgeError(value, 'CME_ERROR') || isBridgeError(value, 'AT_ERROR');
}
