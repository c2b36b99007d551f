/**
 * The TE character set chosen with AT+CSCS (3GPP TS 27.007 §5.5): how text and addresses
 * travel between host and modem in text mode.
 */
import { fromSeptets, toSeptets } from './gsm7.js';

export type Charset = 'GSM' | 'IRA' | 'UCS2' | '8859-1';
export const CHARSETS: readonly Charset[] = ['IRA', 'GSM', 'UCS2', '8859-1'];

export function parseCharset(name: string): Charset | undefined {
  const upper = name.toUpperCase();
  return CHARSETS.find((c) => c === upper);
}

/** Text → the bytes the modem puts on the wire (as a latin1 string). */
export function encodeForHost(text: string, charset: Charset): string {
  switch (charset) {
    case 'UCS2':
      return ucs2Hex(text);
    case 'GSM':
      // "GSM 7 bit default alphabet" as raw codes: '@' really is 0x00 (quirks §3).
      return String.fromCharCode(...toSeptets(text));
    case 'IRA':
      return [...text].map((ch) => (ch.charCodeAt(0) < 0x80 ? ch : '?')).join('');
    case '8859-1':
      return [...text].map((ch) => (ch.charCodeAt(0) < 0x100 ? ch : '?')).join('');
  }
}

/** Bytes the host typed (latin1 string) → text; undefined when malformed (e.g. bad UCS2 hex). */
export function decodeFromHost(raw: string, charset: Charset): string | undefined {
  switch (charset) {
    case 'UCS2':
      return fromUcs2Hex(raw);
    case 'GSM':
      return fromSeptets([...raw].map((ch) => ch.charCodeAt(0) & 0x7f));
    case 'IRA':
    case '8859-1':
      return raw;
  }
}

export function ucs2Hex(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return out;
}

export function fromUcs2Hex(hex: string): string | undefined {
  if (hex.length % 4 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  let out = '';
  for (let i = 0; i < hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return out;
}

export function toHex(bytes: Buffer): string {
  return bytes.toString('hex').toUpperCase();
}

export function fromHex(hex: string): Buffer | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}
