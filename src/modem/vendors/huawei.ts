import { bootLine, COMMON_ICCID, counts, fieldsOf, noiseLines, storageFullLine, type VendorProfile } from './vendor.js';

/**
 * Huawei USB sticks (E303, E3131, E3372) and M2M modules (MU509/MU609, ME909). Sources: HUAWEI
 * UMTS M2M AT Command Interface Specification, MU509 AT spec, ME909u-523 Application Guide.
 */
export const huawei: VendorProfile = {
  name: 'huawei',
  matches: /huawei|\bE\d{3,4}\b|\bMU\d{3}\b/i,
  urcs: [
    // Documented for the ME909u module (UART only, Application Guide §2.1); the USB sticks print
    // nothing when they reset, and the idle settings check catches that (docs/supervision.md).
    bootLine('^SYSSTART', /^\^SYSSTART$/, 'ready'),
    // `^SMMEMFULL: "SM"` when the receive memory is full (UMTS M2M AT spec, ^SMMEMFULL).
    storageFullLine('^SMMEMFULL', /^\^SMMEMFULL:\s*"?([A-Za-z]{2})?"?\s*$/i, 1),
    // Status reports with no space after the colon (`^RSSI:14`, `^BOOT:…`), repeated until
    // `AT^CURC=0` (below). `^BOOT` is periodic noise, not a boot marker.
    noiseLines('huawei noise', /\^(?:RSSI|HCSQ|MODE|BOOT|DSFLOWRPT|SRVST|SIMST|NWTIME|STIN|CEND|ORIG|CONF|CONN)/),
  ],
  // ^RSSI/^MODE/^BOOT stop after AT^CURC=0 (UMTS M2M AT spec, ^CURC; the E3372 smsd setups do the same).
  init: ['AT^CURC=0'],
  // `^ICCID: <iccid>` (MU509 AT spec, ^ICCID). Some firmwares print the SIM's EF-ICCID bytes as
  // stored, nibble-swapped: the decoder (src/modem/identity.ts) puts those back in order.
  iccid: [{ command: 'AT^ICCID?', prefix: '^ICCID:' }, ...COMMON_ICCID],
  // `^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>` (MU509 AT spec §7.4).
  pinAttempts: { command: 'AT^CPIN?', parse: (lines) => ((f) => counts(f[3], f[2]))(fieldsOf(lines, '^CPIN:')) },
  // The sticks offer ME first and keep their SIM small (ModemManager's huawei plugin prefers ME too).
  storages: ['ME', 'SM', 'MT'],
  cdsiUnreliable: false,
};
