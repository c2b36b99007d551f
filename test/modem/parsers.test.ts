import { describe, expect, it } from 'vitest';
import {
  cnmiCandidates,
  cnmiCommand,
  csqToDbm,
  expandRange,
  parseCnmiTest,
  parseCops,
  parseCpin,
  parseCpmsTest,
  parseCpmsUsage,
  parseRegistrationQuery,
} from '../../src/modem/parsers.js';
import { pickProfile } from '../../src/modem/profiles.js';

describe('modem answer parsers', () => {
  it.each([
    ['0,99', -113],
    ['31,0', -51],
    ['20,99', -73],
    ['99,99', undefined],
    ['x', undefined],
  ])('reads +CSQ: %s as %s dBm', (value, dbm) => expect(csqToDbm(value)).toBe(dbm));

  it.each([
    ['0,1', 'home'],
    ['2,5,"1A2B","01C3D4E5",7', 'roaming'],
    ['0,3', 'denied'],
    ['1,0', 'not-registered'],
    ['0,2', 'searching'],
  ])('reads the AT+CREG? answer %s as %s', (value, name) => expect(parseRegistrationQuery(value)).toBe(name));

  it('reads the operator from +COPS and nothing from a bare mode', () => {
    expect(parseCops('0,0,"Vodafone UK",7')).toBe('Vodafone UK');
    expect(parseCops('0')).toBeUndefined();
  });

  it('reads +CPIN states with or without quotes', () => {
    expect(parseCpin('READY')).toBe('READY');
    expect(parseCpin('"SIM PIN"')).toBe('SIM PIN');
  });

  it.each([
    ['(0-2)', [0, 1, 2]],
    ['(0,1,3)', [0, 1, 3]],
    ['(0-1,3)', [0, 1, 3]],
    ['(2)', [2]],
    ['0', [0]],
  ])('expands the range %s', (text, values) => expect(expandRange(text)).toEqual(values));

  it.each([
    ['(0-2),(0-3),(0-3),(0-2),(0-1)', [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2], [0, 1]]],
    ['(2),(0-1,3),(0,2),(0-1),(0)', [[2], [0, 1, 3], [0, 2], [0, 1], [0]]],
  ])('reads the AT+CNMI=? answer %s', (value, groups) => expect(parseCnmiTest(value)).toEqual(groups));

  it('prefers mode 2 with +CMTI and falls back to mode 1, as the modem allows', () => {
    const offered = parseCnmiTest('(0-2),(0-3),(0-3),(0-2),(0-1)');
    const candidates = cnmiCandidates(offered, { delivery: 'store', statusReports: false }).map(cnmiCommand);
    expect(candidates.slice(0, 2)).toEqual(['AT+CNMI=2,1,0,0,0', 'AT+CNMI=2,2,0,0,0']);
    expect(candidates).toContain('AT+CNMI=1,1,0,0,0');
  });

  it('asks for status reports inline (+CDS, ds=1) first, then +CDSI', () => {
    const offered = parseCnmiTest('(0-2),(0-3),(0-3),(0-2),(0-1)');
    expect(cnmiCandidates(offered, { delivery: 'store', statusReports: true }).slice(0, 2).map(cnmiCommand)).toEqual(['AT+CNMI=2,1,0,1,0', 'AT+CNMI=2,1,0,2,0']);
  });

  it('uses bfr=1 where the modem only accepts 1 (Cinterion MC75i)', () => {
    const offered = parseCnmiTest('(0-3),(0,1),(0,2,3),(0,2),(1)');
    expect(cnmiCommand(cnmiCandidates(offered, { delivery: 'store', statusReports: false })[0]!)).toBe('AT+CNMI=2,1,0,0,1');
  });

  it('offers direct delivery first when asked for it', () => {
    expect(cnmiCommand(cnmiCandidates(undefined, { delivery: 'direct', statusReports: false })[0]!)).toBe('AT+CNMI=2,2,0,0,0');
  });

  it.each([
    ['("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")', [['ME', 'MT', 'SM', 'SR'], ['ME', 'MT', 'SM', 'SR'], ['ME', 'MT', 'SM', 'SR']]],
    ['"ME","MT","SM"', [['ME'], ['MT'], ['SM']]], // one storage per memory (ModemManager, Huawei MU609)
    ['("ME","MT"),("ME","SM","MT"),("SM","MT")', [['ME', 'MT'], ['ME', 'SM', 'MT'], ['SM', 'MT']]],
  ])('reads the AT+CPMS=? answer %s', (value, lists) => expect(parseCpmsTest(value)).toEqual(lists));

  it.each([
    ['"SM",3,30,"SM",3,30,"SM",3,30', [{ storage: 'SM', used: 3, total: 30 }, { storage: 'SM', used: 3, total: 30 }, { storage: 'SM', used: 3, total: 30 }]],
    ['2,50,2,50,2,50', [{ used: 2, total: 50 }, { used: 2, total: 50 }, { used: 2, total: 50 }]],
    ['14,50,14,50', [{ used: 14, total: 50 }, { used: 14, total: 50 }]],
  ])('reads the +CPMS usage %s', (value, usage) => expect(parseCpmsUsage(value)).toEqual(usage));

  it.each([
    ['Quectel', 'EC25', 'quectel'],
    ['SIMCOM INCORPORATED', 'SIMCOM_SIM7600G-H', 'simcom'],
    ['SIMCOM_Ltd', 'SIM800', 'simcom'],
    ['huawei', 'E3372', 'huawei'],
    ['u-blox', 'SARA-R410M-02B', 'ublox'],
    ['Telit', 'LE910C1-EUX', 'telit'],
    ['Acme', 'Modem 1', 'generic'],
  ])('picks the profile for %s %s', (manufacturer, model, name) => expect(pickProfile(manufacturer, model).name).toBe(name));
});
