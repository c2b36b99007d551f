import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Status } from '../../src/sandbox/resources.js';
import { openApi, type Api } from './helpers.js';

let api: Api;
let simA: string;
let simB: string;

beforeEach(async () => {
  api = await openApi();
  simA = api.sandbox.registry.createSim({ uniqueName: 'meter-a' }).sid;
  simB = api.sandbox.registry.createSim({ uniqueName: 'meter-b' }).sid;
});
afterEach(() => api.close());

/** Commands straight into the store, one second apart, so statuses are whatever the test says. */
function seed(rows: [sim: string, direction: 'to_sim' | 'from_sim', status: Status][]): string[] {
  return rows.map(([simSid, direction, status], i) => {
    api.clock.advance(1000);
    return api.sandbox.commands.create({ simSid, payload: `c${i}`, direction, status }).sid;
  });
}

const sids = (body: { sms_commands: { sid: string }[] }) => body.sms_commands.map((c) => c.sid);

describe('GET /v1/SmsCommands', () => {
  it('lists newest first under the key sms_commands, with a meta block for one page', async () => {
    const created = seed([
      [simA, 'to_sim', 'delivered'],
      [simA, 'from_sim', 'received'],
      [simB, 'to_sim', 'queued'],
    ]);
    const { status, body } = await api.call('GET', '/v1/SmsCommands');
    expect(status).toBe(200);
    expect(sids(body)).toEqual([...created].reverse());
    const list = `${api.sandbox.url}/v1/SmsCommands`;
    expect(body.meta).toEqual({
      first_page_url: `${list}?PageSize=50&Page=0`,
      key: 'sms_commands',
      next_page_url: null,
      page: 0,
      page_size: 50,
      previous_page_url: null,
      url: `${list}?PageSize=50&Page=0`,
    });
    expect(body.sms_commands[0]).toEqual((await api.call('GET', `/v1/SmsCommands/${created[2]}`)).body);
  });

  it('filters by Sim (SID or unique name), Status and Direction, alone and together', async () => {
    const [a1, a2, b1, a3, b2] = seed([
      [simA, 'to_sim', 'delivered'],
      [simA, 'from_sim', 'received'],
      [simB, 'to_sim', 'sent'],
      [simA, 'to_sim', 'failed'],
      [simB, 'from_sim', 'received'],
    ]);
    const list = async (q: string) => sids((await api.call('GET', `/v1/SmsCommands?${q}`)).body);
    expect(await list(`Sim=${simA}`)).toEqual([a3, a2, a1]);
    expect(await list('Sim=meter-b')).toEqual([b2, b1]);
    expect(await list('Status=received')).toEqual([b2, a2]);
    expect(await list('Status=queued')).toEqual([]);
    expect(await list('Direction=to_sim')).toEqual([a3, b1, a1]);
    expect(await list('Direction=from_sim&Sim=meter-a')).toEqual([a2]);
    expect(await list('Sim=meter-a&Status=failed&Direction=to_sim')).toEqual([a3]);
  });

  it('repeats the filters, as given, in every page URL', async () => {
    seed([[simA, 'to_sim', 'sent']]);
    const { body } = await api.call('GET', '/v1/SmsCommands?Direction=to_sim&Sim=meter-a&Status=sent&PageSize=5');
    expect(body.meta.url).toBe(`${api.sandbox.url}/v1/SmsCommands?Sim=meter-a&Status=sent&Direction=to_sim&PageSize=5&Page=0`);
    expect(body.meta.first_page_url).toBe(body.meta.url);
  });

  it('walks forward with next_page_url and back with previous_page_url, echoing Page', async () => {
    const created = seed(Array.from({ length: 5 }, () => [simA, 'to_sim', 'delivered'] as [string, 'to_sim', Status]));
    const newest = [...created].reverse();
    const get = async (url: string) => (await api.call('GET', url.replace(api.sandbox.url, ''))).body;
    const list = `${api.sandbox.url}/v1/SmsCommands`;

    const p0 = await get(`${list}?PageSize=2`);
    expect(sids(p0)).toEqual(newest.slice(0, 2));
    expect(p0.meta.previous_page_url).toBeNull();
    expect(p0.meta.next_page_url).toBe(`${list}?PageSize=2&Page=1&PageToken=PA${newest[1]}`);

    const p1 = await get(p0.meta.next_page_url);
    expect(sids(p1)).toEqual(newest.slice(2, 4));
    expect(p1.meta).toMatchObject({ page: 1, page_size: 2, url: p0.meta.next_page_url, first_page_url: `${list}?PageSize=2&Page=0` });
    expect(p1.meta.previous_page_url).toBe(`${list}?PageSize=2&Page=0&PageToken=PB${newest[2]}`);

    const p2 = await get(p1.meta.next_page_url);
    expect(sids(p2)).toEqual(newest.slice(4));
    expect(p2.meta.next_page_url).toBeNull();

    const back = await get(p2.meta.previous_page_url);
    expect(sids(back)).toEqual(newest.slice(2, 4));
    expect(back.meta.page).toBe(1);
    const first = await get(back.meta.previous_page_url);
    expect(sids(first)).toEqual(newest.slice(0, 2));
    expect(first.meta.previous_page_url).toBeNull();
  });

  it('keeps pages stable while new commands arrive (keyset tokens, not offsets)', async () => {
    const created = seed(Array.from({ length: 4 }, () => [simA, 'to_sim', 'sent'] as [string, 'to_sim', Status]));
    const p0 = (await api.call('GET', '/v1/SmsCommands?PageSize=2')).body;
    seed([[simA, 'to_sim', 'sent']]);
    const p1 = (await api.call('GET', p0.meta.next_page_url.replace(api.sandbox.url, ''))).body;
    expect(sids(p1)).toEqual([created[1], created[0]]);
  });

  it('takes Page as client state only: it is echoed, not used to seek', async () => {
    const created = seed([[simA, 'to_sim', 'sent']]);
    const { body } = await api.call('GET', '/v1/SmsCommands?Page=7');
    expect(sids(body)).toEqual(created);
    expect(body.meta.page).toBe(7);
    expect(body.meta.url).toBe(`${api.sandbox.url}/v1/SmsCommands?PageSize=50&Page=7`);
  });

  it('defaults PageSize to 50 and allows up to 1000', async () => {
    seed(Array.from({ length: 51 }, () => [simA, 'from_sim', 'received'] as [string, 'from_sim', Status]));
    const page = (await api.call('GET', '/v1/SmsCommands')).body;
    expect(page.sms_commands).toHaveLength(50);
    expect(page.meta.next_page_url).not.toBeNull();
    const all = (await api.call('GET', '/v1/SmsCommands?PageSize=1000')).body;
    expect(all.sms_commands).toHaveLength(51);
    expect(all.meta.page_size).toBe(1000);
  });

  it.each([
    ['PageSize=0', 'PageSize must be an integer from 1 to 1000; got "0"'],
    ['PageSize=1001', 'PageSize must be an integer from 1 to 1000; got "1001"'],
    ['PageSize=ten', 'PageSize must be an integer from 1 to 1000; got "ten"'],
    ['Page=-1', `Page must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}; got "-1"`],
    ['Status=done', 'Status must be one of queued, sent, delivered, received, failed; got "done"'],
    ['Direction=up', 'Direction must be one of to_sim, from_sim; got "up"'],
    ['PageToken=XYZ', 'PageToken "XYZ" is not valid'],
    [`PageToken=PA${'0'.repeat(32)}`, `PageToken "PA${'0'.repeat(32)}" is not valid`],
    [`PageToken=PAHC${'0'.repeat(32)}`, `PageToken "PAHC${'0'.repeat(32)}" no longer points at a readable SMS Command`],
  ])('refuses %s with 400', async (query, message) => {
    const { status, body } = await api.call('GET', `/v1/SmsCommands?${query}`);
    expect(status).toBe(400);
    expect(body).toEqual({ code: 20001, message, status: 400 });
  });

  it('answers 404 for a Sim filter naming no SIM', async () => {
    const { status, body } = await api.call('GET', '/v1/SmsCommands?Sim=nobody');
    expect(status).toBe(404);
    expect(body.code).toBe(20404);
  });
});
