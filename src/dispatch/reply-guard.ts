/**
 * Replies must fit one SMS (160 GSM-7 septets, 3GPP TS 23.038 §6.2.1). A handler's reply that does
 * not fit is never cut: it becomes an error outcome with a short error reply. Only the error replies
 * the dispatcher writes itself are made to fit, by `fitText`, because they embed text we do not
 * control (an exception message, a user's verb).
 */
import { checkSmsText, countSeptets, MAX_GSM7_SEPTETS } from '../sms/gsm7.js';

export type GuardedReply =
  | { ok: true; reply: string }
  | { ok: false; status: 'reply-too-long' | 'error'; error: string; reply: string };

export function guardReply(reply: string, maxSeptets: number = MAX_GSM7_SEPTETS): GuardedReply {
  const check = checkSmsText(reply, { maxSeptets });
  if (check.ok) return { ok: true, reply };
  if (check.reason === 'too-long') {
    return { ok: false, status: 'reply-too-long', error: check.message, reply: fitText(`ERR reply too long (${check.units ?? '?'} septets)`, maxSeptets) };
  }
  // The guard's message quotes the character itself, which by definition cannot be sent: name its code point.
  const what = check.reason === 'control-char' ? 'control character ' : '';
  const where = check.position === undefined ? '' : ` at position ${check.position}`;
  return { ok: false, status: 'error', error: check.message, reply: fitText(`ERR reply not encodable: ${what}${codePoint(check.char)}${where}`, maxSeptets) };
}

/**
 * Makes a text we compose fit: line breaks become spaces, characters GSM-7 cannot carry become `?`,
 * and the end is cut (no ellipsis: `…` is not GSM-7) so the whole stays within `maxSeptets`;
 * trailing spaces left by the cut are dropped.
 */
export function fitText(text: string, maxSeptets: number = MAX_GSM7_SEPTETS): string {
  let out = '';
  let used = 0;
  for (const raw of text) {
    const char = raw === '\r' || raw === '\n' ? ' ' : checkSmsText(raw).ok ? raw : '?';
    const cost = countSeptets(char) ?? 1;
    if (used + cost > maxSeptets) break;
    out += char;
    used += cost;
  }
  return out.trimEnd();
}

function codePoint(char: string | undefined): string {
  if (char === undefined) return 'a character';
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
