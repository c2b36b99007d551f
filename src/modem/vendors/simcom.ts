import { bootLine, COMMON_ICCID, counts, fieldsOf, noiseLines, storageFullLine, type VendorProfile } from './vendor.js';

/**
 * SIMCom SIM7500/SIM7600/A76xx (LTE) and SIM800 (2G). Sources: SIM7500_SIM7600 Series AT Command
 * Manual V1.12 ("SIM7600 manual"), SIM800 Series AT Command Manual V1.09 ("SIM800 manual").
 */
export const simcom: VendorProfile = {
  name: 'simcom',
  matches: /simcom|\bSIM\d{3,4}|\bA76\d\d/i,
  urcs: [
    // SIM7600: `RDY`, `+CPIN: READY`, `SMS DONE`, `PB DONE`; SIM800 (fixed baud only): `RDY`,
    // `+CFUN: 1`, `+CPIN: READY`, `Call Ready`, `SMS Ready` (SIM800 manual §19.3).
    bootLine('RDY', /^RDY$/, 'ready'),
    bootLine('SMS DONE', /^(?:SMS DONE|SMS Ready)$/i, 'sms-ready'),
    bootLine('PB DONE', /^PB DONE$/i, 'phonebook-ready'),
    bootLine('Call Ready', /^Call Ready$/i, 'call-ready'),
    // A7670: `+SMS FULL` when the receive memory is full (docs/modem-behaviour.md §4).
    storageFullLine('+SMS FULL', /^\+SMS FULL\s*$/i),
    // SIM800 network time (`*PSUTTZ: …`, `DST: 1`) and signal (`+CSQN:`): noise to SMS.
    noiseLines('simcom noise', /\*PSUTTZ|DST|\+CSQN/),
  ],
  init: [],
  // SIM7600 `AT+CICCID` answers `+ICCID: <iccid>` (manual V1.12); SIM800 `AT+CCID` prints the
  // digits alone (SIM800 manual, AT+CCID). Both in plain order.
  iccid: [{ command: 'AT+CICCID', prefix: '+ICCID:' }, { command: 'AT+CCID', prefix: '' }, ...COMMON_ICCID],
  // `+SPIC: <pin1>,<puk1>,<pin2>,<puk2>` (SIM7600 manual §4.6).
  pinAttempts: { command: 'AT+SPIC', parse: (lines) => ((f) => counts(f[0], f[1]))(fieldsOf(lines, '+SPIC:')) },
  storages: ['SM', 'ME', 'MT'],
  cdsiUnreliable: false,
};
