/**
 * Vendor profiles: data only. Every difference cites the quirks catalogue
 * (docs/modem-behaviour.md, "quirks §n") or the transcript that shows it.
 */
export type ProfileName = 'quectel' | 'simcom' | 'sim800' | 'huawei' | 'huawei-e3131' | 'ublox' | 'telit' | 'generic';
export const PROFILE_NAMES: readonly ProfileName[] = ['quectel', 'simcom', 'sim800', 'huawei', 'huawei-e3131', 'ublox', 'telit', 'generic'];

export type PhysicalMem = 'SM' | 'ME' | 'SR';
export type MemName = PhysicalMem | 'MT';

export interface Profile {
  name: ProfileName;
  /** Information text of AT+CGMI, AT+CGMM, AT+CGMR (some vendors prefix them, e.g. SIMCom `+CGMR: `). */
  cgmi: string;
  cgmm: string;
  cgmr: string;
  /** ATI information lines. */
  ati: readonly string[];
  imei: string;
  imsi: string;
  iccid: string;
  /** The vendor's ICCID command (upper case, as written after AT) and its answer prefix. */
  iccidCommand: string;
  /**
   * The vendor's "attempts left" command (name as parsed, e.g. `+QPINC`) and its answer from the
   * PIN and PUK counters and the password asked for now (docs/supervision.md cites each manual).
   */
  pinCounter: { command: string; answer: (c: { pin: number; puk: number; state: string }) => string };
  iccidPrefix: string;
  /** Extra vendor commands with fixed answers: command text after AT (upper case) → info lines. */
  fixed: Readonly<Record<string, readonly string[]>>;
  /** Unsolicited lines after power-on or reset (quirks §5 "Boot URC bursts"). */
  bootUrcs: readonly string[];
  /** The line of bootUrcs that says SMS is ready; SMS commands fail before it (VirtualModem smsReadyDelayMs). */
  smsReadyUrc?: string;
  /** What SMS commands answer before SMS is ready after a boot. */
  smsNotReadyError: { cms: number } | { cme: number };
  storage: Readonly<Record<PhysicalMem, { capacity: number; base: number }>>;
  defaultStorage: readonly [MemName, MemName, MemName];
  cpmsTest: string;
  defaultCnmi: readonly [number, number, number, number, number];
  cnmiTest: string;
  cscsTest: string;
  defaultCmgf: 0 | 1;
  /** Final result for a command the modem does not know (Huawei: quirks §1 / §5). */
  unknownCommand: string;
  /** Periodic URC noise, silenced by `AT^CURC=0` (Huawei, quirks §5). */
  noise?: { lines: readonly string[]; intervalMs: number };
  /** Memory named in +CDSI for reports stored in "SR" (Quectel EC25 says "SM", quirks §5). */
  cdsiMem?: MemName;
  /** Alpha field in text-mode +CMGR/+CMGL/+CMT: empty (`,,`) or quoted (`,"",`; SIMCom, quirks §3). */
  textAlpha: '' | '""';
  /** Alpha field in PDU-mode +CMGR/+CMGL: Telit writes `""` (quirks §3). */
  pduAlpha: '' | '""';
  /** Text-mode bodies padded with NULs (Huawei E3131, quirks §3). */
  nulPadding: boolean;
  /** URC when receive storage fills (Huawei ^SMMEMFULL, SIMCom +SMS FULL; quirks §4). */
  memFullUrc?: (mem: MemName) => string;
  /** The storage-full URC is off until the host turns it on (Quectel `AT+QINDCFG="smsfull",1`). */
  memFullUrcOffByDefault?: boolean;
  smsc: string;
  /** Services AT+CSMS=? lists (27.005 §3.2.1); AT+CSMS=<service> refuses the others with +CMS ERROR: 303. */
  csmsServices: readonly (0 | 1)[];
  /** <n> values AT+CNMA=? lists in PDU mode (27.005 §4.6: 0 as text mode, 1 RP-ACK, 2 RP-ERROR). */
  cnmaModes: readonly number[];
  /** The network's wait for AT+CNMA after a +CMT/+CDS, where the vendor's manual states it (ms). */
  cnmaTimeoutMs?: number;
}

const SMSC = '+447700900000';
const IMSI = '732123200012345';

const quectel: Profile = {
  name: 'quectel',
  cgmi: 'Quectel',
  cgmm: 'EC25',
  cgmr: 'EC25EFAR06A10M4G',
  ati: ['Quectel', 'EC25', 'Revision: EC25EFAR06A10M4G'],
  imei: '866834040123456',
  imsi: IMSI,
  iccid: '89883070000012345678',
  // EC2x AT manual AT+QPINC; oFono at_qpinc_cb: `+QPINC: "SC",<pin>,<puk>`.
  pinCounter: { command: '+QPINC', answer: (c) => `+QPINC: "SC",${c.pin},${c.puk}` },
  iccidCommand: '+QCCID',
  iccidPrefix: '+QCCID: ',
  fixed: {},
  // lupyuen EG25-G; transcript 02.
  bootUrcs: ['RDY', '+CFUN: 1', '+CPIN: READY', '+QUSIM: 1', '+QIND: SMS DONE', '+QIND: PB DONE'],
  // EC25 AT manual: `+QIND: SMS DONE` = SMS functions ready; SMS commands fail with +CMS ERROR: 500 before it.
  smsReadyUrc: '+QIND: SMS DONE',
  smsNotReadyError: { cms: 500 },
  storage: { SM: { capacity: 50, base: 0 }, ME: { capacity: 255, base: 0 }, SR: { capacity: 50, base: 0 } },
  defaultStorage: ['SM', 'SM', 'SM'],
  cpmsTest: '("SM","ME","MT","SR"),("SM","ME","MT"),("SM","ME","MT")',
  defaultCnmi: [2, 1, 0, 0, 0],
  cnmiTest: '(0-3),(0-3),(0,2,3),(0-2),(0,1)',
  cscsTest: '("GSM","IRA","UCS2")',
  defaultCmgf: 0,
  unknownCommand: 'ERROR',
  cdsiMem: 'SM',
  textAlpha: '',
  pduAlpha: '',
  nulPadding: false,
  // Quectel AT manual, AT+QINDCFG: `+QIND: "smsfull",<mem>` once enabled with AT+QINDCFG="smsfull",1 (default off).
  memFullUrc: (mem) => `+QIND: "smsfull","${mem}"`,
  memFullUrcOffByDefault: true,
  smsc: SMSC,
  // EC25&EC21 AT Commands Manual V1.x, AT+CNMA (p.136/231): example AT+CSMS=1 then +CMT (text mode)
  // acknowledged by AT+CNMA; <n> 0 as text mode, 1 RP-ACK, 2 RP-ERROR (1 and 2 PDU mode only); no timeout stated.
  csmsServices: [0, 1],
  cnmaModes: [0, 1, 2],
};

const simcom: Profile = {
  name: 'simcom',
  cgmi: 'SIMCOM INCORPORATED',
  cgmm: 'SIMCOM_SIM7600G-H',
  cgmr: '+CGMR: LE20B04SIM7600G22',
  ati: ['Manufacturer: SIMCOM INCORPORATED', 'Model: SIMCOM_SIM7600G-H', 'Revision: LE20B04SIM7600G22', 'IMEI: 862636050123456', '+GCAP: +CGSM'],
  imei: '862636050123456',
  imsi: IMSI,
  iccid: '89883070000012345678',
  // SIM7500/SIM7600 AT manual V1.12 §4.6: `+SPIC: <pin1>,<puk1>,<pin2>,<puk2>`.
  pinCounter: { command: '+SPIC', answer: (c) => `+SPIC: ${c.pin},${c.puk},3,10` },
  iccidCommand: '+CICCID',
  iccidPrefix: '+ICCID: ',
  fixed: {},
  // esp-protocols #789, T-SIM7600X PR #41; transcript 13 (no +QIND prefix).
  bootUrcs: ['RDY', '+CPIN: READY', 'SMS DONE', 'PB DONE'],
  // SIM7500/SIM7600 AT manual V1.12: `SMS DONE` = SMS ready (ModemManager simtech plugin treats it likewise).
  smsReadyUrc: 'SMS DONE',
  smsNotReadyError: { cms: 500 },
  // SIM7500/7600 manual: indexes start with zero; transcript 13 shows 30 slots.
  storage: { SM: { capacity: 30, base: 0 }, ME: { capacity: 100, base: 0 }, SR: { capacity: 30, base: 0 } },
  defaultStorage: ['SM', 'SM', 'SM'],
  cpmsTest: '("SM","ME","SR"),("SM","ME"),("SM","ME")',
  defaultCnmi: [2, 1, 0, 0, 0],
  cnmiTest: '(0-2),(0-3),(0,2),(0-2),(0,1)',
  cscsTest: '("IRA","GSM","UCS2")',
  defaultCmgf: 0,
  unknownCommand: 'ERROR',
  textAlpha: '""',
  pduAlpha: '',
  nulPadding: false,
  memFullUrc: () => '+SMS FULL',
  smsc: SMSC,
  // Not confirmed from the SIM7500/SIM7600 manual (its AT+CSMS/AT+CNMA pages were not found): 27.005 §3.2.1/§4.6 defaults.
  csmsServices: [0, 1],
  cnmaModes: [0, 1, 2],
};

const sim800: Profile = {
  ...simcom,
  name: 'sim800',
  cgmi: 'SIMCOM_Ltd',
  cgmm: 'SIMCOM_SIM800L',
  cgmr: 'Revision:1418B04SIM800L24',
  ati: ['SIM800 R14.18'],
  imei: '865067020123456',
  // SIMCom command tables (SIM900/SIM5320) list AT+SPIC; same four fields as the SIM7600.
  pinCounter: { command: '+SPIC', answer: (c) => `+SPIC: ${c.pin},${c.puk},3,10` },
  iccidCommand: '+CCID',
  iccidPrefix: '',
  // SIM800 manual p.352; transcript 12.
  bootUrcs: ['RDY', '+CFUN: 1', '+CPIN: READY', 'Call Ready', 'SMS Ready'],
  // SIM800 AT manual V1.09 §19.3: `SMS Ready` = SMS initialisation done.
  smsReadyUrc: 'SMS Ready',
  smsNotReadyError: { cms: 314 },
  // Sim800l #35: index starts at 1; transcript 15 shows 30 slots.
  storage: { SM: { capacity: 30, base: 1 }, ME: { capacity: 50, base: 1 }, SR: { capacity: 30, base: 1 } },
  cnmiTest: '(0-3),(0-3),(0,2),(0-2),(0,1)',
};

const huawei: Profile = {
  name: 'huawei',
  cgmi: 'huawei',
  cgmm: 'E303',
  cgmr: '21.157.01.00.00',
  ati: ['Manufacturer: huawei', 'Model: E303', 'Revision: 21.157.01.00.00', 'IMEI: 861320010123456', '+GCAP: +CGSM,+DS,+ES'],
  imei: '861320010123456',
  imsi: IMSI,
  iccid: '89883070000012345678',
  // MU509 AT spec §7.4: `^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>`.
  pinCounter: { command: '^CPIN', answer: (c) => `^CPIN: ${c.state},${c.state === 'READY' ? '' : c.state.includes('PUK') ? c.puk : c.pin},${c.puk},${c.pin},10,3` },
  iccidCommand: '^ICCID',
  iccidPrefix: '^ICCID: ',
  fixed: {},
  bootUrcs: ['^BOOT:35323129,0,0,0,26'],
  // No SMS-ready marker on this module (docs/supervision.md): +CMS ERROR: 314 (SIM busy, 27.005 §3.2.5) until it is.
  smsNotReadyError: { cms: 314 },
  // gammu #490/#508: '+CMTI: "ME",0' (index 0, ME storage); transcript 08: ME has 23 slots.
  storage: { SM: { capacity: 50, base: 0 }, ME: { capacity: 23, base: 0 }, SR: { capacity: 25, base: 0 } },
  defaultStorage: ['ME', 'ME', 'ME'],
  cpmsTest: '("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")',
  // HUAWEI UMTS M2M AT spec §5.7: the AT+CNMI value "will be cleared to 0 after the MS is restarted".
  defaultCnmi: [0, 0, 0, 0, 0],
  cnmiTest: '(0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)',
  cscsTest: '("IRA","UCS2","GSM")',
  defaultCmgf: 0,
  unknownCommand: 'COMMAND NOT SUPPORT',
  // gammu #138: no space after the colon.
  noise: { lines: ['^RSSI:14', '^BOOT:35323129,0,0,0,26'], intervalMs: 5000 },
  textAlpha: '',
  pduAlpha: '',
  nulPadding: false,
  // MU509 §6.21.
  memFullUrc: (mem) => `^SMMEMFULL:"${mem}"`,
  smsc: SMSC,
  // CSMS services not confirmed from a Huawei manual: 27.005 §3.2.1 default.
  csmsServices: [0, 1],
  // HUAWEI UMTS M2M AT spec (Issue 18) §5.9.3 / MU509 spec §6.9.3: <n> 0 "not supported currently", 1 RP-ACK, 2 RP-ERROR;
  // no timeout stated (routing to TE disabled on timeout, §5.9.2).
  cnmaModes: [1, 2],
};

const huaweiE3131: Profile = {
  ...huawei,
  name: 'huawei-e3131',
  cgmm: 'E3131',
  cgmr: '21.158.13.00.00',
  ati: ['Manufacturer: huawei', 'Model: E3131', 'Revision: 21.158.13.00.00', 'IMEI: 861320010123456', '+GCAP: +CGSM,+DS,+ES'],
  // emilsedgh/modem #30: text bodies padded with NULs.
  nulPadding: true,
};

const ublox: Profile = {
  name: 'ublox',
  cgmi: 'u-blox',
  cgmm: 'SARA-R410M-02B',
  cgmr: 'L0.0.00.00.05.06 [Feb 03 2018 13:00:41]',
  ati: ['SARA-R410M-02B'],
  imei: '352753090123456',
  imsi: IMSI,
  iccid: '89883070000012345678',
  // u-blox AT+UPINCNT (ModemManager ublox helpers): `+UPINCNT: <pin>,<pin2>,<puk>,<puk2>`.
  pinCounter: { command: '+UPINCNT', answer: (c) => `+UPINCNT: ${c.pin},3,${c.puk},10` },
  iccidCommand: '+CCID',
  iccidPrefix: '+CCID: ',
  fixed: { I9: ['01.24,A01.00'] },
  bootUrcs: [],
  // No SMS-ready marker on this module (docs/supervision.md): +CMS ERROR: 314 (SIM busy, 27.005 §3.2.5) until it is.
  smsNotReadyError: { cms: 314 },
  // LARA-R2 / SARA-R4 start at 1 (SMT ublox polls AT+CMGR=1; transcript 18).
  storage: { SM: { capacity: 50, base: 1 }, ME: { capacity: 23, base: 1 }, SR: { capacity: 20, base: 1 } },
  defaultStorage: ['SM', 'SM', 'SM'],
  cpmsTest: '("SM","ME","MT"),("SM","ME","MT"),("SM","ME","MT")',
  // UBX-17003787 §9.8: no SMS URCs at all until the host enables them.
  defaultCnmi: [0, 0, 0, 0, 0],
  cnmiTest: '(0-2),(0-3),(0-3),(0-2),(0-1)',
  cscsTest: '("IRA","GSM","UCS2","8859-1")',
  defaultCmgf: 0,
  unknownCommand: 'ERROR',
  textAlpha: '',
  pduAlpha: '',
  nulPadding: false,
  smsc: SMSC,
  // SARA-R4 AT manual UBX-17003787 §9.9 +CNMA: used when +CSMS <service> is 1, RP-ACK/RP-ERROR in PDU mode,
  // routing disabled on the network timeout, which it does not state. CSMS list not confirmed: 27.005 default.
  csmsServices: [0, 1],
  cnmaModes: [0, 1, 2],
};

const telit: Profile = {
  name: 'telit',
  cgmi: 'Telit',
  cgmm: 'LE910C1-EU',
  cgmr: '25.20.676',
  ati: ['Telit', 'LE910C1-EU', '25.20.676'],
  imei: '354337090123456',
  imsi: IMSI,
  iccid: '89883070000012345678',
  // Telit AT#PCT: attempts left for the password asked for now (3 for PIN when none is pending).
  pinCounter: { command: '#PCT', answer: (c) => `#PCT: ${c.state.includes('PUK') ? c.puk : c.pin}` },
  iccidCommand: '#CCID',
  iccidPrefix: '#CCID: ',
  fixed: {},
  bootUrcs: [],
  // No SMS-ready marker on this module (docs/supervision.md): +CMS ERROR: 314 (SIM busy, 27.005 §3.2.5) until it is.
  smsNotReadyError: { cms: 314 },
  // Transcript 19 reads SM at 1, transcript 16 reads SR at 0; SR holds 20 (`+CPMS: 1,20,...`).
  storage: { SM: { capacity: 50, base: 1 }, ME: { capacity: 50, base: 1 }, SR: { capacity: 20, base: 0 } },
  defaultStorage: ['SM', 'SM', 'SM'],
  cpmsTest: '("SM","ME","SR"),("SM","ME"),("SM","ME")',
  defaultCnmi: [0, 0, 0, 0, 0],
  cnmiTest: '(0-3),(0-3),(0,2),(0-2),(0,1)',
  cscsTest: '("GSM","IRA","8859-1","PCCP437","UCS2")',
  defaultCmgf: 0,
  unknownCommand: 'ERROR',
  textAlpha: '',
  // MM test_cmgr_response_telit: '+CMGR: 0,"",50'.
  pduAlpha: '""',
  nulPadding: false,
  smsc: SMSC,
  // LE910 V2 AT reference 80446ST10707A p.168 +CNMA: only with +CSMS=1; <n> 0 RP-ACK, 1 RP-ACK + PDU, 2 RP-ERROR;
  // "network timeout (17 seconds)", then RP-ERROR and CNMI <mt>/<ds> reset to 0 (also ME910G1 guide §3.5.11).
  csmsServices: [0, 1],
  cnmaModes: [0, 1, 2],
  cnmaTimeoutMs: 17_000,
};

const generic: Profile = {
  name: 'generic',
  cgmi: 'smsbridge',
  cgmm: 'Virtual Modem',
  cgmr: '1.0.0',
  ati: ['smsbridge Virtual Modem 1.0.0'],
  imei: '490154203237518',
  imsi: IMSI,
  iccid: '89883070000012345678',
  // 3GPP TS 27.007 §8.65 AT+CPINR: `+CPINR: <code>,<retries>,<default retries>`.
  pinCounter: { command: '+CPINR', answer: (c) => `+CPINR: SIM PIN,${c.pin},3\r\n+CPINR: SIM PUK,${c.puk},10` },
  iccidCommand: '+CCID',
  iccidPrefix: '+CCID: ',
  fixed: {},
  bootUrcs: [],
  // No SMS-ready marker on this module (docs/supervision.md): +CMS ERROR: 314 (SIM busy, 27.005 §3.2.5) until it is.
  smsNotReadyError: { cms: 314 },
  storage: { SM: { capacity: 30, base: 1 }, ME: { capacity: 50, base: 1 }, SR: { capacity: 20, base: 1 } },
  defaultStorage: ['SM', 'SM', 'SM'],
  cpmsTest: '("SM","ME","MT","SR"),("SM","ME","MT"),("SM","ME","MT")',
  defaultCnmi: [2, 1, 0, 0, 0],
  cnmiTest: '(0-2),(0-3),(0-3),(0-2),(0-1)',
  cscsTest: '("IRA","GSM","UCS2")',
  defaultCmgf: 0,
  unknownCommand: 'ERROR',
  textAlpha: '',
  pduAlpha: '',
  nulPadding: false,
  smsc: SMSC,
  // 3GPP TS 27.005 §3.2.1 (services 0 and 1) and §4.6 (<n> 0–2).
  csmsServices: [0, 1],
  cnmaModes: [0, 1, 2],
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  quectel,
  simcom,
  sim800,
  huawei,
  'huawei-e3131': huaweiE3131,
  ublox,
  telit,
  generic,
};

export function getProfile(name: string): Profile {
  const profile = PROFILES[name as ProfileName];
  if (!profile) throw new Error(`unknown modem profile "${name}" (known: ${PROFILE_NAMES.join(', ')})`);
  return profile;
}

/** `(0-3),(0,2)` → allowed values per position (27.007 §1 test-command syntax). */
export function parseRanges(test: string): number[][] {
  return [...test.matchAll(/\(([^)]*)\)/g)].map(([, group]) =>
    group!.split(',').flatMap((part) => {
      const [from, to] = part.split('-').map(Number);
      if (to === undefined) return [from!];
      return Array.from({ length: to - from! + 1 }, (_, k) => from! + k);
    }),
  );
}

/** `("SM","ME"),("SM")` → the memory names allowed per position. */
export function parseMemLists(test: string): MemName[][] {
  return [...test.matchAll(/\(([^)]*)\)/g)].map(([, group]) => [...group!.matchAll(/"(\w+)"/g)].map((m) => m[1] as MemName));
}
