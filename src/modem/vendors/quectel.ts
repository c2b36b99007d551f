import { bootLine, COMMON_ICCID, counts, fieldsOf, noiseLines, storageFullLine, type VendorProfile } from './vendor.js';

/**
 * Quectel EC2x/EG2x/EG9x/BG9x (LTE Cat 1/4 and Cat M modules; the EC25 is the usual Pi HAT).
 * Source unless said otherwise: Quectel EC2x&EG9x&EG2x-G&EM05 Series AT Commands Manual V2.0
 * ("the manual"); behaviour summarised in docs/modem-behaviour.md and docs/supervision.md.
 */
export const quectel: VendorProfile = {
  name: 'quectel',
  matches: /quectel|\b(EC2\d|EG2\d|EG9\d|BG9\d|RM5\d\d|UC20)\b/i,
  urcs: [
    // Boot: `RDY`, `+CFUN: 1`, `+CPIN: READY`, `+QUSIM: 1`, `+QIND: SMS DONE`, `+QIND: PB DONE`
    // (the manual's URC summary). ModemManager's quectel plugin takes `RDY` as "the modem reset".
    bootLine('RDY', /^RDY$/, 'ready'),
    // SMS commands answer `+CMS ERROR: 500` until this line (docs/supervision.md, by vendor).
    bootLine('+QIND: SMS DONE', /^\+QIND:\s*SMS DONE$/i, 'sms-ready'),
    bootLine('+QIND: PB DONE', /^\+QIND:\s*PB DONE$/i, 'phonebook-ready'),
    // Off by default; `AT+QINDCFG="smsfull",1` (below) turns it on: `+QIND: "smsfull","SM"` (manual, AT+QINDCFG).
    storageFullLine('+QIND: "smsfull"', /^\+QIND:\s*"smsfull"\s*,?\s*"?([A-Za-z]{2})?"?\s*$/i, 1),
    // Other +QIND reports (csq, act, FOTA…), SIM status and network time: noise to SMS.
    noiseLines('quectel noise', /\+QIND|\+QUSIM|\+QNITZ/),
  ],
  init: ['AT+QINDCFG="smsfull",1'],
  // `+QCCID: 89860025128306012474` (manual, AT+QCCID): the ICCID in plain order.
  iccid: [{ command: 'AT+QCCID', prefix: '+QCCID:' }, ...COMMON_ICCID],
  // `+QPINC: "SC",<pin>,<puk>` (manual, AT+QPINC; oFono's at_qpinc_cb reads the same fields).
  pinAttempts: { command: 'AT+QPINC="SC"', parse: (lines) => ((f) => counts(f[1], f[2]))(fieldsOf(lines, '+QPINC:')) },
  storages: ['SM', 'ME', 'MT'],
  // EC25/EG25 announce status reports as `+CDSI: "SM",n` although they are kept in "SR"
  // (docs/modem-behaviour.md §5, fixtures/transcripts/17-quectel-ec25-cdsi-sm-quirk.at).
  cdsiUnreliable: true,
};
