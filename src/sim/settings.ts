/**
 * Volatile modem settings: what a reboot, ATZ or AT&F puts back to the profile's defaults
 * (quirks §5 "Reboot mid-session = settings lost").
 */
import type { Charset } from './charset.js';
import type { CmeeMode } from './result-codes.js';
import type { MemName, Profile } from './profiles.js';

export interface Settings {
  echo: boolean;
  cmee: CmeeMode;
  /** AT+CMGF: 0 PDU, 1 text (27.005 §3.2.3). */
  cmgf: 0 | 1;
  cscs: Charset;
  /** AT+CSDH=1: detailed text-mode headers. */
  csdh: boolean;
  /** AT+CSMP <fo>,<vp>,<pid>,<dcs> (27.005 §3.3.2); fo 17 = SUBMIT with relative VP. */
  csmp: { fo: number; vp: number; pid: number; dcs: number };
  csms: 0 | 1;
  /** AT+CNMI <mode>,<mt>,<bm>,<ds>,<bfr> (27.005 §3.4.1). */
  cnmi: [number, number, number, number, number];
  /** <mem1> read/delete, <mem2> write/send, <mem3> receive (27.005 §3.2.2). */
  cpms: [MemName, MemName, MemName];
  creg: number;
  cereg: number;
  cgreg: number;
  /** Huawei ^CURC: periodic status URCs on/off. */
  curc: boolean;
  /** The storage-full URC is on (Quectel: after AT+QINDCFG="smsfull",1). */
  memFullUrc: boolean;
  sca: string;
  cfun: number;
}

export function defaultSettings(profile: Profile): Settings {
  return {
    echo: true,
    cmee: 0,
    cmgf: profile.defaultCmgf,
    cscs: 'GSM',
    csdh: false,
    csmp: { fo: 17, vp: 167, pid: 0, dcs: 0 },
    csms: 0,
    cnmi: [...profile.defaultCnmi],
    cpms: [...profile.defaultStorage],
    creg: 0,
    cereg: 0,
    cgreg: 0,
    curc: true,
    memFullUrc: !profile.memFullUrcOffByDefault,
    sca: profile.smsc,
    cfun: 1,
  };
}
