import { describe, expect, it } from 'vitest';
import { at, valuesOf } from '../../src/at/command.js';
import { parseRegistration } from '../../src/at/registration.js';
import { parseRegistrationQuery, registrationName } from '../../src/modem/parsers.js';
import { fieldCases, rows, throughChannel, urcsOf, type FieldCase } from '../helpers/field.js';

type Case = FieldCase<{ stat: number; lac?: number; ci?: number; act?: number }> & { origin: 'query' | 'unsolicited'; answer: string };

/** Area and cell as numbers, 0 when absent (ModemManager's convention in its expectations). */
const asNumbers = (report: { lac?: string; ci?: string; act?: number; stat?: number }, expected: Case['expect']) => ({
  stat: report.stat,
  ...(expected.lac === undefined ? {} : { lac: report.lac === undefined ? 0 : parseInt(report.lac, 16) }),
  ...(expected.ci === undefined ? {} : { ci: report.ci === undefined ? 0 : parseInt(report.ci, 16) }),
  ...(expected.act === undefined ? {} : { act: report.act }),
});

describe('field answers: registration (fixtures/field/registration.json)', () => {
  const cases = fieldCases<Case>('registration');

  it.each(rows(cases.filter((c) => c.origin === 'query')))('reads the answer to the read command: %s', async (_title, c) => {
    const prefix = /\+C(?:5G|G|E)?REG:/.exec(c.answer)![0];
    const { value } = await throughChannel(at(`AT${prefix.slice(0, -1)}?`), c.answer);
    const line = valuesOf(value!, prefix)[0]!;
    expect(asNumbers(parseRegistration(line, 'query'), c.expect)).toEqual(c.expect);
    // What the session shows (`smsbridge info`, status): the state's name.
    expect(parseRegistrationQuery(line)).toBe(registrationName(c.expect.stat));
  });

  it.each(rows(cases.filter((c) => c.origin === 'unsolicited')))('reads the unsolicited report: %s', (_title, c) => {
    const [urc] = urcsOf(c.answer);
    expect(urc?.type).toMatch(/^C(5G|G|E)?REG$/);
    if (urc === undefined || !('stat' in urc)) throw new Error('no registration URC');
    expect(asNumbers(urc, c.expect)).toEqual(c.expect);
  });

  it('names every <stat> 27.007 defines; 9 and 10 are registered', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(registrationName)).toEqual([
      'not-registered', 'home', 'searching', 'denied', 'unknown', 'roaming', 'sms-only', 'sms-only', 'emergency', 'home', 'roaming', 'restricted-local-services',
    ]);
  });
});
