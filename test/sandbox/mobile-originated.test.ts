import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeModem, openApi, startWebhook, waitFor, type Api } from './helpers.js';

let api: Api;
let hook: Awaited<ReturnType<typeof startWebhook>>;

beforeEach(async () => {
  api = await openApi();
  hook = await startWebhook();
});
afterEach(async () => {
  await api.close();
  await hook.close();
});

async function simInFleet(fleetForm: Record<string, string>) {
  const fleet = await api.call('POST', '/v1/Fleets', { UniqueName: 'lot-a', ...fleetForm });
  expect(fleet.status).toBe(201);
  const sim = await api.call('POST', '/v1/Sims', { UniqueName: 'meter-1', Fleet: 'lot-a' });
  expect(sim.body.fleet_sid).toBe(fleet.body.sid);
  const modem = new FakeModem();
  api.sandbox.attach(sim.body.sid, modem);
  return { modem, simSid: sim.body.sid as string, fleet: fleet.body };
}

const received = async () => (await api.call('GET', '/v1/SmsCommands?Direction=from_sim')).body.sms_commands;

describe('mobile-originated commands', () => {
  it('records every SMS the device sends to 000 as from_sim received and POSTs it to the fleet sms_commands_url', async () => {
    const { modem, simSid, fleet } = await simInFleet({ SmsCommandsUrl: `${hook.url}/mo` });
    expect(fleet).toMatchObject({ sms_commands_url: `${hook.url}/mo`, sms_commands_method: 'POST', sms_commands_enabled: true });
    modem.send('000', 'pong 42');
    const [command] = await received();
    expect(command).toMatchObject({ sim_sid: simSid, payload: 'pong 42', status: 'received', direction: 'from_sim', date_created: '2024-10-24T20:12:17Z' });
    await waitFor(() => hook.calls.length === 1, 'fleet webhook');
    expect(hook.calls[0]).toEqual({
      method: 'POST',
      path: '/mo',
      contentType: 'application/x-www-form-urlencoded',
      params: {
        AccountSid: api.sandbox.account.sid,
        CommandSid: command.sid,
        SimSid: simSid,
        SimUniqueName: 'meter-1',
        Payload: 'pong 42',
        PayloadType: 'text',
        Direction: 'from_sim',
        Status: 'received',
        ApiVersion: 'v1',
      },
    });
  });

  it('treats an SMS to any other number as a command too, as the reference warns', async () => {
    const { modem } = await simInFleet({ SmsCommandsUrl: `${hook.url}/mo`, SmsCommandsMethod: 'GET' });
    modem.send('+447700900123', 'hello');
    expect((await received()).map((c: { payload: string }) => c.payload)).toEqual(['hello']);
    await waitFor(() => hook.calls.length === 1, 'fleet webhook');
    expect(hook.calls[0]).toMatchObject({ method: 'GET', params: { Payload: 'hello', Status: 'received' } });
  });

  it('records but calls nobody when the fleet has no URL, has SMS Commands disabled, or the SIM has no fleet', async () => {
    const { modem, fleet } = await simInFleet({});
    modem.send('000', 'a');
    await api.call('POST', `/v1/Fleets/${fleet.sid}`, { SmsCommandsUrl: `${hook.url}/mo`, SmsCommandsEnabled: 'false' });
    modem.send('000', 'b');
    const loner = await api.call('POST', '/v1/Sims', { UniqueName: 'loner' });
    const other = new FakeModem();
    api.sandbox.attach(loner.body.sid, other);
    other.send('000', 'c');
    expect((await received()).map((c: { payload: string }) => c.payload)).toEqual(['c', 'b', 'a']);
    await api.sandbox.webhooksIdle();
    expect(hook.calls).toEqual([]);
  });
});

describe('fleets and SIMs', () => {
  it('creates, fetches, lists and updates them by SID or unique name', async () => {
    const fleet = (await api.call('POST', '/v1/Fleets', { UniqueName: 'lot-a' })).body;
    expect(fleet.sid).toMatch(/^HF[0-9a-f]{32}$/);
    const sim = (await api.call('POST', '/v1/Sims', { UniqueName: 'meter-1', Fleet: fleet.sid, Iccid: '8988307000000000000' })).body;
    expect(sim).toMatchObject({ unique_name: 'meter-1', fleet_sid: fleet.sid, status: 'active', iccid: '8988307000000000000', url: `${api.sandbox.url}/v1/Sims/${sim.sid}` });
    expect((await api.call('GET', '/v1/Sims/meter-1')).body).toEqual(sim);
    expect((await api.call('GET', `/v1/Fleets/lot-a`)).body).toEqual(fleet);
    expect((await api.call('GET', '/v1/Sims')).body.sims).toEqual([sim]);
    expect((await api.call('GET', '/v1/Fleets')).body.fleets).toEqual([fleet]);
    const moved = await api.call('POST', '/v1/Fleets/lot-a', { SmsCommandsUrl: 'http://127.0.0.1:1/mo', SmsCommandsMethod: 'GET' });
    expect(moved.body).toMatchObject({ sms_commands_url: 'http://127.0.0.1:1/mo', sms_commands_method: 'GET' });
  });

  it.each([
    ['/v1/Sims', { UniqueName: `HS${'a'.repeat(32)}` }, 400],
    ['/v1/Sims', { Fleet: 'nowhere' }, 404],
    ['/v1/Sims', { Status: 'lost' }, 400],
    ['/v1/Fleets', { SmsCommandsMethod: 'PUT' }, 400],
    ['/v1/Fleets', { SmsCommandsUrl: 'nope' }, 400],
  ])('refuses POST %s %j with %i', async (path, form, status) => {
    expect((await api.call('POST', path, form)).status).toBe(status);
  });

  it('refuses a unique name already in use', async () => {
    await api.call('POST', '/v1/Sims', { UniqueName: 'meter-1' });
    expect(await api.call('POST', '/v1/Sims', { UniqueName: 'meter-1' })).toMatchObject({ status: 400, body: { message: 'UniqueName "meter-1" is already in use' } });
  });
});
