/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1 and §6.2.1.1),
 * as lookups between Unicode characters and septet codes. The guard (gsm7.ts) and the PDU codec use it.
 */
import { BridgeError } from '../errors.js';

/** Escape to the extension table (3GPP TS 23.038 §6.2.1.1): the next septet is read from it. */
export const GSM7_ESCAPE = 0x1b;

/**
 * Basic table, index = septet code. 0x1B is the escape, never a character of its own.
 * 0x09 is capital Ç (the spec's table; small ç is not in the alphabet).
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table: septet after ESC → character. Each costs two septets (ESC + code). */
const EXTENSION: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const basicCode = new Map<string, number>();
for (let code = 0; code < BASIC.length; code += 1) {
  if (code !== GSM7_ESCAPE) basicCode.set(BASIC.charAt(code), code);
}
const extensionCode = new Map<string, number>([...EXTENSION].map(([code, char]) => [char, code]));

/** The septets one character needs: `[code]`, `[0x1B, code]`, or undefined when GSM-7 cannot carry it. */
export function gsm7Codes(char: string): readonly number[] | undefined {
  const basic = basicCode.get(char);
  if (basic !== undefined) return [basic];
  const extension = extensionCode.get(char);
  return extension === undefined ? undefined : [GSM7_ESCAPE, extension];
}

/** True for the characters that live in the extension table (they cost 2 septets). */
export function isGsm7Extension(char: string): boolean {
  return extensionCode.has(char);
}

/** Basic-table code of a character, or undefined. */
export function gsm7BasicCode(char: string): number | undefined {
  return basicCode.get(char);
}

/**
 * Text → septet codes, extension characters as ESC + code.
 * Throws `SMS_UNENCODABLE` rather than substituting: run the guard first for a friendly message.
 */
export function toGsm7Septets(text: string): number[] {
  const septets: number[] = [];
  let position = 0;
  for (const char of text) {
    const codes = gsm7Codes(char);
    if (codes === undefined) {
      throw new BridgeError('SMS_UNENCODABLE', `${describeChar(char)} at position ${position} cannot be sent in GSM-7`);
    }
    septets.push(...codes);
    position += char.length;
  }
  return septets;
}

/**
 * Septet codes → text. An ESC followed by a code the extension table does not define shows the
 * basic-table character instead, as 3GPP TS 23.038 §6.2.1.1 asks of a receiver; a trailing lone
 * ESC is dropped (it carries nothing).
 */
export function fromGsm7Septets(codes: readonly number[]): string {
  let text = '';
  for (let i = 0; i < codes.length; i += 1) {
    const code = (codes[i] ?? 0) & 0x7f;
    if (code !== GSM7_ESCAPE) {
      text += BASIC.charAt(code);
      continue;
    }
    i += 1;
    const next = codes[i];
    if (next === undefined) break;
    text += EXTENSION.get(next & 0x7f) ?? (next === GSM7_ESCAPE ? ' ' : BASIC.charAt(next & 0x7f));
  }
  return text;
}

/** `'😀' (U+1F600)`: the character and its code point(s), for error messages. */
export function describeChar(char: string): string {
  const points = [...char].map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
  // A lone surrogate or a control character would garble the message, so those show only the code point.
  const printable = /^[\p{L}\p{N}\p{P}\p{S}]+$/u.test(char) && !/^[\uD800-\uDFFF]$/.test(char);
  return printable ? `'${char}' (${points.join(' ')})` : points.join(' ');
}
