import type { AtResponse } from '../at/command.js';
import type { IdentityCommand } from './vendors/vendor.js';

/**
 * The ICCID from an identity command's answer (ITU-T E.118: 18–20 characters starting `89`, the
 * telecom industry identifier; the SIM stores it nibble-swapped in EF-ICCID, ETSI TS 102 221 §13.2).
 * Accepted: the answer on the line with the command's prefix (or the first bare line when the
 * prefix is ''), quoted or not, a trailing `F` filler (dropped), hex digits in the account part
 * (some issuers use them), and a nibble-swapped answer (`98…`, the bytes as stored), which is put
 * back in order. Anything else is not an ICCID: undefined.
 */
export function decodeIccid(response: AtResponse, command: IdentityCommand): string | undefined {
  const line = response.lines.map((l) => l.trim()).find((l) => (command.prefix === '' ? l !== '' : l.toUpperCase().startsWith(command.prefix.toUpperCase())));
  if (line === undefined) return undefined;
  const raw = line.slice(command.prefix.length).trim().replace(/^"|"$/g, '').toUpperCase();
  if (!/^[0-9A-F]{18,20}$/.test(raw)) return undefined;
  const ordered = raw.startsWith('98') ? swapNibbles(raw) : raw;
  const iccid = ordered.replace(/F+$/, '');
  return /^89[0-9A-F]{16,18}$/.test(iccid) ? iccid : undefined;
}

/** `9844…` → `8944…`: each pair of characters exchanged (an odd last one stays). */
function swapNibbles(text: string): string {
  let out = '';
  for (let i = 0; i + 1 < text.length; i += 2) out += text[i + 1]! + text[i]!;
  return text.length % 2 ? out + text[text.length - 1]! : out;
}
