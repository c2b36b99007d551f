/**
 * Pure parsers of the answers the session needs (ModemManager: "parsers are pure and tested with
 * tables of real modem output"). Each takes the info values (the text after the prefix).
 */
import { parseRegistration } from '../at/registration.js';

/** +CSQ: <rssi>,<ber> → dBm (3GPP TS 27.007 §8.5: 0 → -113 dBm … 31 → -51 dBm, 99 unknown). */
export function csqToDbm(value: string): number | undefined {
  const rssi = Number(value.split(',')[0]);
  if (!Number.isInteger(rssi) || rssi === 99 || rssi < 0 || rssi > 31) return undefined;
  return -113 + 2 * rssi;
}

export type Registration =
  | 'not-registered'
  | 'home'
  | 'searching'
  | 'denied'
  | 'unknown'
  | 'roaming'
  | 'sms-only'
  | 'emergency'
  | 'restricted-local-services';

/**
 * <stat> of +CREG/+CGREG/+CEREG/+C5GREG (3GPP TS 27.007 §7.2, §10.1.22): 6/7 registered for SMS only
 * (home/roaming), 8 emergency bearer only, 9/10 registered "for CSFB not preferred" (home/roaming:
 * registered all the same, SMS works; only voice fallback differs), 11 attached for access to RLOS.
 */
const REG_STATES: readonly Registration[] = [
  'not-registered',
  'home',
  'searching',
  'denied',
  'unknown',
  'roaming',
  'sms-only',
  'sms-only',
  'emergency',
  'home',
  'roaming',
  'restricted-local-services',
];

export function registrationName(stat: number | undefined): Registration {
  return (stat === undefined ? undefined : REG_STATES[stat]) ?? 'unknown';
}

/** The answer to AT+CREG? (and its siblings) is `<n>,<stat>[,…]` (src/at/registration.ts reads the variants). */
export function parseRegistrationQuery(value: string): Registration {
  return registrationName(parseRegistration(value, 'query').stat);
}

export const isRegistered = (r: Registration) => r === 'home' || r === 'roaming' || r === 'sms-only';

/** +COPS: <mode>[,<format>,<oper>[,<AcT>]] → the operator name, if any. */
export function parseCops(value: string): string | undefined {
  const match = /^\d+,\d+,"([^"]*)"/.exec(value.trim());
  return match?.[1] || undefined;
}

/** +CPIN: <code> → READY, SIM PIN, SIM PUK… (some modems quote it). */
export function parseCpin(value: string): string {
  return value.trim().replace(/^"|"$/g, '').toUpperCase();
}

/** Expands a range list like `(0-2)`, `(0,1,3)`, `(0-1,3)` or `0` into its numbers. */
export function expandRange(text: string): number[] {
  const out: number[] = [];
  for (const part of text.replace(/[()\s]/g, '').split(',')) {
    if (part === '') continue;
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    const end = to === undefined || Number.isNaN(to) ? from : to;
    for (let n = from; n <= end; n++) out.push(n);
  }
  return out;
}

/**
 * Splits the answer to a test command (`AT+CNMI=?`, `AT+CPMS=?`) into its top-level groups,
 * keeping parenthesised lists and quoted strings whole: `("ME","SM"),(0-3)` → `("ME","SM")`, `(0-3)`.
 * Not `splitAtFields` (src/at/at-fields.ts), which splits the values of an information line and
 * refuses unbalanced quotes, because a misread SMS header must fail rather than shift its fields.
 * This one refuses nothing: test answers come in many spellings (nested parentheses, none at all,
 * broken quotes: docs/modem-behaviour.md §4), and a rough split that still shows some of the values
 * the modem takes is worth more than none (the callers fall back to defaults for the rest).
 */
export function splitTestGroups(text: string): string[] {
  const groups: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  // A lost quote (gammu's tests/at-cpms-sr: `(ME", "SR"), …`) would hide every comma after it: with an
  // odd number of quotes they are ignored, as no test answer has commas or parentheses inside quotes.
  const quotesPaired = (text.match(/"/g)?.length ?? 0) % 2 === 0;
  for (const ch of text.trim()) {
    if (ch === '"' && quotesPaired) quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0 && ch === ',') {
      groups.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '' || groups.length > 0) groups.push(current.trim());
  return groups;
}

/** `+CNMI: (0-2),(0-3),(0-3),(0-2),(0-1)` → the values each of the five parameters accepts. */
export function parseCnmiTest(value: string): number[][] {
  return splitTestGroups(value).map(expandRange);
}

export interface CnmiChoice {
  mode: number;
  mt: number;
  bm: number;
  ds: number;
  bfr: number;
}

/**
 * Chooses AT+CNMI settings from what `AT+CNMI=?` offers (3GPP TS 27.005 §3.4.1), best first:
 * mode 2 (buffer URCs while the link is busy) else 1; mt 1 (+CMTI, stored: survives our crash)
 * or 2 (+CMT direct) as asked; ds 1 (+CDS inline) for reports when wanted, else 2 (+CDSI) unless
 * `avoidCdsi`, else 0.
 * Returns candidates in order: some modems advertise mode 2 and reject it (oFono), so the caller
 * falls back to the next one.
 */
export function cnmiCandidates(
  offered: number[][] | undefined,
  want: { delivery: 'store' | 'direct'; statusReports: boolean; avoidCdsi?: boolean },
): CnmiChoice[] {
  const allows = (i: number, v: number) => !offered?.[i] || offered[i]!.length === 0 || offered[i]!.includes(v);
  const modes = [2, 1].filter((m) => allows(0, m));
  const mts = (want.delivery === 'direct' ? [2, 1] : [1, 2]).filter((m) => allows(1, m));
  // A modem whose +CDSI names the wrong storage (Quectel, vendors/quectel.ts) never gets ds=2.
  const dss = (want.statusReports ? (want.avoidCdsi ? [1, 0] : [1, 2, 0]) : [0]).filter((d) => allows(3, d));
  const bm = allows(2, 0) ? 0 : (offered?.[2]?.[0] ?? 0);
  // Cinterion MC75i only accepts bfr=1 (docs/modem-behaviour.md §4).
  const bfr = allows(4, 0) ? 0 : (offered?.[4]?.[0] ?? 0);
  const out: CnmiChoice[] = [];
  for (const mode of modes.length ? modes : [2, 1])
    for (const mt of mts.length ? mts : [1])
      for (const ds of dss.length ? dss : [0]) out.push({ mode, mt, bm, ds, bfr });
  return out;
}

export const cnmiCommand = (c: CnmiChoice) => `AT+CNMI=${c.mode},${c.mt},${c.bm},${c.ds},${c.bfr}`;

/**
 * `+CPMS: ("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")` and variants → the storages
 * each of mem1, mem2, mem3 takes (27.005 §3.2.2), one list per memory, as ModemManager reads them
 * (its test-modem-helpers.c): a bare name is that memory's only storage (Huawei MU609
 * `"ME","MT","SM"`: mem1 ME, mem2 MT, mem3 SM), an empty group or field is none, and the whole
 * answer wrapped once more in parentheses (`(("SM","BM","SR"),("SM"))`) is unwrapped first.
 * A single group stands for every memory (callers take the last list for the memories missing).
 */
export function parseCpmsTest(value: string): string[][] {
  let groups = splitTestGroups(value);
  const only = groups[0];
  if (groups.length === 1 && only !== undefined && /^\(\s*\(/.test(only) && only.endsWith(')')) {
    groups = splitTestGroups(only.slice(1, -1));
  }
  // Names, not two-letter matches: Alcatel lists "SM_P" and "ME_P"; gammu's tests/at-cpms-sr has a lost quote.
  return groups.map((g) =>
    g
      .replace(/[()"\s]/g, '')
      .split(',')
      .filter((name) => /^[A-Za-z][A-Za-z0-9_]*$/.test(name))
      .map((name) => name.toUpperCase()),
  );
}

export interface StorageUse {
  storage?: string;
  used: number;
  total: number;
}

/** `+CPMS: "SM",3,30,"SM",3,30,…` (query) or `+CPMS: 3,30,3,30,3,30` (set) → used/total per memory. */
export function parseCpmsUsage(value: string): StorageUse[] {
  const fields = value.split(',').map((f) => f.trim());
  const out: StorageUse[] = [];
  let i = 0;
  while (i < fields.length) {
    const named = /^"?[A-Za-z]{2}"?$/.test(fields[i] ?? '');
    const storage = named ? unquote(fields[i]!) : undefined;
    if (named) i++;
    const used = Number(fields[i]);
    const total = Number(fields[i + 1]);
    if (!Number.isFinite(used) || !Number.isFinite(total) || fields[i] === '' || fields[i + 1] === undefined) break;
    out.push(storage === undefined ? { used, total } : { storage: storage.toUpperCase(), used, total });
    i += 2;
  }
  return out;
}

function unquote(text: string): string {
  return text.trim().replace(/^"|"$/g, '');
}
