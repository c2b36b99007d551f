import type { SmsRecord } from '../../src/sms/types.js';

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

