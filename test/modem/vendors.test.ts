import { describe, expect, it } from 'vitest';
import type { Urc } from '../../src/at/urc.js';
import { decodeIccid } from '../../src/modem/identity.js';
import { cnmiCandidates, cnmiCommand } from '../../src/modem/parsers.js';
import { modemUrcs, PROFILES, type ProfileName } from '../../src/modem/profiles.js';

const typed = (line: string, trailing: string[] = []): Urc | undefined => {
  const m = modemUrcs().match(line);
  return m ? m.spec.parse(m.match, line.trim(), trailing) : undefined;
};
/** Which vendor file's spec types the line. */
const owner = (line: string): ProfileName | undefined => {
  const spec = modemUrcs().match(line)?.spec;
  return (Object.keys(PROFILES) as ProfileName[]).find((name) => spec !== undefined && PROFILES[name].urcs.includes(spec));
};

describe('vendor profiles: unsolicited lines', () => {
  it.each<[string, ProfileName, Partial<Urc>]>([
    ['RDY', 'quectel', { type: 'BOOT', stage: 'ready' }],
    ['+QIND: SMS DONE', 'quectel', { type: 'BOOT', stage: 'sms-ready' }],
    ['+QIND: PB DONE', 'quectel', { type: 'BOOT', stage: 'phonebook-ready' }],
    ['+QIND: "smsfull","SM"', 'quectel', { type: 'SMS_FULL', storage: 'SM' }],
    ['+QIND: "csq",20,99', 'quectel', { type: 'VENDOR', prefix: '+QIND', value: '"csq",20,99' }],
    ['+QUSIM: 1', 'quectel', { type: 'VENDOR', prefix: '+QUSIM' }],
    ['SMS DONE', 'simcom', { type: 'BOOT', stage: 'sms-ready' }],
    ['SMS Ready', 'simcom', { type: 'BOOT', stage: 'sms-ready' }],
    ['PB DONE', 'simcom', { type: 'BOOT', stage: 'phonebook-ready' }],
    ['Call Ready', 'simcom', { type: 'BOOT', stage: 'call-ready' }],
    ['+SMS FULL', 'simcom', { type: 'SMS_FULL' }],
    ['*PSUTTZ: 2024,10,24,20,12,17,"+4",0', 'simcom', { type: 'VENDOR', prefix: '*PSUTTZ' }],
    ['^SYSSTART', 'huawei', { type: 'BOOT', stage: 'ready' }],
    ['^SMMEMFULL:"SM"', 'huawei', { type: 'SMS_FULL', storage: 'SM' }],
    ['^RSSI:14', 'huawei', { type: 'VENDOR', prefix: '^RSSI', value: '14' }],
    ['^BOOT:35323129,0,0,0,26', 'huawei', { type: 'VENDOR', prefix: '^BOOT' }],
    ['+READY', 'ublox', { type: 'BOOT', stage: 'ready' }],
    ['+PBREADY', 'ublox', { type: 'BOOT', stage: 'phonebook-ready' }],
    ['+ZPASR: "UMTS"', 'generic', { type: 'VENDOR', prefix: '+ZPASR', value: '"UMTS"' }],
  ])('%j is typed by the %s profile', (line, vendor, expected) => {
    expect(owner(line)).toBe(vendor);
    expect(typed(line)).toMatchObject({ ...expected, line });
  });

  it('leaves the 3GPP lines to the standard table, ahead of every vendor line', () => {
    expect(owner('+CMTI: "ME",3')).toBeUndefined();
    expect(typed('+CMTI: "ME",3')).toMatchObject({ type: 'CMTI', storage: 'ME', index: 3 });
  });

  it('vendors that print the same line (RDY: Quectel and SIMCom) type it the same, so the order of the files does not matter', () => {
    for (const line of ['RDY', '+QIND: SMS DONE', 'SMS Ready', 'PB DONE', '+SMS FULL', '^SMMEMFULL:"SM"', '+READY', '^SYSSTART', '^RSSI:14']) {
      // Within one file the first match wins (`+QIND: SMS DONE` before Quectel's other +QIND lines).
      const results = Object.values(PROFILES).flatMap((profile) => {
        const spec = profile.urcs.find((s) => s.pattern.test(line));
        const m = spec?.pattern.exec(line);
        return spec && m ? [JSON.stringify(spec.parse(m, line, []))] : [];
      });
      expect(new Set(results).size, line).toBe(1);
    }
  });
});

describe('vendor profiles: identity answers', () => {
  const answer = (...lines: string[]) => ({ lines, final: 'OK' });
  it.each<[ProfileName, string[], string]>([
    // The answer each vendor's manual shows (vendors/*.ts cite them).
    ['quectel', ['+QCCID: 89860025128306012474'], '89860025128306012474'],
    ['simcom', ['+ICCID: 898600700907A6019125'], '898600700907A6019125'],
    ['huawei', ['^ICCID: 98684012345678901234'], '89860421436587092143'],
    ['ublox', ['+CCID: 8944200011231044047F'], '8944200011231044047'],
    ['telit', ['#CCID: 89883070000012345678'], '89883070000012345678'],
  ])('%s: decodes %j with its first ICCID command', (vendor, lines, iccid) => {
    expect(decodeIccid(answer(...lines), PROFILES[vendor].iccid[0]!)?.value).toBe(iccid);
  });

  it('reads a bare answer where the vendor prints no prefix (SIM800 AT+CCID)', () => {
    const bare = PROFILES.simcom.iccid.find((c) => c.prefix === '')!;
    expect(decodeIccid(answer('89860022090900206023'), bare)?.value).toBe('89860022090900206023');
  });

  it.each([
    ['not an ICCID', '+QCCID: 12345'],
    ['an IMSI', '+QCCID: 234150123456789'],
    ['a wrong industry prefix', '+QCCID: 12860025128306012474'],
    ['another command’s answer', '+CSQ: 20,99'],
  ])('refuses %s', (_what, line) => {
    expect(decodeIccid(answer(line), PROFILES.quectel.iccid[0]!)?.value).toBeUndefined();
  });
});

describe('vendor profiles: every field changes behaviour', () => {
  it('only the Quectel profile keeps status reports away from +CDSI (ds=2)', () => {
    const offered = [[1, 2], [0, 1, 2, 3], [0, 2], [0, 1, 2], [0, 1]];
    const ds = (avoidCdsi: boolean) => cnmiCandidates(offered, { delivery: 'store', statusReports: true, avoidCdsi }).map(cnmiCommand);
    expect(ds(PROFILES.quectel.cdsiUnreliable).some((c) => c.endsWith(',2,0'))).toBe(false);
    expect(ds(PROFILES.simcom.cdsiUnreliable)).toContain('AT+CNMI=2,1,0,2,0');
  });

  it('every profile names a PIN-attempts command, an ICCID command and at least one storage', () => {
    for (const profile of Object.values(PROFILES)) {
      expect(profile.pinAttempts.command).toMatch(/^AT[+#^]/);
      expect(profile.iccid.length).toBeGreaterThan(0);
      expect(profile.storages.length).toBeGreaterThan(0);
    }
  });
});
