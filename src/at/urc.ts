/**
 * Unsolicited result codes: a registry of patterns (ModemManager registers URC handlers by regex and
 * they take their lines before the response parser sees them; warthog618/modem keeps a map of
 * prefix → handler with a count of trailing lines). Each spec turns a line, plus its trailing lines
 * (`+CMT:` and PDU-mode `+CDS:` carry a second line: 3GPP TS 27.005 §3.4.1), into a typed event.
 */
export type Urc =
  | { type: 'CMTI' | 'CDSI'; storage: string; index: number; line: string }
  | { type: 'CMT' | 'CDS'; header: string; data?: string; line: string }
  | { type: 'RING'; line: string }
  | { type: 'CREG' | 'CEREG' | 'CGREG'; stat: number; lac?: string; ci?: string; line: string }
  | { type: 'CPIN'; state: string; line: string }
  | { type: 'CFUN'; fun: number; line: string }
  /** The modem (re)started or finished a boot stage: RDY, SMS DONE, SMS Ready, PB DONE, Call Ready… */
  | { type: 'BOOT'; stage: BootStage; line: string }
  /** SMS storage is full: ^SMMEMFULL, +SMS FULL, +QIND: "smsfull" (docs/modem-behaviour.md §4). */
  | { type: 'SMS_FULL'; storage?: string; line: string }
  /** Known vendor noise (^RSSI, ^MODE, +ZDONR, +QUSIM…), typed by its prefix. */
  | { type: 'VENDOR'; prefix: string; value: string; line: string }
  | { type: 'unknown'; line: string };

export type UrcType = Urc['type'];
export type BootStage = 'ready' | 'sms-ready' | 'phonebook-ready' | 'call-ready';

export interface UrcSpec {
  readonly name: string;
  readonly pattern: RegExp;
  /** How many lines after this one belong to it (may depend on the line itself). */
  readonly trailingLines?: number | ((line: string) => number);
  readonly parse: (match: RegExpExecArray, line: string, trailing: readonly string[]) => Urc;
}

const storageIndex = (type: 'CMTI' | 'CDSI') => (m: RegExpExecArray, line: string): Urc => ({
  type,
  storage: (m[1] ?? '').toUpperCase(),
  index: Number(m[2]),
  line,
});

const registration = (type: 'CREG' | 'CEREG' | 'CGREG') => (m: RegExpExecArray, line: string): Urc => {
  const [stat, lac, ci] = (m[1] ?? '').split(',').map((s) => s.trim().replace(/"/g, ''));
  const urc: Urc = { type, stat: Number(stat), line };
  if (lac) urc.lac = lac;
  if (ci) urc.ci = ci;
  return urc;
};

const boot = (stage: BootStage) => (_m: RegExpExecArray, line: string): Urc => ({ type: 'BOOT', stage, line });

export const STANDARD_URCS: readonly UrcSpec[] = [
  // Storage names are quoted per 27.005 §3.4.1, but accept them bare too.
  { name: '+CMTI', pattern: /^\+CMTI:\s*"?([A-Za-z]{2})"?\s*,\s*(\d+)\s*$/, parse: storageIndex('CMTI') },
  { name: '+CDSI', pattern: /^\+CDSI:\s*"?([A-Za-z]{2})"?\s*,\s*(\d+)\s*$/, parse: storageIndex('CDSI') },
  {
    name: '+CMT',
    pattern: /^\+CMT:\s*(.*)$/,
    trailingLines: 1,
    parse: (m, line, trailing) => ({ type: 'CMT', header: (m[1] ?? '').trim(), data: trailing[0] ?? '', line }),
  },
  {
    name: '+CDS',
    pattern: /^\+CDS:\s*(.*)$/,
    // PDU mode: `+CDS: <length>` (ZTE: `+CDS: ,<length>`) then the PDU line; text mode is one line.
    trailingLines: (line) => (/^\+CDS:\s*,?\s*\d+\s*$/.test(line.trim()) ? 1 : 0),
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
  { name: '+CPIN', pattern: /^\+CPIN:\s*"?([^"]+)"?\s*$/, parse: (m, line) => ({ type: 'CPIN', state: (m[1] ?? '').trim(), line }) },
  { name: '+CFUN', pattern: /^\+CFUN:\s*(\d+)\s*$/, parse: (m, line) => ({ type: 'CFUN', fun: Number(m[1]), line }) },
  // Boot stages (docs/modem-behaviour.md §5): Quectel RDY / +QIND: SMS DONE, SIMCom SMS DONE / PB DONE,
  // SIM800 SMS Ready / Call Ready, u-blox +READY / +PBREADY.
  { name: 'RDY', pattern: /^(RDY|\+READY|\^SYSSTART)$/, parse: boot('ready') },
  { name: 'SMS DONE', pattern: /^(\+QIND:\s*)?(SMS DONE|SMS Ready)$/i, parse: boot('sms-ready') },
  { name: 'PB DONE', pattern: /^(\+QIND:\s*)?(PB DONE)$|^\+PBREADY$/i, parse: boot('phonebook-ready') },
  { name: 'Call Ready', pattern: /^Call Ready$/i, parse: boot('call-ready') },
  {
    name: 'SMS FULL',
    pattern: /^(?:\^SMMEMFULL:\s*"?([A-Za-z]{2})?"?|\+SMS FULL|\+QIND:\s*"smsfull"\s*,?\s*"?([A-Za-z]{2})?"?)\s*$/i,
    parse: (m, line) => {
      const urc: Urc = { type: 'SMS_FULL', line };
      const storage = m[1] ?? m[2];
      if (storage) urc.storage = storage.toUpperCase();
      return urc;
    },
  },
  // Vendor noise: Huawei ^RSSI/^HCSQ/^MODE/^BOOT… (no space after the colon), ZTE +ZDONR/+ZPASR,
  // Quectel +QUSIM/+QIND. They are typed, not dropped, so a session can react if it wants.
  {
    name: 'vendor',
    pattern: /^(\^(?:RSSI|HCSQ|MODE|BOOT|DSFLOWRPT|SRVST|SIMST|NWTIME|STIN|CEND|ORIG|CONF|CONN|SYSSTART)|\+ZDONR|\+ZPASR|\+ZUSIMR|\+QUSIM|\+QIND|\+CUSD|\+CIEV|\+QNITZ|\+CTZV|\+CTZE|\+PACSP\d?|\+CGEV|\+UUSORD|\+CSQN|\*PSUTTZ|DST):\s*(.*)$/,
    parse: (m, line) => ({ type: 'VENDOR', prefix: m[1] ?? '', value: (m[2] ?? '').trim(), line }),
  },
];

export interface UrcMatch {
  spec: UrcSpec;
  match: RegExpExecArray;
  trailingLines: number;
}

/** An ordered list of URC specs; users and vendor profiles may add their own. */
export class UrcRegistry {
  readonly #specs: UrcSpec[];

  constructor(specs: readonly UrcSpec[] = STANDARD_URCS) {
    this.#specs = [...specs];
  }

  /** Adds a spec that is tried before the standard ones. */
  register(spec: UrcSpec): void {
    this.#specs.unshift(spec);
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
