/** Hex and UCS2 helpers shared by the text-mode and PDU parsers. */

/** Upper-case hex of the bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** Bytes of an even-length hex string, or undefined when it is not one (never a partial result). */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) return undefined;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** True for a non-empty string of whole UCS2 code units in hex (4 hex digits each). */
export function isUcs2Hex(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && /^[0-9A-Fa-f]+$/.test(text);
}

/** Big-endian UTF-16 bytes → text (3GPP TS 23.038 §6.2.3; surrogate pairs pass through as UTF-16). Undefined for an odd length. */
export function decodeUcs2(bytes: Uint8Array): string | undefined {
  if (bytes.length % 2 !== 0) return undefined;
  let text = '';
  for (let i = 0; i < bytes.length; i += 2) text += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return text;
}

/** Text → big-endian UTF-16 bytes. */
export function encodeUcs2(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit >> 8;
    bytes[2 * i + 1] = unit & 0xff;
  }
  return bytes;
}
