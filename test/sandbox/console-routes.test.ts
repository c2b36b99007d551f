import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeModem, openApi, settle, startWebhook, waitFor, type Api } from './helpers.js';

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function open(consoleOn = true): Promise<Api> {
  const api = await openApi({ console: consoleOn });
  cleanups.push(() => api.close());
  return api;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
async function get(api: Api, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; type: string | null }> {
  const response = await fetch(`${api.sandbox.url}${path}`, { headers });
  const type = response.headers.get('content-type');
  const text = await response.text();
  return { status: response.status, body: type?.startsWith('application/json') ? JSON.parse(text) : text, type };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers
async function post(api: Api, path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.sandbox.url}${path}`, { method: 'POST', body: new URLSearchParams(form), headers });
  return { status: response.status, body: await response.json() };
}

/** fetch cannot send another Host header; node:http can. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the sandbox console (server side)', () => {
  it('serves the page at / and its modules under /console/ with no token; off, / stays behind authorization', async () => {
    const api = await open();
    expect(api.sandbox.consoleUrl).toBe(`${api.sandbox.url}/`);
    const page = await get(api, '/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script type="module" src="/console/app.js">');
    for (const file of ['app.js', 'rows.js', 'dom.js', 'gsm7.js']) expect((await get(api, `/console/${file}`)).type).toBe('text/javascript; charset=utf-8');
    expect((await get(api, '/console/console.css')).type).toBe('text/css; charset=utf-8');
    expect((await get(api, '/console/nothing.js')).status).toBe(404);
    expect((await get(api, '/console/..%2fpackage.json')).status).toBe(404);
    // The API itself still wants its token.
    expect((await get(api, '/v1/SmsCommands')).status).toBe(401);

    const off = await open(false);
    expect(off.sandbox.consoleUrl).toBeUndefined();
    expect((await get(off, '/')).status).toBe(401);
    expect((await get(off, '/console/app.js')).status).toBe(401);
  });

  it('answers only requests for its own origin: another Host, a cross-site page or a foreign Origin get a 403 that says why', async () => {
    const api = await open();
    const port = new URL(api.sandbox.url).port;
    expect(await getWithHost(`${api.sandbox.url}/`, `localhost:${port}`)).toBe(200);
    expect(await getWithHost(`${api.sandbox.url}/`, `evil.example:${port}`)).toBe(403);
    const crossSite = await get(api, '/console/api/sims', { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toEqual({ code: 20403, status: 403, message: 'the console answers only its own pages, not a cross-site request' });
    const foreign = await post(api, '/console/api/token', {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toBe('the console answers only its own pages, not https://evil.example');
    expect((await get(api, '/console/api/sims', { 'sec-fetch-site': 'same-origin', origin: api.sandbox.url })).status).toBe(200);
  });

  it('gives its page a token for the public API (POST only)', async () => {
    const api = await open();
    expect((await get(api, '/console/api/token')).status).toBe(405);
    const { status, body } = await post(api, '/console/api/token');
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const created = await fetch(`${api.sandbox.url}/v1/SmsCommands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.access_token}` },
      body: new URLSearchParams({ Sim: 'sim-x', Payload: 'ping' }),
    });
    // The token passed; the SIM is what is missing.
    expect(created.status).toBe(404);
  });

  it('lists commands newest first with their status timelines, a page at a time', async () => {
    const api = await open();
    const sim = api.sandbox.registry.createSim({ uniqueName: 'sim-1' });
    const modem = new FakeModem();
    cleanups.push(api.sandbox.attach(sim.sid, modem));
    for (const payload of ['one', 'two', 'three']) expect((await api.call('POST', '/v1/SmsCommands', { Sim: 'sim-1', Payload: payload })).status).toBe(201);
    await settle();
    modem.send('000', 'pong');
    const first = await get(api, '/console/api/commands?limit=2');
    expect(first.body.older).toBe(true);
    expect(first.body.commands.map((c: { payload: string }) => c.payload)).toEqual(['pong', 'three']);
    const [mo, three] = first.body.commands;
    expect(mo).toMatchObject({ direction: 'from_sim', status: 'received', sim: 'sim-1', sim_sid: sim.sid, error: null });
    expect(mo.timeline.map((s: { status: string }) => s.status)).toEqual(['received']);
    expect(three.timeline.map((s: { status: string }) => s.status)).toEqual(['queued', 'sent', 'delivered']);
    const rest = await get(api, `/console/api/commands?limit=2&after=${three.seq}`);
    expect(rest.body.commands.map((c: { payload: string }) => c.payload)).toEqual(['two', 'one']);
    expect(rest.body.older).toBe(false);
    const bad = await get(api, '/console/api/commands?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('limit must be a whole number from 1 to 500, not "0"');
  });

  it('streams each command as it is created and each status it takes (Server-Sent Events)', async () => {
    const api = await open();
    const sim = api.sandbox.registry.createSim({ uniqueName: 'sim-1' });
    cleanups.push(api.sandbox.attach(sim.sid, new FakeModem()));
    const controller = new AbortController();
    const response = await fetch(`${api.sandbox.url}/console/api/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    let text = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
      } catch {
        // aborted at the end of the test
      }
    })();
    cleanups.push(() => {
      controller.abort();
      return reading;
    });
    await waitFor(() => text.startsWith('retry: 1000'), 'the stream to open');
    await api.call('POST', '/v1/SmsCommands', { Sim: 'sim-1', Payload: 'ping 7' });
    await waitFor(() => text.includes('"status":"delivered"'), 'the delivered event');
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event: command'))
      .map((block) => JSON.parse(block.split('\ndata: ')[1]!) as { payload: string; status: string; timeline: unknown[] });
    expect(events.map((e) => e.status)).toEqual(['queued', 'sent', 'delivered']);
    expect(events[2]!.timeline).toHaveLength(3);
  });

  it('injects faults into a SIM modem; bad input is a 400 that names the problem', async () => {
    const api = await open();
    const sim = api.sandbox.registry.createSim({ uniqueName: 'sim-1' });
    api.sandbox.registry.createSim({ uniqueName: 'sim-10' });
    api.sandbox.registry.createSim({ uniqueName: 'sim-2' });
    const modem = new FakeModem();
    const calls: string[] = [];
    const faulty = Object.assign(modem, {
      unplug(ms?: number) {
        calls.push(`unplug ${ms}`);
        FakeModem.prototype.unplug.call(modem);
      },
      reboot() {
        calls.push('reboot');
      },
    });
    cleanups.push(api.sandbox.attach(sim.sid, faulty));

    expect(await post(api, '/console/api/sims/sim-1/faults', { Fault: 'reboot' })).toMatchObject({ status: 202, body: { fault: 'reboot', ms: null } });
    const unplugged = await post(api, `/console/api/sims/${sim.sid}/faults`, { Fault: 'unplug', Ms: '5000' });
    expect(unplugged).toMatchObject({ status: 202, body: { fault: 'unplug', ms: 5000, sim: { unique_name: 'sim-1', modem: 'unplugged', bridge: null } } });
    expect(calls).toEqual(['reboot', 'unplug 5000']);
    expect((await get(api, '/console/api/sims')).body.sims.map((s: { unique_name: string; modem: string }) => `${s.unique_name} ${s.modem}`)).toEqual(['sim-1 unplugged', 'sim-2 none', 'sim-10 none']);

    const refusals = [
      [{ Fault: 'unplug' }, 'the modem of SIM sim-1 is already unplugged'],
      [{}, 'Missing required parameter Fault in the post body (one of unplug, reboot)'],
      [{ Fault: 'melt' }, 'Fault must be one of unplug, reboot, not "melt"'],
    ] as const;
    for (const [form, message] of refusals) expect(await post(api, '/console/api/sims/sim-1/faults', form)).toMatchObject({ status: 400, body: { code: 20001, message } });
    modem.replug();
    expect((await post(api, '/console/api/sims/sim-1/faults', { Fault: 'unplug', Ms: '50' })).body.message).toBe('Ms must be a whole number of milliseconds from 100 to 600000, not "50"');
    expect((await post(api, '/console/api/sims/sim-2/faults', { Fault: 'reboot' })).body.message).toBe('SIM sim-2 has no modem attached');
    expect((await post(api, '/console/api/sims/sim-9/faults', { Fault: 'reboot' })).status).toBe(404);
  });

  it('keeps each webhook call with its parameters and the answer it got', async () => {
    const api = await open();
    const hook = await startWebhook();
    cleanups.push(() => hook.close());
    const sim = api.sandbox.registry.createSim({ uniqueName: 'sim-1' });
    cleanups.push(api.sandbox.attach(sim.sid, new FakeModem()));
    await api.call('POST', '/v1/SmsCommands', { Sim: 'sim-1', Payload: 'ping 7', CallbackUrl: `${hook.url}/status` });
    await waitFor(() => hook.calls.length === 2, 'two callbacks');
    await api.sandbox.webhooksIdle();
    const { webhooks } = (await get(api, '/console/api/webhooks')).body;
    expect(webhooks.map((w: { params: { Status: string } }) => w.params.Status)).toEqual(['delivered', 'sent']);
    expect(webhooks[0]).toMatchObject({ id: 2, url: `${hook.url}/status`, method: 'POST', status: 200, error: null, params: { Payload: 'ping 7', Direction: 'to_sim', SimUniqueName: 'sim-1' } });
  });
});
