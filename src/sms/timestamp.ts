/**
 * SMS time stamps → UTC Dates. The network sends local time plus the zone in signed quarter hours
 * (3GPP TS 23.040 §9.2.3.11); text mode prints it as `"yy/MM/dd,hh:mm:ss±zz"` (3GPP TS 27.005 §3.1 <scts>).
 * Real modems vary (docs/modem-behaviour.md §3): 4-digit years, a space instead of the comma, unpadded fields,
 * 1–3 zone digits (`+8`, `+52`, `-32`, `+80`), or no zone at all.
 */

export interface SmsTime {
  /** The instant in UTC. */
  date: Date;
  /** False when the zone was missing: the local time was then taken as UTC. */
  timezoneKnown: boolean;
  /** The zone as sent, in quarter hours east of UTC (undefined when missing). */
  quarterHours?: number;
}

const TEXT_TIMESTAMP = /^(\d{2}|\d{4})\/(\d{1,2})\/(\d{1,2})[, ]\s*(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\s*([+-])(\d{1,3}))?$/;

/** Parses a text-mode time stamp (without its quotes). Undefined when it is not one. */
export function parseTextTimestamp(value: string): SmsTime | undefined {
  const match = TEXT_TIMESTAMP.exec(value.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, sign, zone] = match;
  const quarterHours = zone === undefined ? undefined : (sign === '-' ? -1 : 1) * Number(zone);
  return buildTime(expandYear(Number(year), year?.length ?? 0), Number(month), Number(day), Number(hour), Number(minute), Number(second), quarterHours);
}

/**
 * Decodes the 7 semi-octet time-stamp octets of a PDU (3GPP TS 23.040 §9.2.3.11): digits swapped in
 * each octet; in the zone octet bit 3 is the sign. Undefined when a date or time digit is not 0–9 or the date is
 * impossible; a zone octet that is not BCD gives the time with `timezoneKnown: false`.
 */
export function decodeScts(octets: Uint8Array): SmsTime | undefined {
  if (octets.length !== 7) return undefined;
  const fields: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    const octet = octets[i] ?? 0;
    const low = octet & 0x0f;
    const high = octet >> 4;
    if (low > 9 || high > 9) return undefined;
    fields.push(low * 10 + high);
  }
  const zoneOctet = octets[6] ?? 0;
  const tens = zoneOctet & 0x07;
  const units = zoneOctet >> 4;
  // A zone that is not BCD says nothing about the time before it: keep the time, mark the zone
  // unknown (as a missing zone in text mode) rather than refuse the message or report. Peers decode
  // such stamps too (fixtures/field/README.md, "SCTS zone").
  const quarterHours = units > 9 ? undefined : (zoneOctet & 0x08 ? -1 : 1) * (tens * 10 + units);
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields;
  return buildTime(expandYear(year, 2), month, day, hour, minute, second, quarterHours);
}

/** Two-digit years: 80–99 are 1980–1999 (older test vectors), the rest 2000–2079. */
function expandYear(year: number, digits: number): number {
  if (digits === 4) return year;
  return year >= 80 ? 1900 + year : 2000 + year;
}

function buildTime(year: number, month: number, day: number, hour: number, minute: number, second: number, quarterHours: number | undefined): SmsTime | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February into March; an impossible date is malformed, not a nearby day.
  if (new Date(local).getUTCDate() !== day) return undefined;
  const offsetMs = (quarterHours ?? 0) * 15 * 60 * 1000;
  const time: SmsTime = { date: new Date(local - offsetMs), timezoneKnown: quarterHours !== undefined };
  if (quarterHours !== undefined) time.quarterHours = quarterHours;
  return time;
}
