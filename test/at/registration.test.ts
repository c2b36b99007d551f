import { describe, expect, it } from 'vitest';
import { parseRegistration } from '../../src/at/registration.js';

// The shapes src/at/registration.ts tells apart; the field answers are in fixtures/field/registration.json.
describe('registration reports read by shape', () => {
  it.each([
    ['query: <n>,<stat>', '2,1', 'query', { n: 2, stat: 1 }],
    ['query with area, cell and AcT', '2,1,"8BE3","00002BAF",7', 'query', { n: 2, stat: 1, lac: '8BE3', ci: '00002BAF', act: 7 }],
    ['unsolicited: <stat> alone', '5', 'unsolicited', { stat: 5 }],
    ['unsolicited: <stat>,<lac>,<ci>,<AcT>', '1,0001,0010,0', 'unsolicited', { stat: 1, lac: '0001', ci: '0010', act: 0 }],
    ['unsolicited repeating <n>', '2,5,"0502","0404736D"', 'unsolicited', { n: 2, stat: 5, lac: '0502', ci: '0404736D' }],
    ['unsolicited with a RAC between area and cell', '1, 1F00, 20 ,79D903 ,7', 'unsolicited', { stat: 1, lac: '1F00', rac: '20', ci: '79D903', act: 7 }],
    ['+CGREG with <rac> last', '1,"1422","00000142",3,"00"', 'unsolicited', { stat: 1, lac: '1422', ci: '00000142', act: 3, rac: '00' }],
    ['+C5GREG with its NSSAI fields, no RAC', '1,1F00,79D903,11,6,ABCDEF', 'unsolicited', { stat: 1, lac: '1F00', ci: '79D903', act: 11 }],
    ['an empty <stat>', '2,,', 'query', { n: 2 }],
  ] as const)('%s', (_title, values, origin, report) => {
    expect(parseRegistration(values, origin)).toEqual(report);
  });
});
