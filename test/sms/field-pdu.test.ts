import { describe, expect, it } from 'vitest';
import { isBridgeError } from '../../src/errors.js';
import { decodePdu } from '../../src/sms/pdu.js';
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
