import type { UrcSpec, BootStage, Urc } from '../../at/urc.js';

/**
 * What differs by vendor, in one place per vendor (ModemManager keeps a plugin per vendor, gammu a
 * feature list per model). Every field changes what the bridge does; facts cite their source.
 * Adding a vendor: docs/modem-behaviour.md, "Adding a vendor".
 */
export interface VendorProfile {
  readonly name: VendorName;
  /** Tested against "<manufacturer> <model>" from AT+CGMI / AT+CGMM. */
  readonly matches: RegExp;
  /**
   * Lines this vendor prints unsolicited: boot and readiness markers, storage-full indications,
   * noise. Every vendor's are registered on the AT channel before the modem is identified (a boot
   * burst comes first), so a line is never taken for a command's answer.
   */
  readonly urcs: readonly UrcSpec[];
  /** Vendor commands run after the standard init (errors are logged, not fatal). */
  readonly init: readonly string[];
  /** ICCID commands to try, in order, with the prefix of their answer ('' for a bare line). */
  readonly iccid: readonly IdentityCommand[];
  /** The "attempts left" command and how to read the PIN and PUK counters from its answer lines. */
  readonly pinAttempts: { readonly command: string; readonly parse: (lines: readonly string[]) => PinAttempts };
  /** Storages to use for receiving, in order of preference, among those AT+CPMS=? offers. */
  readonly storages: readonly string[];
  /**
   * `+CDSI` points at the wrong storage: status reports are asked for inline (`+CDS`, ds=1) or not
   * at all, never stored and announced (ds=2).
   */
  readonly cdsiUnreliable: boolean;
}

export type VendorName = 'quectel' | 'simcom' | 'huawei' | 'ublox' | 'telit' | 'generic';

export interface IdentityCommand {
  readonly command: string;
  /** The answer's prefix, e.g. `+QCCID:`; '' when the vendor prints the digits alone. */
  readonly prefix: string;
}

export interface PinAttempts {
  pin?: number;
  puk?: number;
}

/** The numbers after `prefix` on the first line that has it (`+SPIC: 3,10,0,10` → [3, 10, 0, 10]; empty fields → NaN). */
export function fieldsOf(lines: readonly string[], prefix: string): number[] {
  const line = lines.map((l) => l.trim()).find((l) => l.startsWith(prefix));
  return line === undefined ? [] : line.slice(prefix.length).split(',').map((f) => Number.parseInt(f.replace(/"/g, '').trim(), 10));
}

export function counts(pin: number | undefined, puk: number | undefined): PinAttempts {
  return {
    ...(pin !== undefined && Number.isInteger(pin) ? { pin } : {}),
    ...(puk !== undefined && Number.isInteger(puk) ? { puk } : {}),
  };
}

/** 3GPP TS 27.007 §8.65: `+CPINR: SIM PIN,3,3` and `+CPINR: SIM PUK,10,10`. */
export const CPINR: VendorProfile['pinAttempts'] = {
  command: 'AT+CPINR',
  parse: (lines) => {
    const of = (code: string) => lines.map((l) => l.trim()).find((l) => new RegExp(`^\\+CPINR:\\s*"?${code}"?,`).test(l));
    const retries = (line: string | undefined) => (line === undefined ? undefined : Number.parseInt(line.split(',')[1] ?? '', 10));
    return counts(retries(of('SIM PIN')), retries(of('SIM PUK')));
  },
};

/**
 * The ICCID spellings most modules without a command of their own answer (neither is 3GPP: 27.007
 * reads EF-ICCID only through AT+CRSM); each profile puts its vendor's own command first.
 */
export const COMMON_ICCID: readonly IdentityCommand[] = [
  { command: 'AT+CCID', prefix: '+CCID:' },
  { command: 'AT+ICCID', prefix: '+ICCID:' },
];

/** A boot or readiness line, typed by its stage (src/modem/boot-markers.ts says what each stage means). */
export const bootLine = (name: string, pattern: RegExp, stage: BootStage): UrcSpec => ({
  name,
  pattern,
  parse: (_m, line): Urc => ({ type: 'BOOT', stage, line }),
});

/** A storage-full indication; `storageGroup` is the capture group holding the memory's name, if any. */
export const storageFullLine = (name: string, pattern: RegExp, storageGroup?: number): UrcSpec => ({
  name,
  pattern,
  parse: (m, line): Urc => {
    const storage = storageGroup === undefined ? undefined : m[storageGroup];
    return storage ? { type: 'SMS_FULL', storage: storage.toUpperCase(), line } : { type: 'SMS_FULL', line };
  },
});

/**
 * Vendor noise: typed by its prefix, not dropped, so a session can react if it wants. `prefix`
 * matches the part before the colon (`/\^(?:RSSI|MODE)/`); a space after the colon is optional.
 */
export const noiseLines = (name: string, prefix: RegExp): UrcSpec => ({
  name,
  pattern: new RegExp(`^(${prefix.source}):\\s*(.*)$`),
  parse: (m, line): Urc => ({ type: 'VENDOR', prefix: m[1] ?? '', value: (m[2] ?? '').trim(), line }),
});
