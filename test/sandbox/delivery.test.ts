import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextStep, RETRY_WINDOW_MS } from '../../src/sandbox/delivery.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { DAY, FakeModem, HOUR, openApi, settle, startWebhook, waitFor, type Api } from './helpers.js';

let api: Api;
let hook: Awaited<ReturnType<typeof startWebhook>>;
let sim: { sid: string; uniqueName: string };

beforeEach(async () => {
  api = await openApi();
  hook = await startWebhook();
  sim = api.sandbox.registry.createSim({ uniqueName: 'Parking-Meter-Lot-Area-001' });
});
afterEach(async () => {
  await api.close();
  await hook.close();
});

async function send(payload: string, method?: 'GET' | 'POST'): Promise<string> {
  const { status, body } = await api.call('POST', '/v1/SmsCommands', {
    Sim: sim.uniqueName,
    Payload: payload,
    CallbackUrl: `${hook.url}/status`,
    ...(method ? { CallbackMethod: method } : {}),
  });
  expect(status).toBe(201);
  expect(body.status).toBe('queued');
  return body.sid as string;
}

const status = (sid: string) => api.sandbox.commands.get(sid)?.status;
const statuses = () => hook.calls.map((c) => c.params.Status);

describe('mobile-terminated delivery', () => {
  it('goes queued → sent → delivered on a plugged modem, which gets the SMS from 000; each change is POSTed to the callback', async () => {
    const modem = new VirtualModem();
    api.sandbox.attach(sim.sid, modem);
    const sid = await send('{"enable":"True", "reset":"False","when":"Immediate"}');
    await waitFor(() => status(sid) === 'delivered', 'delivered');
    await api.sandbox.webhooksIdle();
    expect(modem.stored()).toMatchObject([{ kind: 'deliver', address: '000', text: '{"enable":"True", "reset":"False","when":"Immediate"}' }]);
    expect(hook.calls.map((c) => [c.method, c.path, c.contentType])).toEqual([
      ['POST', '/status', 'application/x-www-form-urlencoded'],
      ['POST', '/status', 'application/x-www-form-urlencoded'],
    ]);
    const base = {
      AccountSid: api.sandbox.account.sid,
      CommandSid: sid,
      SimSid: sim.sid,
      SimUniqueName: 'Parking-Meter-Lot-Area-001',
      Payload: '{"enable":"True", "reset":"False","when":"Immediate"}',
      PayloadType: 'text',
      Direction: 'to_sim',
      ApiVersion: 'v1',
    };
    expect(hook.calls.map((c) => c.params)).toEqual([
      { ...base, Status: 'sent' },
      { ...base, Status: 'delivered' },
    ]);
    modem.dispose();
  });

  it('calls a GET callback with the parameters in the query', async () => {
    api.sandbox.attach(sim.sid, new FakeModem());
    const sid = await send('ping', 'GET');
    await waitFor(() => status(sid) === 'delivered', 'delivered');
    await api.sandbox.webhooksIdle();
    expect(hook.calls.map((c) => [c.method, c.params.Status, c.params.CommandSid, c.params.ApiVersion])).toEqual([
      ['GET', 'sent', sid, 'v1'],
      ['GET', 'delivered', sid, 'v1'],
    ]);
  });

  it('keeps retrying an unplugged SIM and delivers when it comes back within 24 hours', async () => {
    const modem = new FakeModem();
    modem.unplug();
    api.sandbox.attach(sim.sid, modem);
    const sid = await send('ping');
    await waitFor(() => status(sid) === 'sent', 'sent at the first attempt');
    for (let h = 0; h < 23; h++) {
      api.clock.advance(HOUR);
      api.sandbox.tick();
    }
    expect(status(sid)).toBe('sent');
    expect(api.sandbox.commands.get(sid)!.attempts).toBe(24);
    modem.replug();
    await waitFor(() => status(sid) === 'delivered', 'delivered after replug');
    expect(modem.delivered).toEqual(['ping']);
    await api.sandbox.webhooksIdle();
    expect(statuses()).toEqual(['sent', 'delivered']);
  });

  it('stops after 24 hours: the command stays sent and is not delivered when the SIM returns', async () => {
    const modem = new FakeModem();
    modem.unplug();
    api.sandbox.attach(sim.sid, modem);
    const sid = await send('ping');
    await waitFor(() => status(sid) === 'sent', 'sent');
    api.clock.advance(RETRY_WINDOW_MS - 1);
    api.sandbox.tick();
    expect(api.sandbox.commands.get(sid)!.gaveUp).toBe(false);
    api.clock.advance(1);
    api.sandbox.tick();
    expect(api.sandbox.commands.get(sid)).toMatchObject({ status: 'sent', gaveUp: true });
    modem.replug();
    await settle();
    api.sandbox.tick();
    expect(modem.delivered).toEqual([]);
    expect(status(sid)).toBe('sent');
    await api.sandbox.webhooksIdle();
    expect(statuses()).toEqual(['sent']);
  });

  it('treats a SIM without a modem as unreachable, and delivers once one is attached', async () => {
    const sid = await send('ping');
    await waitFor(() => status(sid) === 'sent', 'sent');
    const modem = new FakeModem();
    api.sandbox.attach(sim.sid, modem);
    await waitFor(() => status(sid) === 'delivered', 'delivered');
  });

  it('fails a command to an inactive SIM, with ErrorCode and ErrorMessage in the callback', async () => {
    api.sandbox.attach(sim.sid, new FakeModem());
    const update = await api.call('POST', `/v1/Sims/${sim.sid}`, { Status: 'inactive' });
    expect(update.body.status).toBe('inactive');
    const sid = await send('ping');
    await waitFor(() => status(sid) === 'failed', 'failed');
    await api.sandbox.webhooksIdle();
    expect(hook.calls).toHaveLength(1);
    expect(hook.calls[0]!.params).toMatchObject({ Status: 'failed', ErrorCode: '30005', ErrorMessage: 'The SIM is not active; the SMS Command cannot be delivered to it' });
    expect((await api.call('GET', `/v1/SmsCommands/${sid}`)).body.status).toBe('failed');
  });

  it('fails a command the modem refuses, after it was sent', async () => {
    const modem = new FakeModem();
    modem.mode = 'refuse';
    api.sandbox.attach(sim.sid, modem);
    const sid = await send('ping');
    await waitFor(() => status(sid) === 'failed', 'failed');
    await api.sandbox.webhooksIdle();
    expect(statuses()).toEqual(['sent', 'failed']);
    expect(hook.calls[1]!.params.ErrorCode).toBe('30008');
    expect(hook.calls[1]!.params.ErrorMessage).toBe('The device refused the SMS: a single gsm7 SMS holds at most 160 characters');
    expect(hook.calls[0]!.params).not.toHaveProperty('ErrorCode');
  });

  it('keeps a command the modem holds (storage full) sent, without resending, until the modem lets it through', async () => {
    const modem = new FakeModem();
    modem.mode = 'hold';
    api.sandbox.attach(sim.sid, modem);
    const first = await send('one');
    const second = await send('two');
    await waitFor(() => status(first) === 'sent' && status(second) === 'sent', 'both sent');
    api.sandbox.tick();
    api.sandbox.tick();
    expect(modem.held).toEqual(['one', 'two']);
    modem.mode = 'accept';
    modem.release();
    api.sandbox.tick();
    expect([status(first), status(second)]).toEqual(['delivered', 'delivered']);
    expect(modem.delivered).toEqual(['one', 'two']);
  });

  it('holds on a real virtual modem whose storage is full, as the network would', async () => {
    const modem = new VirtualModem();
    modem.fillStorage();
    api.sandbox.attach(sim.sid, modem);
    const sid = await send('ping');
    await waitFor(() => status(sid) === 'sent', 'sent');
    await settle();
    expect(modem.stats.held).toBe(1);
    expect(status(sid)).toBe('sent');
    modem.dispose();
  });

  it('carries pending commands over a sandbox restart (state in SQLite)', async () => {
    const sid = await send('ping');
    await waitFor(() => status(sid) === 'sent', 'sent');
    const { dbPath, clock } = api;
    const credentials = api.sandbox.account;
    await api.sandbox.close();
    const again = await openApi({ dbPath, clock });
    try {
      expect(again.sandbox.account).toEqual(credentials);
      const modem = new FakeModem();
      again.sandbox.attach(sim.sid, modem);
      await waitFor(() => again.sandbox.commands.get(sid)?.status === 'delivered', 'delivered after restart');
      expect((await again.call('GET', `/v1/SmsCommands/${sid}`)).body.status).toBe('delivered');
    } finally {
      await again.close();
    }
  });
});

describe('nextStep (the rule of one attempt)', () => {
  it.each([
    [0, 'reachable', 'deliver'],
    [0, 'unreachable', 'wait'],
    [0, 'inactive', 'fail'],
    [DAY - 1, 'unreachable', 'wait'],
    [DAY, 'unreachable', 'give-up'],
    [DAY, 'reachable', 'give-up'],
  ] as const)('after %i ms, a %s SIM → %s', (age, reach, step) => {
    expect(nextStep({ created: 1000 }, reach, 1000 + age)).toBe(step);
  });
});
