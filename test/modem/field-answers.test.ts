import { describe, expect, it } from 'vitest';
import { at, valuesOf } from '../../src/at/command.js';
import { cpinQuery } from '../../src/modem/init-sequence.js';
import { csqToDbm, parseCnmiTest, parseCpin, parseCpmsTest, parseCpmsUsage } from '../../src/modem/parsers.js';
import { fieldCases, rows, throughChannel, type FieldCase } from '../helpers/field.js';

/** The information values of a prefixed answer, as init-sequence.ts reads them. */
const firstValue = async (command: string, answer: string): Promise<string> => {
  const { value, error } = await throughChannel(at(command), answer);
  if (error) throw new Error(error.message);
  return valuesOf(value!, `${command.replace(/^AT/, '').replace(/[=?].*$/, '')}:`)[0] ?? '';
};

describe('field answers: +CPIN (fixtures/field/cpin.json)', () => {
  type Case = FieldCase<{ state?: string | null; error?: string }> & { answer?: string; value?: string };
  it.each(rows(fieldCases<Case>('cpin')))('%s', async (_title, c) => {
    if (c.value !== undefined) {
      expect(parseCpin(c.value)).toBe(c.expect.state);
      return;
    }
    const { value, error } = await throughChannel(cpinQuery(), c.answer!);
    if (c.expect.error !== undefined) {
      expect(error?.code).toBe(c.expect.error);
      return;
    }
    expect(error).toBeUndefined();
    expect(parseCpin(valuesOf(value!, '+CPIN:')[0] ?? '')).toBe(c.expect.state);
  });
});

describe('field answers: +CPMS=? (fixtures/field/cpms.json)', () => {
  type Case = FieldCase<{ lists: string[][] }> & { answer: string };
  it.each(rows(fieldCases<Case>('cpms')))('%s', async (_title, c) => {
    const lists = parseCpmsTest(await firstValue('AT+CPMS=?', c.answer));
    expect(lists.map((l) => [...l].sort())).toEqual(c.expect.lists.map((l) => [...l].sort()));
  });
});

describe('field answers: +CPMS? and set answers (fixtures/field/cpms-usage.json)', () => {
  type Case = FieldCase<{ usage: { storage?: string; used: number; total: number }[] }> & { answer: string };
  it.each(rows(fieldCases<Case>('cpms-usage')))('%s', async (_title, c) => {
    expect(parseCpmsUsage(await firstValue('AT+CPMS?', c.answer))).toEqual(c.expect.usage);
  });
});

describe('field answers: +CNMI=? (fixtures/field/cnmi.json)', () => {
  type Case = FieldCase<{ offered: number[][] }> & { answer: string };
  it.each(rows(fieldCases<Case>('cnmi')))('%s', async (_title, c) => {
    expect(parseCnmiTest(await firstValue('AT+CNMI=?', c.answer))).toEqual(c.expect.offered);
  });
});

describe('field answers: +CSCS (fixtures/field/cscs.json)', () => {
  type Case = FieldCase<{ lines: string[]; final: string }> & { answer: string; command: string };
  it.each(rows(fieldCases<Case>('cscs')))('%s', async (_title, c) => {
    const { value } = await throughChannel(at(c.command), c.answer);
    expect(value).toEqual(c.expect);
  });
});

describe('field answers: +CSQ (fixtures/field/csq.json)', () => {
  type Case = FieldCase<{ dbm: number | null }> & { answer: string };
  it.each(rows(fieldCases<Case>('csq')))('%s', async (_title, c) => {
    expect(csqToDbm(await firstValue('AT+CSQ', c.answer)) ?? null).toBe(c.expect.dbm);
  });
});
