import { describe, expect, it } from 'vitest';
import { luhnValid, parseIccid, parseImsi } from '../../src/modem/identity.js';

describe('ICCID decoding and checks (ITU-T E.118)', () => {
  it.each([
    // answer, value, warning (a fragment), or null when refused
    ['89014103211118510720', '89014103211118510720', undefined], // valid Luhn digit
    ['"89014103211118510720"', '89014103211118510720', undefined],
    ['98101430121181157002', '89014103211118510720', undefined], // nibble-swapped, as stored in EF-ICCID
    ['8901410321111851072F', '8901410321111851072', undefined], // the filler dropped; 19 digits with their check digit
    ['8901410321111851073F', '8901410321111851073', 'Luhn'],
    ['898602F9091830030220', '898602F9091830030220', 'hex digits'],
    ['89883070000012345678', '89883070000012345678', 'Luhn'],
    ['8944200053671052499', '8944200053671052499', 'Luhn'], // ModemManager's test ICCID
  ])('decodes %s', (answer, value, warning) => {
    const reading = parseIccid(answer);
    expect(reading.value).toBe(value);
    if (warning === undefined) expect(reading.warnings).toEqual([]);
    else expect(reading.warnings.join(' ')).toContain(warning);
  });

  it.each([
    ['12345', 'is not 18–20 hex digits'],
    ['234150123456789', 'is not 18–20 hex digits'], // an IMSI
    ['0044200053671052499', 'does not start with 89'],
    ['89F4410321111851072', 'has an impossible issuer prefix 89F441'], // hex where the country code is
    ['8986A20321111851072', 'has an impossible issuer prefix 8986A2'],
    ['89014103211pl8510720', 'is not 18–20 hex digits'],
  ])('refuses %s, saying why and naming the answer', (answer, why) => {
    const reading = parseIccid(answer);
    expect(reading.value).toBeUndefined();
    expect(reading.warnings).toEqual([expect.stringContaining(`"${answer}" ${why}`)]);
  });

  it('checks the Luhn digit over the whole number', () => {
    expect(luhnValid('89014103211118510720')).toBe(true);
    expect(luhnValid('89014103211118510721')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true); // ISO/IEC 7812-1 annex B example
  });
});

describe('IMSI decoding and checks (3GPP TS 23.003 §2.2)', () => {
  it.each([
    ['234150123456789', '234150123456789', []],
    ['"001010123456789"', '001010123456789', []], // the test network
    ['23415012345', '23415012345', ['11 digits long']],
    ['012150123456789', '012150123456789', ['country code 012']],
  ])('decodes %s', (answer, value, warnings) => {
    const reading = parseImsi(answer);
    expect(reading.value).toBe(value);
    expect(reading.warnings).toEqual(warnings.map((w) => expect.stringContaining(w)));
  });

  it.each(['2341501234567890', '23415A', 'ERROR'])('refuses %s', (answer) => {
    const reading = parseImsi(answer);
    expect(reading.value).toBeUndefined();
    expect(reading.warnings).toEqual([expect.stringContaining(`"${answer}"`)]);
  });
});
