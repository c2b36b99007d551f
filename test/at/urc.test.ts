import { describe, expect, it } from 'vitest';
import { UrcRegistry, type Urc } from '../../src/at/urc.js';

const parse = (line: string, trailing: string[] = []): Urc | undefined => {
  const m = new UrcRegistry().match(line);
  return m ? m.spec.parse(m.match, line.trim(), trailing) : undefined;
};

describe('UrcRegistry', () => {
  it.each<[string, Partial<Urc>]>([
    ['+CMTI: "SM",3', { type: 'CMTI', storage: 'SM', index: 3 }],
    ['+CMTI: "ME",0', { type: 'CMTI', storage: 'ME', index: 0 }],
    ['+CMTI: SM, 12', { type: 'CMTI', storage: 'SM', index: 12 }],
    ['+CDSI: "SR",0', { type: 'CDSI', storage: 'SR', index: 0 }],
    ['RING', { type: 'RING' }],
    ['+CREG: 1', { type: 'CREG', stat: 1 }],
    ['+CEREG: 5,"1A2B","01C3D4E5",7', { type: 'CEREG', stat: 5, lac: '1A2B', ci: '01C3D4E5' }],
    ['+CPIN: READY', { type: 'CPIN', state: 'READY' }],
    ['+CPIN: "READY"', { type: 'CPIN', state: 'READY' }],
    ['+CFUN: 1', { type: 'CFUN', fun: 1 }],
    ['RDY', { type: 'BOOT', stage: 'ready' }],
    ['+QIND: SMS DONE', { type: 'BOOT', stage: 'sms-ready' }],
    ['SMS DONE', { type: 'BOOT', stage: 'sms-ready' }],
    ['SMS Ready', { type: 'BOOT', stage: 'sms-ready' }],
    ['PB DONE', { type: 'BOOT', stage: 'phonebook-ready' }],
    ['Call Ready', { type: 'BOOT', stage: 'call-ready' }],
    ['^SMMEMFULL:"SM"', { type: 'SMS_FULL', storage: 'SM' }],
    ['+SMS FULL', { type: 'SMS_FULL' }],
    ['+QIND: "smsfull","SM"', { type: 'SMS_FULL', storage: 'SM' }],
    ['^RSSI:14', { type: 'VENDOR', prefix: '^RSSI', value: '14' }],
    ['^BOOT:35323129,0,0,0,26', { type: 'VENDOR', prefix: '^BOOT' }],
    ['+ZPASR: "UMTS"', { type: 'VENDOR', prefix: '+ZPASR', value: '"UMTS"' }],
  ])('types %j', (line, expected) => {
    expect(parse(line)).toMatchObject({ ...expected, line });
  });

  it('says +CMT carries one trailing line and takes it as data', () => {
    const m = new UrcRegistry().match('+CMT: "000",,"24/10/24,20:12:17+00"');
    expect(m?.trailingLines).toBe(1);
    expect(parse('+CMT: ,23', ['0791AB'])).toMatchObject({ type: 'CMT', header: ',23', data: '0791AB' });
  });

  it('says a PDU-mode +CDS carries a trailing PDU line and a text-mode +CDS does not', () => {
    const registry = new UrcRegistry();
    expect(registry.match('+CDS: 24')?.trailingLines).toBe(1);
    expect(registry.match('+CDS: ,25')?.trailingLines).toBe(1);
    expect(registry.match('+CDS: 6,79,"+15551230000",145,"24/10/24,20:41:12+00","24/10/24,20:41:15+00",0')?.trailingLines).toBe(0);
  });

  it('does not match lines that only look similar', () => {
    expect(parse('+CMTI: ,-1')).toBeUndefined();
    expect(parse('ping')).toBeUndefined();
    expect(parse('RINGING')).toBeUndefined();
  });

  it('tries registered specs before the standard ones', () => {
    const registry = new UrcRegistry();
    registry.register({ name: 'custom', pattern: /^RING$/, parse: (_m, line) => ({ type: 'unknown', line }) });
    expect(registry.match('RING')?.spec.name).toBe('custom');
  });
});
