/**
 * The alphabet a TP-Data-Coding-Scheme octet selects (3GPP TS 23.038 §4). It lives with the AT
 * layer because framing needs it: a text-mode body is hex when the alphabet is 8-bit or UCS2
 * (27.005 §3.1 <data>), and that decides how many characters the body spans (src/at/text-body.ts).
 */
export type SmsEncoding = 'gsm7' | '8bit' | 'ucs2';

/** Reserved alphabets are read as GSM-7, as §4 asks; compressed text (which nobody implements) is kept as bytes so nothing is lost. */
export function dcsEncoding(dcs: number): SmsEncoding {
  const group = dcs >> 4;
  if (group <= 0x7) {
    // General data coding / automatic deletion groups: bit 5 = compressed, bits 3–2 = alphabet.
    if (dcs & 0x20) return '8bit';
    const alphabet = (dcs >> 2) & 0x03;
    return alphabet === 1 ? '8bit' : alphabet === 2 ? 'ucs2' : 'gsm7';
  }
  if (group === 0xe) return 'ucs2'; // message waiting indication, store, UCS2
  // Data coding / message class: bit 2 is 8-bit or GSM-7, bit 3 is reserved. A sender that sets bit 3
  // means UCS2 as in the general group (bits 3–2 = 10): 0xF9 carrying UCS2 comes from the field
  // (gammu's tests/at-sms/14.dump, `Тест Test`), and no GSM-7 reading of it adds up
  // (fixtures/field/README.md, "DCS 0xF8–0xFB").
  if (group === 0xf) return dcs & 0x08 ? (((dcs >> 2) & 0x03) === 2 ? 'ucs2' : '8bit') : dcs & 0x04 ? '8bit' : 'gsm7';
  return 'gsm7'; // 0x8–0xB reserved, 0xC–0xD message waiting indication in GSM-7
}
