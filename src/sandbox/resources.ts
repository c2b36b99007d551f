/**
 * The resources the sandbox stores, and their JSON shapes. The SMS Command's JSON has exactly
 * the nine properties of the reference's `supersim.v1.sms_command` schema; the error of a failed
 * command travels in its callback (ErrorCode/ErrorMessage), as the schema has no field for it.
 */
export const STATUSES = ['queued', 'sent', 'delivered', 'received', 'failed'] as const;
export type Status = (typeof STATUSES)[number];
export const DIRECTIONS = ['to_sim', 'from_sim'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const METHODS = ['GET', 'POST'] as const;
export type HttpMethod = (typeof METHODS)[number];

export interface CommandRecord {
  /** Creation order; the list's sort key and what page tokens point at. */
  seq: number;
  sid: string;
  accountSid: string;
  simSid: string;
  payload: string;
  status: Status;
  direction: Direction;
  callbackUrl: string | null;
  callbackMethod: HttpMethod;
  errorCode: number | null;
  errorMessage: string | null;
  /** Milliseconds since the epoch, from the sandbox clock. */
  created: number;
  updated: number;
  attempts: number;
  /** Set once the 24-hour retry window closed without delivery: the command stays `sent`. */
  gaveUp: boolean;
}

export interface FleetRecord {
  sid: string;
  accountSid: string;
  uniqueName: string;
  smsCommandsEnabled: boolean;
  smsCommandsUrl: string | null;
  smsCommandsMethod: HttpMethod;
  created: number;
  updated: number;
}

export interface SimRecord {
  sid: string;
  accountSid: string;
  uniqueName: string;
  fleetSid: string | null;
  /** `active` SIMs get commands; an `inactive` one makes its pending commands fail (sandbox rule). */
  status: 'active' | 'inactive';
  iccid: string | null;
  created: number;
  updated: number;
}

export interface SmsCommandJson {
  sid: string;
  account_sid: string;
  sim_sid: string;
  payload: string;
  status: Status;
  direction: Direction;
  date_created: string;
  date_updated: string;
  url: string;
}

/** ISO 8601 in GMT to the second, as in the reference's example (`2024-10-24T20:12:17Z`). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function commandJson(c: CommandRecord, baseUrl: string): SmsCommandJson {
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    sim_sid: c.simSid,
    payload: c.payload,
    status: c.status,
    direction: c.direction,
    date_created: isoDate(c.created),
    date_updated: isoDate(c.updated),
    url: `${baseUrl}/v1/SmsCommands/${c.sid}`,
  };
}

export function fleetJson(f: FleetRecord, baseUrl: string) {
  return {
    sid: f.sid,
    account_sid: f.accountSid,
    unique_name: f.uniqueName,
    sms_commands_enabled: f.smsCommandsEnabled,
    sms_commands_url: f.smsCommandsUrl,
    sms_commands_method: f.smsCommandsMethod,
    date_created: isoDate(f.created),
    date_updated: isoDate(f.updated),
    url: `${baseUrl}/v1/Fleets/${f.sid}`,
  };
}

export function simJson(s: SimRecord, baseUrl: string) {
  return {
    sid: s.sid,
    account_sid: s.accountSid,
    unique_name: s.uniqueName,
    fleet_sid: s.fleetSid,
    status: s.status,
    iccid: s.iccid,
    date_created: isoDate(s.created),
    date_updated: isoDate(s.updated),
    url: `${baseUrl}/v1/Sims/${s.sid}`,
  };
}
