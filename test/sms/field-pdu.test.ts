import { describe, expect, it } from 'vitest';
import { isBridgeError } from '../../src/errors.js';
import { decodePdu } from '../../src/sms/pdu.js';
import type { SmsRecord } from '../../src/sms/types.js';
import { fieldCases, rows, type FieldCase } from '../helpers/field.js';

/** What a case may expect of a record: the fields the sources assert, in our names. */
export interface RecordExpectation {
  kind?: SmsRecord['kind'];
  /** The sender of a deliver, the recipient of a submit or status report. */
  address?: string;
  sender?: string;
  recipient?: string;
  smsc?: string;
  text?: string;
  /** 8-bit user data as upper-case hex. */
  data?: string;
  timestamp?: string;
  scts?: string;
  dischargeTime?: string;
  timezoneKnown?: boolean;
  messageReference?: number;
  st?: number;
  concatenated?: boolean;
  udh?: { reference: number; total: number; sequence: number };
  status?: string;
  index?: number;
  error?: string;
  refused?: string;
}

/** The record's fields named as the expectation names them, only those it asks about. */
export function comparable(record: SmsRecord, expected: RecordExpectation): RecordExpectation {
  const out: RecordExpectation = {};
  const address = record.kind === 'deliver' ? record.sender : record.recipient;
  for (const key of Object.keys(expected) as (keyof RecordExpectation)[]) {
    switch (key) {
      case 'address':
      case 'sender':
      case 'recipient':
        out[key] = address;
        break;
      case 'data':
        out.data = 'data' in record && record.data ? Buffer.from(record.data).toString('hex').toUpperCase() : undefined;
        break;
      case 'timestamp':
        out.timestamp = record.kind === 'submit' ? undefined : record.timestamp.toISOString();
        break;
      case 'scts':
        out.scts = record.kind === 'status-report' ? record.scts.toISOString() : undefined;
        break;
      case 'dischargeTime':
        out.dischargeTime = record.kind === 'status-report' ? record.dischargeTime.toISOString() : undefined;
        break;
      case 'concatenated':
        out.concatenated = 'udh' in record && record.udh !== undefined;
        break;
      default:
        (out as Record<string, unknown>)[key] = (record as unknown as Record<string, unknown>)[key];
    }
  }
  return out;
}

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
