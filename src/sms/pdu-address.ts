/**
 * Address fields of a TPDU (3GPP TS 23.040 §9.1.2.5) and the SMSC address before it (3GPP TS 24.011
 * §8.2.5.1): a length, a type-of-address octet, then swapped BCD digits or packed GSM-7 for names.
 */
import { fromGsm7Septets } from './gsm7-alphabet.js';
import { unpackSeptets } from './septets.js';

/** Type of address: unknown type of number, ISDN numbering plan. What a short code like `000` needs. */
export const TOA_UNKNOWN = 0x81;
/** Type of address: international number, ISDN numbering plan (printed with a leading `+`). */
export const TOA_INTERNATIONAL = 0x91;
const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;

/** Semi-octet digit values 0xA–0xE (3GPP TS 23.040 §9.1.2.3); 0xF is the filler. */
const BCD = '0123456789*#abc';

export interface DecodedAddress {
  address: string;
  type: number;
  /** Offset of the octet after the field. */
  next: number;
}

/** Reads a TP-OA/TP-DA/TP-RA at `offset`; undefined when the octets run out or a digit is not valid. */
export function decodeTpAddress(pdu: Uint8Array, offset: number): DecodedAddress | undefined {
  const digits = pdu[offset];
  const type = pdu[offset + 1];
  if (digits === undefined || type === undefined) return undefined;
  const octets = Math.ceil(digits / 2);
  const value = pdu.subarray(offset + 2, offset + 2 + octets);
  if (value.length !== octets) return undefined;
  const next = offset + 2 + octets;
  if (((type >> 4) & 0x07) === TON_ALPHANUMERIC) {
    // The length counts semi-octets; the name is packed GSM-7 (3GPP TS 23.040 §9.1.2.5).
    const septets = unpackSeptets(value, Math.floor((digits * 4) / 7));
    return septets === undefined ? undefined : { address: fromGsm7Septets(septets), type, next };
  }
  const number = decodeBcd(value, digits);
  return number === undefined ? undefined : { address: withPlus(number, type), type, next };
}

/** Reads the SMSC address that starts every PDU from the modem; length 0 means "none". */
export function decodeSmscAddress(pdu: Uint8Array): { address?: string; next: number } | undefined {
  const length = pdu[0];
  if (length === undefined) return undefined;
  if (length === 0) return { next: 1 };
  const type = pdu[1];
  const value = pdu.subarray(2, 1 + length);
  if (type === undefined || value.length !== length - 1) return undefined;
  const number = decodeBcd(value, value.length * 2);
  return number === undefined ? undefined : { address: withPlus(number, type), next: 1 + length };
}

/**
 * Encodes a TP-DA. `+` and digits become an international number (0x91); digits alone keep type
 * 0x81, so `000` stays the short code `000` (node-pdu 2.1.1 makes it the international number `0`).
 * Undefined for anything else: we never guess a destination.
 */
export function encodeTpAddress(number: string): Uint8Array | undefined {
  const match = /^(\+?)(\d{1,20})$/.exec(number);
  if (match === null) return undefined;
  const [, plus, digits = ''] = match;
  const octets = new Uint8Array(2 + Math.ceil(digits.length / 2));
  octets[0] = digits.length;
  octets[1] = plus === '+' ? TOA_INTERNATIONAL : TOA_UNKNOWN;
  for (let i = 0; i < digits.length; i += 2) {
    const first = Number(digits[i]);
    const second = i + 1 < digits.length ? Number(digits[i + 1]) : 0xf;
    octets[2 + i / 2] = (second << 4) | first;
  }
  return octets;
}

function decodeBcd(octets: Uint8Array, digits: number): string | undefined {
  let text = '';
  for (let i = 0; i < digits; i += 1) {
    const octet = octets[i >> 1] ?? 0xff;
    const nibble = i % 2 === 0 ? octet & 0x0f : octet >> 4;
    if (nibble === 0xf) {
      // The filler may only pad the last semi-octet (odd digit counts, or SMSC lengths in octets).
      if (i === digits - 1) break;
      return undefined;
    }
    text += BCD.charAt(nibble);
  }
  return text;
}

function withPlus(number: string, type: number): string {
  return ((type >> 4) & 0x07) === TON_INTERNATIONAL && number !== '' ? `+${number}` : number;
}
