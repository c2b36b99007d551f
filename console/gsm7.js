// The 160 rule as the form shows it while you type (3GPP TS 23.038 §6.2.1): basic-table characters
// cost one septet, extension-table ones two. The API decides (src/sms/gsm7.ts); this only warns early.

const BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const EXTENSION = new Set('\f^{}\\[~]|€');
export const LIMIT = 160;

/** { septets, unsendable }: the septets the text needs, and the first character GSM-7 lacks (or null). */
export function measure(text) {
  let septets = 0;
  for (const char of text) {
    if (BASIC.has(char)) septets += 1;
    else if (EXTENSION.has(char)) septets += 2;
    else return { septets, unsendable: char };
  }
  return { septets, unsendable: null };
}
