import { describe, expect, it } from 'vitest';
import { at } from '../../src/at/command.js';
import { decodeIccid, parseImsi } from '../../src/modem/identity.js';
import { fieldCases, rows, throughChannel, type FieldCase } from '../helpers/field.js';

type IdentityCase = FieldCase<{ value: string | null }> & { answer: string; command?: string; prefix?: string };

describe('field answers: ICCID (fixtures/field/iccid.json)', () => {
  it.each(rows(fieldCases<IdentityCase>('iccid')))('%s', async (_title, c) => {
    // As init-sequence.ts sends it: any prefix, decoded by the vendor command's prefix.
    const { value: response } = await throughChannel(at(c.command!, { prefix: undefined }), c.answer);
    const reading = decodeIccid(response!, { command: c.command!, prefix: c.prefix! });
    expect(reading?.value ?? null).toBe(c.expect.value);
    // A refusal always says why, naming the answer; a doubt is a warning next to the value.
    if (c.expect.value === null) expect(reading?.warnings.join(' ')).toMatch(/ICCID answer ".+"/);
  });
});

describe('field answers: IMSI (fixtures/field/imsi.json)', () => {
  it.each(rows(fieldCases<IdentityCase>('imsi')))('%s', async (_title, c) => {
    const { value: response } = await throughChannel(at('AT+CIMI'), c.answer);
    const line = response!.lines.map((l) => l.replace(/^\+CIMI:/, '')).find((l) => l.trim() !== '')!;
    expect(parseImsi(line).value ?? null).toBe(c.expect.value);
  });
});
