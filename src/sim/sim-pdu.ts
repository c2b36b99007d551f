/**
 * The simulator's own TPDU codec (3GPP TS 23.040 §9.2): builds SMS-DELIVER and
 * SMS-STATUS-REPORT, builds and parses SMS-SUBMIT. Written by hand rather than with node-pdu,
 * whose encoder turns the address "000" into an international "0" and splits GSM-7 at 133
 * characters; the driver uses node-pdu, so the simulator checking it with the same library
 * would test it against itself.
 */
import { fromSeptets, packSeptets, toSeptets, unpackSeptets } from './gsm7.js';

export type SmsEncoding = 'gsm7' | 'ucs2' | '8bit';

/** Type-of-address (23.040 §9.1.2.5): 0x91 international, 0x81 unknown/ISDN, 0xD0 alphanumeric. */
export function typeOfAddress(address: string): number {
  if (address.startsWith('+')) return 0x91;
  if (/^[0-9*#]*$/.test(address)) return 0x81;
  return 0xd0;
}

const swapBcd = (digits: string): Buffer => {
  const padded = digits.length % 2 ? digits + 'F' : digits;
  const out = Buffer.alloc(padded.length / 2);
  for (let i = 0; i < padded.length; i += 2) out[i / 2] = parseInt(padded[i + 1]! + padded[i]!, 16);
  return out;
};

const unswapBcd = (octets: Buffer, digits: number): string => {
  let out = '';
  for (const octet of octets) out += (octet & 0x0f).toString(16) + (octet >> 4).toString(16);
  return out
    .slice(0, digits)
    .toUpperCase()
    .replace(/A/g, '*')
    .replace(/B/g, '#');
};

/** TP-OA/TP-DA/TP-RA: length in semi-octets, TOA, digits (23.040 §9.1.2.5). */
export function encodeAddress(address: string): Buffer {
  const toa = typeOfAddress(address);
  if (toa === 0xd0) {
    const septets = toSeptets(address);
    const packed = packSeptets(septets);
    return Buffer.concat([Buffer.from([Math.ceil((septets.length * 7) / 4), toa]), packed]);
  }
  const digits = address.replace(/^\+/, '').replace(/\*/g, 'A').replace(/#/g, 'B');
  return Buffer.concat([Buffer.from([digits.length, toa]), swapBcd(digits)]);
}

/** RP SC address as it prefixes a PDU (24.011 §8.2.5.1): length in octets incl. TOA. */
export function encodeSmsc(address: string): Buffer {
  if (address === '') return Buffer.from([0]);
  const digits = address.replace(/^\+/, '');
  const body = Buffer.concat([Buffer.from([typeOfAddress(address)]), swapBcd(digits)]);
  return Buffer.concat([Buffer.from([body.length]), body]);
}

/** 7-octet TP-SCTS/TP-DT: local time at the SC plus the offset in signed quarter hours (23.040 §9.2.3.11). */
export function encodeTimestamp(instant: Date, tzQuarters: number): Buffer {
  const local = new Date(instant.getTime() + tzQuarters * 15 * 60_000);
  const two = (n: number) => n.toString().padStart(2, '0');
  const fields = [
    local.getUTCFullYear() % 100,
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
  ];
  const tz = swapBcd(two(Math.abs(tzQuarters)))[0]! | (tzQuarters < 0 ? 0x08 : 0);
  return Buffer.concat([swapBcd(fields.map(two).join('')), Buffer.from([tz])]);
}

export interface UserData {
  septetsOrOctets: number;
  bytes: Buffer;
}

export function encodeUserData(text: string, encoding: SmsEncoding, udh?: Buffer): UserData {
  const header = udh ?? Buffer.alloc(0);
  if (encoding === 'gsm7') {
    // The header fills whole septets: its octets, then fill bits up to a septet boundary (23.040 §9.2.3.24).
    const headerSeptets = Math.ceil((header.length * 8) / 7);
    const fillBits = headerSeptets * 7 - header.length * 8;
    const septets = toSeptets(text);
    const packed = packSeptets(septets, fillBits);
    return { septetsOrOctets: headerSeptets + septets.length, bytes: Buffer.concat([header, packed]) };
  }
  const body = encoding === 'ucs2' ? Buffer.from(text, 'utf16le').swap16() : Buffer.from(text, 'latin1');
  return { septetsOrOctets: header.length + body.length, bytes: Buffer.concat([header, body]) };
}

/** A concatenation header, 8-bit reference (23.040 §9.2.3.24.1): UDHL, IEI 0x00, IEDL 3, ref, total, seq. */
export function concatHeader(part: { ref: number; total: number; seq: number }): Buffer {
  return Buffer.from([5, 0x00, 3, part.ref & 0xff, part.total, part.seq]);
}

export const dcsFor = (encoding: SmsEncoding): number => (encoding === 'gsm7' ? 0x00 : encoding === 'ucs2' ? 0x08 : 0x04);

export interface DeliverFields {
  smsc: string;
  from: string;
  text: string;
  encoding: SmsEncoding;
  scts: Date;
  tzQuarters: number;
  /** One part of a concatenated message: a user-data header and TP-UDHI (23.040 §9.2.3.23). */
  part?: { ref: number; total: number; seq: number };
}

/** TP-MTI 00 with TP-MMS set ("no more messages"), plus TP-UDHI (0x40) when a header leads the user data. */
export const deliverFirstOctet = (part: DeliverFields['part']): number => (part ? 0x44 : 0x04);

/** SMSC + SMS-DELIVER TPDU. */
export function buildDeliver(fields: DeliverFields): { pdu: Buffer; tpduLength: number } {
  const ud = encodeUserData(fields.text, fields.encoding, fields.part ? concatHeader(fields.part) : undefined);
  const tpdu = Buffer.concat([
    Buffer.from([deliverFirstOctet(fields.part)]),
    encodeAddress(fields.from),
    Buffer.from([0x00, dcsFor(fields.encoding)]),
    encodeTimestamp(fields.scts, fields.tzQuarters),
    Buffer.from([ud.septetsOrOctets]),
    ud.bytes,
  ]);
  return { pdu: Buffer.concat([encodeSmsc(fields.smsc), tpdu]), tpduLength: tpdu.length };
}

export interface StatusReportFields {
  smsc: string;
  mr: number;
  recipient: string;
  scts: Date;
  dt: Date;
  tzQuarters: number;
  /** TP-ST (23.040 §9.2.3.15): 0 = received by the SME. */
  st: number;
}

/** SMSC + SMS-STATUS-REPORT TPDU; fo 0x06 = MTI 10 with TP-MMS set. */
export function buildStatusReport(fields: StatusReportFields): { pdu: Buffer; tpduLength: number } {
  const tpdu = Buffer.concat([
    Buffer.from([0x06, fields.mr & 0xff]),
    encodeAddress(fields.recipient),
    encodeTimestamp(fields.scts, fields.tzQuarters),
    encodeTimestamp(fields.dt, fields.tzQuarters),
    Buffer.from([fields.st]),
  ]);
  return { pdu: Buffer.concat([encodeSmsc(fields.smsc), tpdu]), tpduLength: tpdu.length };
}

export interface SubmitFields {
  to: string;
  text: string;
  encoding: SmsEncoding;
  fo: number;
  vp: number;
  mr: number;
}

/** Default SMSC (00) + SMS-SUBMIT, for text-mode messages stored with AT+CMGW and read in PDU mode. */
export function buildSubmit(fields: SubmitFields): { pdu: Buffer; tpduLength: number } {
  const ud = encodeUserData(fields.text, fields.encoding);
  const fo = (fields.fo & ~0x03) | 0x01;
  const hasRelativeVp = ((fo >> 3) & 3) === 2;
  const tpdu = Buffer.concat([
    Buffer.from([fo & ~0x40, fields.mr & 0xff]),
    encodeAddress(fields.to),
    Buffer.from([0x00, dcsFor(fields.encoding)]),
    hasRelativeVp ? Buffer.from([fields.vp & 0xff]) : Buffer.alloc(0),
    Buffer.from([ud.septetsOrOctets]),
    ud.bytes,
  ]);
  return { pdu: Buffer.concat([Buffer.from([0]), tpdu]), tpduLength: tpdu.length };
}

export interface ParsedSubmit {
  fo: number;
  mr: number;
  to: string;
  toa: number;
  pid: number;
  dcs: number;
  encoding: SmsEncoding;
  text: string;
  statusReportRequested: boolean;
  /** From a concatenation UDH IE (23.040 §9.2.3.24.1), when present. */
  part?: { ref: number; total: number; seq: number };
}

export type SubmitParse = { ok: true; submit: ParsedSubmit } | { ok: false; reason: string };

function encodingOfDcs(dcs: number): SmsEncoding {
  // 23.038 §4: general data coding groups 00xx and the F0 group; everything else as GSM-7.
  if ((dcs & 0xc0) === 0x00) return (['gsm7', '8bit', 'ucs2', 'gsm7'] as const)[(dcs >> 2) & 3]!;
  if ((dcs & 0xf0) === 0xf0) return dcs & 0x04 ? '8bit' : 'gsm7';
  if ((dcs & 0xf0) === 0xe0) return 'ucs2';
  return 'gsm7';
}

/** Parses a TPDU (no SMSC prefix) that must be an SMS-SUBMIT. */
export function parseSubmit(tpdu: Buffer): SubmitParse {
  try {
    let at = 0;
    const take = (n: number): Buffer => {
      if (at + n > tpdu.length) throw new Error('PDU too short');
      const slice = tpdu.subarray(at, at + n);
      at += n;
      return slice;
    };
    const fo = take(1)[0]!;
    if ((fo & 0x03) !== 0x01) return { ok: false, reason: 'not an SMS-SUBMIT' };
    const mr = take(1)[0]!;
    const daDigits = take(1)[0]!;
    const toa = take(1)[0]!;
    const daOctets = take(Math.ceil(daDigits / 2));
    const to =
      (toa & 0x70) === 0x50
        ? fromSeptets(unpackSeptets(daOctets, Math.floor((daDigits * 4) / 7)))
        : ((toa & 0x70) === 0x10 ? '+' : '') + unswapBcd(daOctets, daDigits);
    const pid = take(1)[0]!;
    const dcs = take(1)[0]!;
    const vpf = (fo >> 3) & 3;
    take(vpf === 2 ? 1 : vpf === 0 ? 0 : 7);
    const udl = take(1)[0]!;
    const rest = tpdu.subarray(at);
    const encoding = encodingOfDcs(dcs);
    let headerOctets = 0;
    let part: ParsedSubmit['part'];
    if (fo & 0x40) {
      headerOctets = (rest[0] ?? 0) + 1;
      part = concatenation(rest.subarray(1, headerOctets));
    }
    let text: string;
    if (encoding === 'gsm7') {
      const headerSeptets = Math.ceil((headerOctets * 8) / 7);
      const fillBits = headerSeptets * 7 - headerOctets * 8;
      if (Math.ceil((udl * 7) / 8) > rest.length) return { ok: false, reason: 'user data shorter than TP-UDL' };
      text = fromSeptets(unpackSeptets(rest.subarray(headerOctets), udl - headerSeptets, fillBits));
    } else {
      if (udl > rest.length) return { ok: false, reason: 'user data shorter than TP-UDL' };
      const body = rest.subarray(headerOctets, udl);
      text = encoding === 'ucs2' ? Buffer.from(body).swap16().toString('utf16le') : body.toString('latin1');
    }
    const submit: ParsedSubmit = { fo, mr, to, toa, pid, dcs, encoding, text, statusReportRequested: (fo & 0x20) !== 0 };
    if (part) submit.part = part;
    return { ok: true, submit };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

function concatenation(udh: Buffer): ParsedSubmit['part'] {
  for (let i = 0; i + 1 < udh.length; i += 2 + udh[i + 1]!) {
    const iei = udh[i]!;
    const value = udh.subarray(i + 2, i + 2 + udh[i + 1]!);
    if (iei === 0x00 && value.length === 3) return { ref: value[0]!, total: value[1]!, seq: value[2]! };
    if (iei === 0x08 && value.length === 4) return { ref: value.readUInt16BE(0), total: value[2]!, seq: value[3]! };
  }
  return undefined;
}

/** Splits "SMSC + TPDU" as the host sent it after AT+CMGS=<length> (27.005 §3.5.1). */
export function splitSmsc(pdu: Buffer, tpduLength: number): Buffer | undefined {
  const smscLength = pdu[0];
  if (smscLength !== undefined && pdu.length === 1 + smscLength + tpduLength) return pdu.subarray(1 + smscLength);
  return undefined;
}
