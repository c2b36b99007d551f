/** `<stat>` of 3GPP TS 27.005 §3.1: text in text mode, 0–3 in PDU mode; both become an SmsStatus. */
import type { AtField } from '../at/at-fields.js';
import type { SmsStatus } from './types.js';

const BY_NUMBER: readonly SmsStatus[] = ['REC UNREAD', 'REC READ', 'STO UNSENT', 'STO SENT'];

/** Undefined when the field is neither a known name nor 0–3. */
export function parseStat(field: AtField): SmsStatus | undefined {
  const value = field.value.trim().toUpperCase();
  if (/^\d+$/.test(value)) return BY_NUMBER[Number(value)];
  return BY_NUMBER.find((name) => name === value.replace(/\s+/g, ' '));
}
