import { describe, expect, it } from 'vitest';
import { isBridgeError } from '../../src/errors.js';
import { decodePdu, encodeSubmit, type SubmitOptions } from '../../src/sms/pdu.js';
import { fieldCases, rows, type FieldCase } from '../helpers/field.js';
import { comparable, type RecordExpectation } from '../helpers/field-record.js';

type Case = FieldCase<RecordExpectation> & { pdu: string; expectFrom: string };

describe('field answers: PDUs (fixtures/field/pdu-decode.json)', () => {
  it.each(rows(fieldCases<Case>('pdu-decode')))('%s', (_title, c) => {
    if (c.expect.error !== undefined) {
      let caught: unknown;
      try {
        decodePdu(c.pdu);
      } catch (error) {
        caught = error;
      }
      expect(isBridgeError(caught) ? caught.code : caught).toBe(c.expect.error);
      // A refusal names the PDU it refuses.
      expect((caught as Error).message).toContain(c.pdu.slice(0, 20));
      return;
    }
    const record = decodePdu(c.pdu);
    expect(comparable(record, c.expect)).toEqual(c.expect);
  });
});

describe('field answers: SMS-SUBMIT encoding (fixtures/field/pdu-encode.json)', () => {
  type EncodeCase = FieldCase<{ pdu: string; messageReferenceIgnored?: boolean }> & { input: SubmitOptions };
  it.each(rows(fieldCases<EncodeCase>('pdu-encode')))('%s', (_title, c) => {
    const encoded = encodeSubmit(c.input);
    // TP-MR is the octet after the SMSC length (00) and the first octet.
    const withoutMr = (pdu: string) => (c.expect.messageReferenceIgnored ? pdu.slice(0, 4) + pdu.slice(6) : pdu);
    expect(withoutMr(encoded.pdu)).toBe(withoutMr(c.expect.pdu));
    expect(encoded.tpduLength).toBe(c.expect.pdu.length / 2 - 1);
    // What we send, we read back.
    expect(decodePdu(encoded.pdu)).toMatchObject({ kind: 'submit', recipient: c.input.to, text: c.input.text });
  });
});
