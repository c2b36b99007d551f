/**
 * Unsolicited result codes: a registry of patterns (ModemManager registers URC handlers by regex and
 * they take their lines before the response parser sees them; warthog618/modem keeps a map of
 * prefix → handler with a count of trailing lines). Each spec turns a line, plus its trailing lines
 * (`+CMT:` and PDU-mode `+CDS:` carry a second line: 3GPP TS 27.005 §3.4.1), into a typed event.
 */
import { parseRegistration } from './registration.js';
import { textBodyRule, type TrailingRule } from './text-body.js';

export type Urc =
  | { type: 'CMTI' | 'CDSI'; storage: string; index: number; line: string }
  | { type: 'CMT' | 'CDS'; header: string; data?: string; line: string }
  | { type: 'RING'; line: string }
  /** `stat` is NaN when the report's `<stat>` is empty or not a number. */
  | { type: RegistrationType; stat: number; lac?: string; ci?: string; act?: number; line: string }
  | { type: 'CPIN'; state: string; line: string }
  | { type: 'CFUN'; fun: number; line: string }
  /** The modem (re)started or finished a boot stage: RDY, SMS DONE, SMS Ready, PB DONE, Call Ready… */
  | { type: 'BOOT'; stage: BootStage; line: string }
  /** SMS storage is full: each vendor's indication (docs/modem-behaviour.md §4). */
  | { type: 'SMS_FULL'; storage?: string; line: string }
  /** Known noise (^RSSI, ^MODE, +ZDONR, +QUSIM, +CUSD…), typed by its prefix. */
  | { type: 'VENDOR'; prefix: string; value: string; line: string }
  | { type: 'unknown'; line: string };

export type UrcType = Urc['type'];
export type RegistrationType = 'CREG' | 'CEREG' | 'CGREG' | 'C5GREG';
export type BootStage = 'ready' | 'sms-ready' | 'phonebook-ready' | 'call-ready';

export interface UrcSpec {
  readonly name: string;
  readonly pattern: RegExp;
  /** The lines after this one that belong to it: a count or a text-mode `<length>` (may depend on the line itself). */
  readonly trailingLines?: TrailingRule | ((line: string) => TrailingRule);
  /**
   * What a trailing line of this header must look like. One that does not fit is not its data: the
   * URC is given up (reported as `unknown`) and the line routed as usual, so a command's `OK` is never
   * swallowed by a PDU-mode `+CMT: ,24` whose PDU did not come (docs/modem-behaviour.md §2).
   */
  readonly trailingLineFits?: (header: string, line: string) => boolean;
  readonly parse: (match: RegExpExecArray, line: string, trailing: readonly string[]) => Urc;
}


const storageIndex = (type: 'CMTI' | 'CDSI') => (m: RegExpExecArray, line: string): Urc => ({
  type,
  storage: (m[1] ?? '').toUpperCase(),
  index: Number(m[2]),
  line,
});

const registration = (type: RegistrationType) => (m: RegExpExecArray, line: string): Urc => {
  // Unsolicited: `<stat>[,…]`, with the quirks src/at/registration.ts reads (a repeated <n>, extra fields).
  const report = parseRegistration(m[1] ?? '', 'unsolicited');
  const urc: Urc = { type, stat: report.stat ?? Number.NaN, line };
  if (report.lac !== undefined) urc.lac = report.lac;
  if (report.ci !== undefined) urc.ci = report.ci;
  if (report.act !== undefined) urc.act = report.act;
  return urc;
};

const PDU_CMT_HEADER = /^\+CMT:\s*("[^"]*")?\s*,\s*\d+\s*$/;
// NUL padding around it is the channel's to drop (the framer keeps NULs).
const HEX_LINE = /^[\s\x00]*[0-9A-Fa-f]+[\s\x00]*$/;

export const STANDARD_URCS: readonly UrcSpec[] = [
  // Storage names are quoted per 27.005 §3.4.1, but accept them bare too.
  { name: '+CMTI', pattern: /^\+CMTI:\s*"?([A-Za-z]{2})"?\s*,\s*(\d+)\s*$/, parse: storageIndex('CMTI') },
  { name: '+CDSI', pattern: /^\+CDSI:\s*"?([A-Za-z]{2})"?\s*,\s*(\d+)\s*$/, parse: storageIndex('CDSI') },
  {
    name: '+CMT',
    pattern: /^\+CMT:\s*(.*)$/,
    // PDU mode: `+CMT: [<alpha>],<length>` then the PDU line, which is hex. Text mode: the body, over
    // as many lines as its `<length>` spans with AT+CSDH=1 (src/at/text-body.ts), else one line; any text.
    trailingLines: (line) => textBodyRule(line, '+CMT'),
    trailingLineFits: (header, line) => !PDU_CMT_HEADER.test(header) || HEX_LINE.test(line),
    parse: (m, line, trailing) => ({ type: 'CMT', header: (m[1] ?? '').trim(), data: trailing.join('\n'), line }),
  },
  {
    name: '+CDS',
    pattern: /^\+CDS:\s*(.*)$/,
    // PDU mode: `+CDS: <length>` (ZTE: `+CDS: ,<length>`) then the PDU line; text mode is one line.
    trailingLines: (line) => (/^\+CDS:\s*,?\s*\d+\s*$/.test(line.trim()) ? 1 : 0),
    trailingLineFits: (_header, line) => HEX_LINE.test(line),
    parse: (m, line, trailing) => {
      const urc: Urc = { type: 'CDS', header: (m[1] ?? '').trim(), line };
      if (trailing[0] !== undefined) urc.data = trailing[0];
      return urc;
    },
  },
  { name: 'RING', pattern: /^(RING|\+CRING:.*)$/, parse: (_m, line) => ({ type: 'RING', line }) },
  { name: '+CREG', pattern: /^\+CREG:\s*(\d.*)$/, parse: registration('CREG') },
  { name: '+CEREG', pattern: /^\+CEREG:\s*(\d.*)$/, parse: registration('CEREG') },
  { name: '+CGREG', pattern: /^\+CGREG:\s*(\d.*)$/, parse: registration('CGREG') },
  { name: '+C5GREG', pattern: /^\+C5GREG:\s*(\d.*)$/, parse: registration('C5GREG') },
  { name: '+CPIN', pattern: /^\+CPIN:\s*"?([^"]+)"?\s*$/, parse: (m, line) => ({ type: 'CPIN', state: (m[1] ?? '').trim(), line }) },
  { name: '+CFUN', pattern: /^\+CFUN:\s*(\d+)\s*$/, parse: (m, line) => ({ type: 'CFUN', fun: Number(m[1]), line }) },
  // Reports 27.007 defines that mean nothing to SMS: USSD (§7.15), indicator events (§8.10), time
  // zone (§8.41), packet-domain events (§10.1.19). Vendors' own lines live in src/modem/vendors/.
  {
    name: '27.007 reports',
    pattern: /^(\+CUSD|\+CIEV|\+CTZV|\+CTZE|\+CGEV):\s*(.*)$/,
    parse: (m, line) => ({ type: 'VENDOR', prefix: m[1] ?? '', value: (m[2] ?? '').trim(), line }),
  },
];

export interface UrcMatch {
  spec: UrcSpec;
  match: RegExpExecArray;
  trailingLines: TrailingRule;
}

/**
 * An ordered list of URC specs, tried first to last. The default holds the 3GPP ones; a channel to a
 * real modem gets every vendor's too (src/modem/profiles.ts, `modemUrcs`).
 */
export class UrcRegistry {
  readonly #specs: UrcSpec[];

  constructor(specs: readonly UrcSpec[] = STANDARD_URCS) {
    this.#specs = [...specs];
  }

  match(line: string): UrcMatch | undefined {
    const text = line.trim();
    for (const spec of this.#specs) {
      const match = spec.pattern.exec(text);
      if (!match) continue;
      const trailing = spec.trailingLines;
      return { spec, match, trailingLines: typeof trailing === 'function' ? trailing(text) : (trailing ?? 0) };
    }
    return undefined;
  }
}
