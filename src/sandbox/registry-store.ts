/**
 * Fleets and SIMs, the minimum the SMS Commands API needs: a SIM has a SID, a unique name and a
 * fleet; a fleet says where mobile-originated commands are announced (`sms_commands_url`/`_method`).
 */
import type { Database } from '../sqlite.js';
import type { FleetRecord, HttpMethod, SimRecord } from './resources.js';
import { isSid, newSid } from './sids.js';

interface FleetRow {
  sid: string;
  unique_name: string;
  sms_commands_enabled: number;
  sms_commands_url: string | null;
  sms_commands_method: HttpMethod;
  created: number;
  updated: number;
}

interface SimRow {
  sid: string;
  unique_name: string;
  fleet_sid: string | null;
  status: 'active' | 'inactive';
  iccid: string | null;
  created: number;
  updated: number;
}

export interface FleetInput {
  uniqueName?: string | undefined;
  smsCommandsEnabled?: boolean | undefined;
  smsCommandsUrl?: string | null | undefined;
  smsCommandsMethod?: HttpMethod | undefined;
}

export interface SimInput {
  uniqueName?: string | undefined;
  /** Fleet SID or unique name. */
  fleet?: string | undefined;
  status?: 'active' | 'inactive' | undefined;
  iccid?: string | undefined;
}

export class RegistryStore {
  constructor(
    private readonly db: Database,
    private readonly accountSid: string,
    private readonly clock: () => Date,
  ) {}

  createFleet(input: FleetInput): FleetRecord {
    const now = this.clock().getTime();
    const sid = newSid('HF');
    this.db
      .prepare('INSERT INTO fleets (sid, unique_name, sms_commands_enabled, sms_commands_url, sms_commands_method, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(sid, input.uniqueName ?? sid, input.smsCommandsEnabled === false ? 0 : 1, input.smsCommandsUrl ?? null, input.smsCommandsMethod ?? 'POST', now, now);
    return this.fleet(sid)!;
  }

  updateFleet(sid: string, input: FleetInput): FleetRecord {
    const f = this.fleet(sid)!;
    this.db
      .prepare('UPDATE fleets SET unique_name = ?, sms_commands_enabled = ?, sms_commands_url = ?, sms_commands_method = ?, updated = ? WHERE sid = ?')
      .run(
        input.uniqueName ?? f.uniqueName,
        (input.smsCommandsEnabled ?? f.smsCommandsEnabled) ? 1 : 0,
        input.smsCommandsUrl === undefined ? f.smsCommandsUrl : input.smsCommandsUrl,
        input.smsCommandsMethod ?? f.smsCommandsMethod,
        this.clock().getTime(),
        f.sid,
      );
    return this.fleet(f.sid)!;
  }

  /** By SID or unique name. */
  fleet(key: string): FleetRecord | undefined {
    const row = this.db.prepare<[string], FleetRow>(`SELECT * FROM fleets WHERE ${isSid('HF', key) ? 'sid' : 'unique_name'} = ?`).get(key);
    return row && fleetRecord(row, this.accountSid);
  }

  fleets(): FleetRecord[] {
    return this.db.prepare<[], FleetRow>('SELECT * FROM fleets ORDER BY created, sid').all().map((r) => fleetRecord(r, this.accountSid));
  }

  createSim(input: SimInput): SimRecord {
    const now = this.clock().getTime();
    const sid = newSid('HS');
    const fleetSid = input.fleet === undefined ? null : (this.fleet(input.fleet)?.sid ?? null);
    this.db
      .prepare('INSERT INTO sims (sid, unique_name, fleet_sid, status, iccid, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(sid, input.uniqueName ?? sid, fleetSid, input.status ?? 'active', input.iccid ?? null, now, now);
    return this.sim(sid)!;
  }

  updateSim(sid: string, input: SimInput): SimRecord {
    const s = this.sim(sid)!;
    const fleetSid = input.fleet === undefined ? s.fleetSid : (this.fleet(input.fleet)?.sid ?? null);
    this.db
      .prepare('UPDATE sims SET unique_name = ?, fleet_sid = ?, status = ?, iccid = ?, updated = ? WHERE sid = ?')
      .run(input.uniqueName ?? s.uniqueName, fleetSid, input.status ?? s.status, input.iccid ?? s.iccid, this.clock().getTime(), s.sid);
    return this.sim(s.sid)!;
  }

  /** By SID or unique name, as the `Sim` parameter of the API takes either. */
  sim(key: string): SimRecord | undefined {
    const row = this.db.prepare<[string], SimRow>(`SELECT * FROM sims WHERE ${isSid('HS', key) ? 'sid' : 'unique_name'} = ?`).get(key);
    return row && simRecord(row, this.accountSid);
  }

  sims(): SimRecord[] {
    return this.db.prepare<[], SimRow>('SELECT * FROM sims ORDER BY created, sid').all().map((r) => simRecord(r, this.accountSid));
  }
}

function fleetRecord(r: FleetRow, accountSid: string): FleetRecord {
  return {
    sid: r.sid,
    accountSid,
    uniqueName: r.unique_name,
    smsCommandsEnabled: r.sms_commands_enabled === 1,
    smsCommandsUrl: r.sms_commands_url,
    smsCommandsMethod: r.sms_commands_method,
    created: r.created,
    updated: r.updated,
  };
}

function simRecord(r: SimRow, accountSid: string): SimRecord {
  return { sid: r.sid, accountSid, uniqueName: r.unique_name, fleetSid: r.fleet_sid, status: r.status, iccid: r.iccid, created: r.created, updated: r.updated };
}
