/**
 * TP-User-Data decoding shared by PDU mode and text mode's hex bodies: the data coding scheme
 * (3GPP TS 23.038 §4), the user-data header (3GPP TS 23.040 §9.2.3.24) and the text itself.
 */
import { dcsEncoding } from '../at/data-coding.js';
import { fromGsm7Septets } from './gsm7-alphabet.js';
import { bytesToHex, decodeUcs2 } from './hex.js';
import { unpackSeptets } from './septets.js';
import type { ConcatInfo, SmsEncoding } from './types.js';

export { dcsEncoding };

export interface DecodedUserData {
  text: string;
  encoding: SmsEncoding;
  /** `8bit` only: the bytes after the header. */
  data?: Uint8Array;
  udh?: ConcatInfo;
}

export interface UserDataParams {
  dcs: number;
  /** TP-UDHI (bit 6 of the first octet): the user data starts with a header. */
  udhi: boolean;
  /**
   * TP-User-Data-Length: septets for GSM-7, octets otherwise. Undefined when unknown (text-mode hex
   * bodies without `AT+CSDH=1`): then all the octets are used.
   */
  udl: number | undefined;
}

/** Decodes user-data octets. `fail` is called (and must throw) with a reason when they do not add up. */
export function decodeUserData(ud: Uint8Array, params: UserDataParams, fail: (reason: string) => never): DecodedUserData {
  const encoding = dcsEncoding(params.dcs);
  // TP-UDHI with TP-UDL 0 and no octets: the header it announces is not there, and neither is
  // anything else. Read as the empty message it is (gammu does; ModemManager refuses it): nothing
  // is guessed, since there is nothing to read (fixtures/field/README.md, "UDHI with UDL 0").
  const udhi = params.udhi && !(params.udl === 0 && ud.length === 0);
  const headerOctets = udhi ? headerLength(ud, fail) : 0;
  const udh = udhi ? parseConcat(ud.subarray(1, headerOctets)) : undefined;
  const withUdh = <T extends DecodedUserData>(decoded: T): T => (udh === undefined ? decoded : { ...decoded, udh });

  if (encoding === 'gsm7') {
    const available = Math.floor((ud.length * 8) / 7);
    const count = params.udl ?? available;
    if (count > available) fail(`user data length says ${count} septets but only ${ud.length} octets follow`);
    const septets = unpackSeptets(ud, count) ?? fail('user data too short');
    // The header occupies whole septets: its octets plus fill bits up to a septet boundary.
    const headerSeptets = Math.ceil((headerOctets * 8) / 7);
    if (headerSeptets > count) fail(`user data length ${count} septets is shorter than its ${headerOctets}-octet header`);
    let text = septets.slice(headerSeptets);
    if (params.udl === undefined && (ud.length * 8) % 7 === 0 && (text.at(-1) === 0x0d || text.at(-1) === 0x00)) {
      // Without a length, 7 spare bits at the end read as one more septet: CR padding or zeros (3GPP TS 23.038 §6.1.2.3.1).
      text = text.slice(0, -1);
    }
    return withUdh({ text: fromGsm7Septets(text), encoding });
  }

  const length = params.udl ?? ud.length;
  if (length > ud.length) fail(`user data length says ${length} octets but only ${ud.length} follow`);
  if (length < headerOctets) fail(`user data length ${length} is shorter than its ${headerOctets}-octet header`);
  const body = ud.subarray(headerOctets, length);
  if (encoding === 'ucs2') {
    const text = decodeUcs2(body) ?? fail(`UCS2 user data has an odd number of octets (${body.length})`);
    // Half a surrogate pair is a broken character: refused, as warthog618/modem does, except at the end
    // of a concatenated part, where senders split pairs and the next part holds the other half
    // (fixtures/field/README.md, "UCS2 surrogates").
    const lone = loneSurrogateAt(text);
    if (lone !== undefined && !(udh !== undefined && lone === text.length - 1 && isHighSurrogate(text.charCodeAt(lone)))) {
      fail(`UCS2 text has half a surrogate pair at character ${lone + 1} of ${text.length}`);
    }
    return withUdh({ text, encoding });
  }
  const data = new Uint8Array(body);
  return withUdh({ text: bytesToHex(data), encoding, data });
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** The index of the first UTF-16 unit that is half of a surrogate pair without its other half. */
function loneSurrogateAt(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    else if (isHighSurrogate(unit) || isLowSurrogate(unit)) return i;
  }
  return undefined;
}

/** Octets taken by the header, its length octet included. */
function headerLength(ud: Uint8Array, fail: (reason: string) => never): number {
  const udhl = ud[0];
  if (udhl === undefined || udhl + 1 > ud.length) fail(`user-data header length ${udhl ?? 'missing'} exceeds the ${ud.length} octets of user data`);
  return udhl + 1;
}

/**
 * Finds a concatenation element: IEI 0x00 (8-bit reference) or 0x08 (16-bit reference). Per 3GPP TS
 * 23.040 §9.2.3.24.1 an element whose sequence number is 0 or above the total is ignored, and so are
 * elements we do not know (ports, special SMS indication…). A truncated element ends the walk.
 */
function parseConcat(elements: Uint8Array): ConcatInfo | undefined {
  let concat: ConcatInfo | undefined;
  for (let i = 0; i + 1 < elements.length; ) {
    const iei = elements[i] ?? 0;
    const length = elements[i + 1] ?? 0;
    const value = elements.subarray(i + 2, i + 2 + length);
    if (value.length !== length) break;
    let candidate: ConcatInfo | undefined;
    if (iei === 0x00 && length === 3) candidate = { reference: value[0] ?? 0, total: value[1] ?? 0, sequence: value[2] ?? 0 };
    if (iei === 0x08 && length === 4) candidate = { reference: ((value[0] ?? 0) << 8) | (value[1] ?? 0), total: value[2] ?? 0, sequence: value[3] ?? 0 };
    if (candidate !== undefined && candidate.total > 0 && candidate.sequence > 0 && candidate.sequence <= candidate.total) concat = candidate;
    i += 2 + length;
  }
  return concat;
}
