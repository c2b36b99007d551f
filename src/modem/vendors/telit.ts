import { COMMON_ICCID, counts, fieldsOf, type VendorProfile } from './vendor.js';

/**
 * Telit LE910/HE910/ME910/LN920. Source: Telit AT Commands Reference Guide 80617ST10991A
 * ("the guide"). No boot line by default (`#QSS` needs AT#QSS=2, §3.3.9); `+CNMI` defaults to
 * 0,0,0,0,0. The network waits 17 s for AT+CNMA before it stops indications (docs/modem-behaviour.md §7).
 */
export const telit: VendorProfile = {
  name: 'telit',
  matches: /telit|\b(LE9\d\d|HE9\d\d|UC864|GE\d{3}|ME9\d\d|LN9\d\d)/i,
  urcs: [],
  init: [],
  // `#CCID: <iccid>` (the guide, AT#CCID), plain order.
  iccid: [{ command: 'AT#CCID', prefix: '#CCID:' }, ...COMMON_ICCID],
  // `#PCT: <n>`: attempts left for the password asked for now (the guide, AT#PCT); smsbridge asks
  // only while the SIM wants its PIN, so that is the PIN's count.
  pinAttempts: { command: 'AT#PCT', parse: (lines) => counts(fieldsOf(lines, '#PCT:')[0], undefined) },
  storages: ['SM', 'ME', 'MT'],
  cdsiUnreliable: false,
};
