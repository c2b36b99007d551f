import { describe, expect, it } from 'vitest';
import { cmgl, cmgr } from '../../src/sms/sms-commands.js';
import { fieldCases, rows, throughChannel, type FieldCase } from '../helpers/field.js';
import { comparable, type RecordExpectation } from '../helpers/field-record.js';

type CmgrCase = FieldCase<RecordExpectation & { empty?: boolean }> & { index: number; answer: string; expectFrom: string };
type CmglCase = FieldCase<{ records?: RecordExpectation[]; error?: string }> & { answer: string; expectFrom: string };

describe('field answers: +CMGR in PDU mode (fixtures/field/cmgr-pdu.json)', () => {
  it.each(rows(fieldCases<CmgrCase>('cmgr-pdu')))('%s', async (_title, c) => {
    const { value, error, written } = await throughChannel(cmgr(c.index, 'pdu'), c.answer);
    // Nothing but the command is ever written: no line of the answer is taken for a prompt.
    expect(written).toBe(`AT+CMGR=${c.index}\r`);
    if (c.expect.error !== undefined) {
      expect(error?.code).toBe(c.expect.error);
      expect(error?.message).toMatch(/PDU|parse/i);
      return;
    }
    expect(error).toBeUndefined();
    if (c.expect.empty) return expect(value).toBeUndefined();
    expect(comparable(value!, c.expect)).toEqual(c.expect);
  });
});

describe('field answers: +CMGL in PDU mode (fixtures/field/cmgl-pdu.json)', () => {
  it.each(rows(fieldCases<CmglCase>('cmgl-pdu')))('%s', async (_title, c) => {
    const { value, error } = await throughChannel(cmgl('pdu'), c.answer);
    if (c.expect.error !== undefined) return expect(error?.code).toBe(c.expect.error);
    expect(error).toBeUndefined();
    expect(value!.map((record, i) => comparable(record, c.expect.records![i] ?? {}))).toEqual(c.expect.records);
  });
});

describe('field answers: +CMGR in text mode (fixtures/field/cmgr-text.json)', () => {
  it.each(rows(fieldCases<CmgrCase>('cmgr-text')))('%s', async (_title, c) => {
    const { value, error, written } = await throughChannel(cmgr(c.index, 'text'), c.answer);
    expect(written).toBe(`AT+CMGR=${c.index}\r`);
    if (c.expect.error !== undefined) return expect(error?.code).toBe(c.expect.error);
    expect(error).toBeUndefined();
    expect(comparable(value!, c.expect)).toEqual(c.expect);
  });
});

describe('field answers: +CMGL in text mode (fixtures/field/cmgl-text.json)', () => {
  it.each(rows(fieldCases<CmglCase>('cmgl-text')))('%s', async (_title, c) => {
    const { value, error } = await throughChannel(cmgl('text'), c.answer);
    if (c.expect.error !== undefined) return expect(error?.code).toBe(c.expect.error);
    expect(error).toBeUndefined();
    expect(value!.map((record, i) => comparable(record, c.expect.records![i] ?? {}))).toEqual(c.expect.records);
  });
});
