/**
 * Vendor profiles as data (ModemManager: "vendor quirks live in one small place per vendor").
 * Facts come from docs/modem-behaviour.md; users can override any field in configuration.
 */
export type ProfileName = 'quectel' | 'simcom' | 'huawei' | 'ublox' | 'telit' | 'generic';

export interface ModemProfile {
  name: ProfileName;
  /** Tested against "<manufacturer> <model>" from AT+CGMI / AT+CGMM. */
  matches: RegExp;
  /** Vendor commands run after the standard init (errors are logged, not fatal). */
  init: readonly string[];
  /** ICCID commands to try, in order: the vendor's first, then the common ones. */
  iccid: readonly string[];
  /** Where storage indexes start (informational: we always use the indexes the modem gives). */
  indexBase: 0 | 1;
  /** Storages to use for receiving, in order of preference, among those AT+CPMS=? offers. */
  storages: readonly string[];
  /**
   * Quectel EC25/EG25 announce status reports as `+CDSI: "SM",n` although they live in "SR"
   * (docs/modem-behaviour.md §5): ask for reports inline (`<ds>=1`, `+CDS`) instead.
   */
  cdsiStorageQuirk: boolean;
  /**
   * The vendor's "attempts left" command and how to read the PIN and PUK counters from its answer
   * lines (prefix included). The generic one is 3GPP TS 27.007 §8.65 AT+CPINR.
   */
  pinAttempts: { command: string; parse: (lines: readonly string[]) => PinAttempts };
  /** "Delete all read and sent" spellings that work on this vendor (docs/modem-behaviour.md §4). */
  deleteAll: readonly string[];
}

export interface PinAttempts {
  pin?: number;
  puk?: number;
}

/** The numbers after `prefix` on the first line that has it (`+SPIC: 3,10,0,10` → [3, 10, 0, 10]; empty fields → NaN). */
const fieldsOf = (lines: readonly string[], prefix: string): number[] => {
  const line = lines.map((l) => l.trim()).find((l) => l.startsWith(prefix));
  return line === undefined ? [] : line.slice(prefix.length).split(',').map((f) => Number.parseInt(f.replace(/"/g, '').trim(), 10));
};
const counts = (pin: number | undefined, puk: number | undefined): PinAttempts => ({
  ...(pin !== undefined && Number.isInteger(pin) ? { pin } : {}),
  ...(puk !== undefined && Number.isInteger(puk) ? { puk } : {}),
});

/** 27.007 §8.65: `+CPINR: SIM PIN,3,3` and `+CPINR: SIM PUK,10,10`. */
const CPINR: ModemProfile['pinAttempts'] = {
  command: 'AT+CPINR',
  parse: (lines) => {
    const of = (code: string) => lines.map((l) => l.trim()).find((l) => new RegExp(`^\\+CPINR:\\s*"?${code}"?,`).test(l));
    const retries = (line: string | undefined) => (line === undefined ? undefined : Number.parseInt(line.split(',')[1] ?? '', 10));
    return counts(retries(of('SIM PIN')), retries(of('SIM PUK')));
  },
};

const COMMON_ICCID = ['AT+CCID', 'AT+ICCID', 'AT+QCCID', 'AT^ICCID?', 'AT#CCID', 'AT+CICCID'];

const base = {
  init: [],
  iccid: COMMON_ICCID,
  indexBase: 1,
  pinAttempts: CPINR,
  storages: ['SM', 'ME', 'MT'],
  cdsiStorageQuirk: false,
  deleteAll: ['AT+CMGD=1,4', 'AT+CMGD=0,4', 'AT+CMGD=,4'],
} satisfies Omit<ModemProfile, 'name' | 'matches'>;

export const PROFILES: Readonly<Record<ProfileName, ModemProfile>> = {
  quectel: {
    ...base,
    name: 'quectel',
    matches: /quectel|\b(EC2\d|EG2\d|EG9\d|BG9\d|RM5\d\d|UC20)\b/i,
    // Storage-full indication, off by default (Quectel AT manual, AT+QINDCFG): `+QIND: "smsfull","SM"`.
    init: ['AT+QINDCFG="smsfull",1'],
    iccid: ['AT+QCCID', ...COMMON_ICCID],
    // oFono at_qpinc_cb: `+QPINC: "SC",<pin>,<puk>`.
    pinAttempts: { command: 'AT+QPINC="SC"', parse: (lines) => ((f) => counts(f[1], f[2]))(fieldsOf(lines, '+QPINC:')) },
    indexBase: 0,
    cdsiStorageQuirk: true,
    deleteAll: ['AT+CMGD=0,4', 'AT+CMGD=1,4'],
  },
  simcom: {
    ...base,
    name: 'simcom',
    matches: /simcom|\bSIM\d{3,4}|\bA76\d\d/i,
    iccid: ['AT+CICCID', 'AT+CCID', ...COMMON_ICCID],
    // SIM7500/SIM7600 AT manual V1.12 §4.6: `+SPIC: <pin1>,<puk1>,<pin2>,<puk2>`.
    pinAttempts: { command: 'AT+SPIC', parse: (lines) => ((f) => counts(f[0], f[1]))(fieldsOf(lines, '+SPIC:')) },
    indexBase: 0,
    deleteAll: ['AT+CMGD=0,4', 'AT+CMGD=1,4', 'AT+CMGD=,4'],
  },
  huawei: {
    ...base,
    name: 'huawei',
    matches: /huawei|\bE\d{3,4}\b|\bMU\d{3}\b/i,
    // ^RSSI/^MODE/^BOOT spam until URCs are switched off (ljs.dev E3372 smsd init).
    init: ['AT^CURC=0'],
    iccid: ['AT^ICCID?', ...COMMON_ICCID],
    // MU509 AT spec §7.4: `^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>`.
    pinAttempts: { command: 'AT^CPIN?', parse: (lines) => ((f) => counts(f[3], f[2]))(fieldsOf(lines, '^CPIN:')) },
    indexBase: 0,
    storages: ['ME', 'SM', 'MT'],
    deleteAll: ['AT+CMGD=0,4', 'AT+CMGD=1,4'],
  },
  ublox: {
    ...base,
    name: 'ublox',
    matches: /u-?blox|\b(SARA|LARA|TOBY|LISA)-/i,
    iccid: ['AT+CCID', ...COMMON_ICCID],
    // u-blox AT+UPINCNT (ModemManager ublox helpers): `+UPINCNT: <pin>,<pin2>,<puk>,<puk2>`.
    pinAttempts: { command: 'AT+UPINCNT', parse: (lines) => ((f) => counts(f[0], f[2]))(fieldsOf(lines, '+UPINCNT:')) },
    deleteAll: ['AT+CMGD=1,4', 'AT+CMGD=0,4'],
  },
  telit: {
    ...base,
    name: 'telit',
    matches: /telit|\b(LE9\d\d|HE9\d\d|UC864|GE\d{3}|ME9\d\d|LN9\d\d)/i,
    iccid: ['AT#CCID', ...COMMON_ICCID],
    // Telit AT#PCT: attempts left for the password asked for now; smsbridge only asks while the SIM wants its PIN.
    pinAttempts: { command: 'AT#PCT', parse: (lines) => counts(fieldsOf(lines, '#PCT:')[0], undefined) },
  },
  generic: { ...base, name: 'generic', matches: /$^/ },
};

/** Picks the profile for what the modem says it is; `generic` when nothing matches. */
export function pickProfile(manufacturer: string, model: string): ModemProfile {
  const identity = `${manufacturer} ${model}`;
  return Object.values(PROFILES).find((p) => p.matches.test(identity)) ?? PROFILES.generic;
}
