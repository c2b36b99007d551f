import type { AtResponse } from '../at/command.js';
import type { IdentityCommand } from './vendors/vendor.js';

/**
 * SIM identities, decoded and checked in one place: the ICCID (ITU-T E.118) and the IMSI
 * (3GPP TS 23.003 §2.2). What could not be decoded, or was decoded with a doubt, is said in
 * `warnings`, which `smsbridge info` prints (fixtures/field/README.md lists the answers this is
 * tested on and the decisions).
 */
export interface IdentityReading {
  /** The decoded identity; undefined when the answer is not one. */
  value?: string;
  /** The answer as the modem gave it (the line's value, quotes removed). */
  raw: string;
  /** What was doubtful or refused, each naming the answer. */
  warnings: string[];
}

/**
 * The ICCID: 18–20 characters starting `89`, the telecom industry identifier, then the country code
 * (North American issuers write `01`), the issuer and the account, and a Luhn check digit (E.118 §4.1).
 * The issuer identification number (`89`, the country code and the issuer: the first six characters
 * here, the shortest reading that covers every issuer in our fixtures) is decimal; only the account
 * part may carry issuer-specific hex digits.
 * Accepted: quoted or not, a trailing `F` filler (dropped), a nibble-swapped answer (`98…`: EF-ICCID
 * bytes as stored, ETSI TS 102 221 §13.2, put back in order), hex digits in the account part
 * (China Mobile `898602F9…`; ModemManager's tests keep them). The check digit is verified when every
 * character is decimal; a mismatch is a warning, not a refusal, because ModemManager's test ICCIDs
 * from real SIMs fail it too (issuers that print 19 digits without one).
 */
export function parseIccid(answer: string): IdentityReading {
  const raw = unquote(answer);
  const text = raw.toUpperCase();
  const refuse = (why: string): IdentityReading => ({ raw, warnings: [`ICCID answer ${JSON.stringify(raw)} ${why}`] });
  if (!/^[0-9A-F]{18,20}$/.test(text)) return refuse('is not 18–20 hex digits');
  const swapped = text.startsWith('98');
  const iccid = (swapped ? swapNibbles(text) : text).replace(/F+$/, '');
  if (!iccid.startsWith('89')) return refuse('does not start with 89 (the telecom industry identifier), swapped or not');
  if (!/^\d{6}/.test(iccid)) return refuse(`has an impossible issuer prefix ${iccid.slice(0, 6)}: hex digits belong to the account part only`);
  if (!/^89[0-9A-F]{16,18}$/.test(iccid)) return refuse('is too short once the F filler is dropped');
  const warnings: string[] = [];
  if (/[A-F]/.test(iccid.slice(2))) warnings.push(`ICCID ${iccid} has hex digits in its account part: its check digit cannot be verified`);
  else if (!luhnValid(iccid)) warnings.push(`ICCID ${iccid} fails its Luhn check digit: misread, or an issuer that prints none`);
  return { value: iccid, raw, warnings };
}

/** The ICCID in an identity command's answer: the line with the command's prefix (or the first bare line when the prefix is ''). */
export function decodeIccid(response: AtResponse, command: IdentityCommand): IdentityReading | undefined {
  const line = response.lines.map((l) => l.trim()).find((l) => (command.prefix === '' ? l !== '' : l.toUpperCase().startsWith(command.prefix.toUpperCase())));
  return line === undefined ? undefined : parseIccid(line.slice(command.prefix.length));
}

/**
 * The IMSI (`AT+CIMI`, 27.007 §5.6): decimal digits only, at most 15 (3GPP TS 23.003 §2.2), made of a
 * 3-digit MCC, a 2–3 digit MNC and the MSIN; 6 digits at the least. An MCC starting with 0 is only
 * ever the test network 001 (ITU-T E.212): anything else there is a warning.
 */
export function parseImsi(answer: string): IdentityReading {
  const raw = unquote(answer);
  if (!/^\d{6,15}$/.test(raw)) return { raw, warnings: [`IMSI answer ${JSON.stringify(raw)} is not 6–15 decimal digits`] };
  const warnings: string[] = [];
  if (raw.length < 14) warnings.push(`IMSI ${raw} is ${raw.length} digits long; SIMs carry 14–15`);
  if (raw.startsWith('0') && !raw.startsWith('001')) warnings.push(`IMSI ${raw} has the country code ${raw.slice(0, 3)}, which E.212 does not assign`);
  return { value: raw, raw, warnings };
}

/** Luhn (ISO/IEC 7812-1 annex B) over the whole number, check digit last. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** `9844…` → `8944…`: each pair of characters exchanged (an odd last one stays). */
function swapNibbles(text: string): string {
  let out = '';
  for (let i = 0; i + 1 < text.length; i += 2) out += text[i + 1]! + text[i]!;
  return text.length % 2 ? out + text[text.length - 1]! : out;
}

function unquote(text: string): string {
  return text.trim().replace(/^"|"$/g, '').trim();
}
