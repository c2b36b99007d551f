import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from '../../src/api/wiring.js';
import { parseConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { StreamTransport } from '../../src/transport/stream-transport.js';
import { openApi, startWebhook, waitFor, type Api } from './helpers.js';

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describe('the sandbox end to end, with smsbridge on the virtual modem', () => {
  it('POST ping 42 → the bridge runs it → pong 42 is a from_sim received command; both webhooks get the documented parameters', async () => {
    const api: Api = await openApi();
    const hook = await startWebhook();
    const dir = mkdtempSync(join(tmpdir(), 'smsbridge-sandbox-e2e-'));
    cleanups.push(() => api.close(), () => hook.close(), () => rmSync(dir, { recursive: true, force: true }));

    await api.call('POST', '/v1/Fleets', { UniqueName: 'lot-a', SmsCommandsUrl: `${hook.url}/fleet` });
    const sim = (await api.call('POST', '/v1/Sims', { UniqueName: 'meter-1', Fleet: 'lot-a' })).body as { sid: string };
    const modem = new VirtualModem({ profile: 'quectel' });
    cleanups.push(() => modem.dispose());
    cleanups.push(api.sandbox.attach(sim.sid, modem));
    const config = parseConfig('{}', 'defaults');
    config.store.path = join(dir, 'bridge.db');
    const bridge: RunningBridge = await startBridge({ config, open: async () => new StreamTransport(modem.connect()), log: silentLogger });
    cleanups.push(() => bridge.stop());

    const created = await api.call('POST', '/v1/SmsCommands', { Sim: 'meter-1', Payload: 'ping 42', CallbackUrl: `${hook.url}/status` });
    expect(created).toMatchObject({ status: 201, body: { status: 'queued', direction: 'to_sim', payload: 'ping 42' } });
    const mt = created.body.sid as string;

    const replies = async () => (await api.call('GET', `/v1/SmsCommands?Sim=meter-1&Direction=from_sim`)).body.sms_commands as Record<string, string>[];
    await waitFor(async () => (await replies()).length === 1, 'the reply as a from_sim command');
    const [reply] = await replies();
    expect(reply).toMatchObject({ sim_sid: sim.sid, payload: 'pong 42', status: 'received', direction: 'from_sim', account_sid: api.sandbox.account.sid });
    expect((await api.call('GET', `/v1/SmsCommands/${mt}`)).body.status).toBe('delivered');
    expect(modem.outbox.map((sms) => [sms.to, sms.text])).toEqual([['000', 'pong 42']]);

    await waitFor(() => hook.calls.length === 3, 'three webhook calls');
    const common = { AccountSid: api.sandbox.account.sid, SimSid: sim.sid, SimUniqueName: 'meter-1', PayloadType: 'text', ApiVersion: 'v1' };
    const byPath = (path: string) => hook.calls.filter((c) => c.path === path);
    expect(byPath('/status').map((c) => [c.method, c.params])).toEqual([
      ['POST', { ...common, CommandSid: mt, Payload: 'ping 42', Direction: 'to_sim', Status: 'sent' }],
      ['POST', { ...common, CommandSid: mt, Payload: 'ping 42', Direction: 'to_sim', Status: 'delivered' }],
    ]);
    expect(byPath('/fleet').map((c) => [c.method, c.params])).toEqual([['POST', { ...common, CommandSid: reply!.sid, Payload: 'pong 42', Direction: 'from_sim', Status: 'received' }]]);
  });
});
