/** The SMS Command resource as the client returns it: the reference's schema in camelCase, dates as Date. */
import { z } from 'zod';

export const SMS_COMMAND_STATUSES = ['queued', 'sent', 'delivered', 'received', 'failed'] as const;
export type SmsCommandStatus = (typeof SMS_COMMAND_STATUSES)[number];
export type SmsCommandDirection = 'to_sim' | 'from_sim';

// Every property is nullable in the reference's schema.
const Wire = z.object({
  sid: z.string().nullable(),
  account_sid: z.string().nullable(),
  sim_sid: z.string().nullable(),
  payload: z.string().nullable(),
  status: z.enum(SMS_COMMAND_STATUSES).nullable(),
  direction: z.enum(['to_sim', 'from_sim']).nullable(),
  date_created: z.string().nullable(),
  date_updated: z.string().nullable(),
  url: z.string().nullable(),
});

export interface SmsCommand {
  sid: string | null;
  accountSid: string | null;
  simSid: string | null;
  payload: string | null;
  status: SmsCommandStatus | null;
  direction: SmsCommandDirection | null;
  dateCreated: Date | null;
  dateUpdated: Date | null;
  url: string | null;
}

export const PageWire = z.object({
  sms_commands: z.array(z.unknown()),
  meta: z.object({
    first_page_url: z.string(),
    key: z.string(),
    next_page_url: z.string().nullable(),
    page: z.number(),
    page_size: z.number(),
    previous_page_url: z.string().nullable(),
    url: z.string(),
  }),
});

export function parseSmsCommand(value: unknown): SmsCommand {
  const w = Wire.parse(value);
  const date = (s: string | null) => (s === null ? null : new Date(s));
  return {
    sid: w.sid,
    accountSid: w.account_sid,
    simSid: w.sim_sid,
    payload: w.payload,
    status: w.status,
    direction: w.direction,
    dateCreated: date(w.date_created),
    dateUpdated: date(w.date_updated),
    url: w.url,
  };
}
