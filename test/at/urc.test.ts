import { describe, expect, it } from 'vitest';
import { STANDARD_URCS, UrcRegistry, type Urc } from '../../src/at/urc.js';

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
    ['+CUSD: 0,"balance 5.00",15', { type: 'VENDOR', prefix: '+CUSD', value: '0,"balance 5.00",15' }],
    ['+CTZV: +04', { type: 'VENDOR', prefix: '+CTZV', value: '+04' }],
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

  it('tries its specs in order: the first that matches types the line', () => {
    const registry = new UrcRegistry([{ name: 'custom', pattern: /^RING$/, parse: (_m, line) => ({ type: 'unknown', line }) }, ...STANDARD_URCS]);
    expect(registry.match('RING')?.spec.name).toBe('custom');
    expect(new UrcRegistry().match('RING')?.spec.name).toBe('RING');
  });

  it('knows no vendor line by itself: RDY and ^RSSI come from the vendor profiles (src/modem/vendors/)', () => {
    expect(parse('RDY')).toBeUndefined();
    expect(parse('^RSSI:14')).toBeUndefined();
  });
});
