/**
 * Text-mode strings arrive in the TE character set chosen with `AT+CSCS` (3GPP TS 27.007 §5.5):
 * `"GSM"` sends the 7-bit codes themselves (0x00 is `@`, 0x1B escapes), `"IRA"` is ASCII, `"UCS2"`
 * sends every string, addresses included, as 4 hex digits per UTF-16 unit (docs/modem-behaviour.md §4).
 */
import { fromGsm7Septets, gsm7Codes } from './gsm7-alphabet.js';
import { decodeUcs2, hexToBytes, isUcs2Hex } from './hex.js';

export type TeCharset = 'GSM' | 'IRA' | 'UCS2';

/**
 * An address or name field. Under UCS2 it is decoded only when the hex decodes to GSM-7 characters
 * (what addresses are made of), so a modem that leaves plain digits such as `1234` alone is not misread.
 */
export function decodeTeAddress(value: string, charset: TeCharset | undefined): string {
  if (charset !== 'UCS2' || !isUcs2Hex(value)) return value;
  const decoded = decodeUcs2(hexToBytes(value) ?? new Uint8Array());
  if (decoded === undefined || [...decoded].some((char) => gsm7Codes(char) === undefined || char < ' ')) return value;
  return decoded;
}

/**
 * A GSM-7 body in the TE character set. Trailing NULs are padding some modems add (Huawei E3131,
 * docs/modem-behaviour.md §3) and are dropped, except within the body's `<length>` (AT+CSDH=1) when
 * it is known: under "GSM" 0x00 is `@`, anywhere; under "IRA" NUL is never text.
 * Undefined when a UCS2 body is not UCS2 hex.
 */
export function decodeTeBody(body: string, charset: TeCharset | undefined, length?: number): string | undefined {
  const stripped = body.replace(/\x00+$/, '');
  // <length> counts characters: an extension character (ESC and its code) is one.
  const missing = length === undefined ? 0 : length - (stripped.length - (stripped.match(/\x1b/g)?.length ?? 0));
  const unpadded = charset === 'GSM' && missing > 0 ? body.slice(0, stripped.length + missing) : stripped;
  if (charset === 'UCS2') {
    if (unpadded === '') return '';
    return isUcs2Hex(unpadded) ? decodeUcs2(hexToBytes(unpadded) ?? new Uint8Array()) : undefined;
  }
  if (charset === 'GSM') return fromGsmCharset(unpadded);
  return unpadded.replace(/\x00/g, '');
}

/** 7-bit codes → text; characters above 0x7F cannot be GSM codes and are kept as they are. */
function fromGsmCharset(body: string): string {
  let text = '';
  let run: number[] = [];
  for (const char of body) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x7f) {
      run.push(code);
      continue;
    }
    text += fromGsm7Septets(run) + char;
    run = [];
  }
  return text + fromGsm7Septets(run);
}
