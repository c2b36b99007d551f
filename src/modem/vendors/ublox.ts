import { bootLine, COMMON_ICCID, counts, fieldsOf, noiseLines, type VendorProfile } from './vendor.js';

/**
 * u-blox SARA/LARA/TOBY/LISA. Source: SARA-R4 series AT Commands Manual UBX-17003787.
 * SARA-R4 prints no boot line by default (`+UUSIMSTAT` needs AT+USIMSTAT): a reset shows only as
 * lost settings. TOBY-L4 prints `+READY` when it starts (ModemManager's ublox plugin).
 * `+CNMI` defaults to 0,0,0,0,0 and is kept only in the AT&W profile (§11.3).
 */
export const ublox: VendorProfile = {
  name: 'ublox',
  matches: /u-?blox|\b(SARA|LARA|TOBY|LISA)-/i,
  urcs: [
    bootLine('+READY', /^\+READY$/, 'ready'),
    // The phonebook is loaded (late, after SMS works): not a boot marker.
    bootLine('+PBREADY', /^\+PBREADY$/i, 'phonebook-ready'),
    // Socket data ready: noise to SMS.
    noiseLines('u-blox noise', /\+UUSORD/),
  ],
  init: [],
  // `+CCID: <iccid>` (manual, AT+CCID), plain order.
  iccid: [...COMMON_ICCID],
  // `+UPINCNT: <pin1>,<pin2>,<puk1>,<puk2>` (manual, AT+UPINCNT; ModemManager's ublox helpers).
  pinAttempts: { command: 'AT+UPINCNT', parse: (lines) => ((f) => counts(f[0], f[2]))(fieldsOf(lines, '+UPINCNT:')) },
  storages: ['SM', 'ME', 'MT'],
  cdsiUnreliable: false,
};
