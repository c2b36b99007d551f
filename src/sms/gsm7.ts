/**
 * The 160 guard: decides whether a text fits one SMS, and says why not, without ever truncating
 * or substituting (issue 4). Refusals are values; `assertSmsText` turns them into BridgeErrors.
 *
 * - GSM-7 (3GPP TS 23.038 §6.2.1): basic-table characters cost 1 septet, extension-table ones 2;
 *   one SMS carries 160 septets (3GPP TS 23.040 §9.2.3.16, 140 octets). We never split.
 * - UCS2, only on request: 70 UTF-16 code units (140 octets); a character outside the BMP takes 2.
 * - Control characters are refused in either encoding: in text mode Ctrl-Z ends the body and ESC
 *   cancels the send (3GPP TS 27.005 §3.5.1), so whatever followed would reach the modem as commands.
 */
import { CTRL_Z, ESC } from '../at/command.js';
import { BridgeError } from '../errors.js';
import { describeChar, gsm7BasicCode, gsm7Codes } from './gsm7-alphabet.js';

export { fromGsm7Septets, toGsm7Septets } from './gsm7-alphabet.js';

/** Septets in one single-part SMS (140 octets × 8 / 7). */
export const MAX_GSM7_SEPTETS = 160;
/** UTF-16 code units in one single-part UCS2 SMS (140 octets / 2). */
export const MAX_UCS2_UNITS = 70;

export type TextEncoding = 'gsm7' | 'ucs2';

export interface SmsTextCheckOptions {
  /** Default `gsm7`. UCS2 is for callers that know the recipient wants it; Super SIM is text only. */
  encoding?: TextEncoding;
  /** Lower the GSM-7 limit (e.g. to keep room for a suffix). Default and maximum 160. */
  maxSeptets?: number;
}

export type SmsTextCheck =
  | {
      ok: true;
      encoding: TextEncoding;
      /** Septets for GSM-7, UTF-16 code units for UCS2. */
      units: number;
      limit: number;
      /** How many extension-table characters (2 septets each) the text has; 0 for UCS2. */
      extensionChars: number;
    }
  | {
      ok: false;
      reason: 'too-long' | 'unencodable' | 'control-char';
      /** Human-readable, names the length and limit or the character and its position. */
      message: string;
      encoding: TextEncoding;
      /** 0-based UTF-16 index of the offending character (`text.slice(position)` starts with it). */
      position?: number;
      char?: string;
      units?: number;
      limit?: number;
    };

/** Septets the text needs in GSM-7, or undefined when some character cannot be sent in GSM-7. */
export function countSeptets(text: string): number | undefined {
  let septets = 0;
  for (const char of text) {
    const codes = gsm7Codes(char);
    if (codes === undefined) return undefined;
    septets += codes.length;
  }
  return septets;
}

/** Checks a text to send. Never throws for bad text: the refusal is the value. */
export function checkSmsText(text: string, options: SmsTextCheckOptions = {}): SmsTextCheck {
  const encoding = options.encoding ?? 'gsm7';
  const limit = encoding === 'ucs2' ? MAX_UCS2_UNITS : septetLimit(options.maxSeptets);
  const refuse = (reason: 'unencodable' | 'control-char', message: string, position: number, char: string): SmsTextCheck => ({
    ok: false,
    reason,
    message,
    encoding,
    position,
    char,
  });

  let units = 0;
  let extensionChars = 0;
  let position = 0;
  for (const char of text) {
    if (isForbiddenControl(char)) {
      return refuse('control-char', `control character ${describeControl(char)} at position ${position} cannot be sent: it would end or cancel the message early`, position, char);
    }
    if (encoding === 'ucs2') {
      if (/^[\uD800-\uDFFF]$/.test(char)) {
        return refuse('unencodable', `${describeChar(char)} at position ${position} is half of a surrogate pair and cannot be sent`, position, char);
      }
      units += char.length;
    } else {
      const codes = gsm7Codes(char);
      if (codes === undefined) {
        return refuse('unencodable', `${describeChar(char)} at position ${position} cannot be sent in GSM-7`, position, char);
      }
      units += codes.length;
      if (codes.length === 2) extensionChars += 1;
    }
    position += char.length;
  }

  if (units > limit) {
    return { ok: false, reason: 'too-long', message: tooLongMessage(encoding, units, limit, extensionChars), encoding, units, limit };
  }
  return { ok: true, encoding, units, limit, extensionChars };
}

/** Like checkSmsText, but throws `SMS_TOO_LONG`, `SMS_UNENCODABLE` or `SMS_CONTROL_CHAR`. */
export function assertSmsText(text: string, options: SmsTextCheckOptions = {}): Extract<SmsTextCheck, { ok: true }> {
  const check = checkSmsText(text, options);
  if (check.ok) return check;
  const code = check.reason === 'too-long' ? 'SMS_TOO_LONG' : check.reason === 'unencodable' ? 'SMS_UNENCODABLE' : 'SMS_CONTROL_CHAR';
  throw new BridgeError(code, check.message);
}

/**
 * True when the text can go through text mode unchanged under `AT+CSCS="GSM"` as well as `"IRA"`:
 * printable ASCII whose GSM basic-table code equals its ASCII code, plus CR and LF. That excludes
 * `@ $ _ \`` and the extension characters (different codes in GSM-7), and everything non-ASCII.
 * Anything else must be sent in PDU mode.
 */
export function isTextModeSafe(text: string): boolean {
  for (const char of text) {
    if (char === '\r' || char === '\n') continue;
    const ascii = char.charCodeAt(0);
    if (char.length !== 1 || ascii < 0x20 || ascii > 0x7e || gsm7BasicCode(char) !== ascii) return false;
  }
  return true;
}

function septetLimit(maxSeptets: number | undefined): number {
  if (maxSeptets === undefined) return MAX_GSM7_SEPTETS;
  if (!Number.isInteger(maxSeptets) || maxSeptets < 0 || maxSeptets > MAX_GSM7_SEPTETS) {
    throw new RangeError(`maxSeptets must be an integer from 0 to ${MAX_GSM7_SEPTETS}, got ${maxSeptets}`);
  }
  return maxSeptets;
}

/**
 * C0 and C1 controls and DEL, except LF and CR which GSM-7 has (3GPP TS 23.038 §6.2.1). Form feed
 * is refused too although the extension table has it: under `AT+CSCS="GSM"` it would need an ESC byte.
 */
function isForbiddenControl(char: string): boolean {
  const code = char.charCodeAt(0);
  if (char === '\n' || char === '\r') return false;
  return char.length === 1 && (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0));
}

function describeControl(char: string): string {
  const code = char.charCodeAt(0);
  const name = char === CTRL_Z ? ' (Ctrl-Z)' : char === ESC ? ' (ESC)' : code === 0 ? ' (NUL)' : '';
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name}`;
}

function tooLongMessage(encoding: TextEncoding, units: number, limit: number, extensionChars: number): string {
  if (encoding === 'ucs2') {
    return `reply is ${units} UCS-2 characters; ${limit === MAX_UCS2_UNITS ? 'one SMS holds' : 'the limit is'} ${limit}`;
  }
  const holds = limit === MAX_GSM7_SEPTETS ? 'one SMS holds' : 'the limit is';
  const note = extensionChars === 0 ? '' : ` (${extensionChars} extension character${extensionChars === 1 ? ' counts' : 's count'} as 2)`;
  return `reply is ${units} septets; ${holds} ${limit}${note}`;
}

