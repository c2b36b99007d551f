import { bootLine, COMMON_ICCID, CPINR, noiseLines, type VendorProfile } from './vendor.js';

/**
 * Any other module: 3GPP TS 27.005/27.007 only. Its URCs are the lines of modules without a
 * profile of their own that the bridge has met, so a boot burst from one is never taken for an
 * answer: Cinterion `^SYSSTART` after power-on and AT+CFUN=1,1 (EHS6 AT Command Set §3.2;
 * ModemManager's cinterion plugin) and ZTE's status reports (fixtures/transcripts/09-zte-urcs-around-prompt.at).
 */
export const generic: VendorProfile = {
  name: 'generic',
  matches: /$^/,
  urcs: [
    bootLine('^SYSSTART', /^\^SYSSTART$/, 'ready'),
    noiseLines('zte noise', /\+ZDONR|\+ZPASR|\+ZUSIMR/),
    // `+PACSP`: kept from the first URC table as noise; no manual at hand names the module that prints it.
    noiseLines('pacsp', /\+PACSP\d?/),
  ],
  init: [],
  iccid: COMMON_ICCID,
  pinAttempts: CPINR,
  storages: ['SM', 'ME', 'MT'],
  cdsiUnreliable: false,
};
