import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, openApi, type Api } from './helpers.js';

let api: Api;
let sim: { sid: string; unique_name: string };

beforeEach(async () => {
  api = await openApi();
  const fleet = api.sandbox.registry.createFleet({ uniqueName: 'lot-a' });
  const record = api.sandbox.registry.createSim({ uniqueName: 'Parking-Meter-Lot-Area-001', fleet: fleet.sid });
  sim = { sid: record.sid, unique_name: record.uniqueName };
});
afterEach(() => api.close());

const SID = /^HC[0-9a-f]{32}$/;

describe('POST /v1/SmsCommands', () => {
  it('answers 201 with exactly the nine properties of the reference, queued and to_sim', async () => {
    const payload = '{"enable":"True", "reset":"False","when":"Immediate"}';
    const { status, body } = await api.call('POST', '/v1/SmsCommands', { Sim: sim.sid, Payload: payload });
    expect(status).toBe(201);
    expect(Object.keys(body).sort()).toEqual(['account_sid', 'date_created', 'date_updated', 'direction', 'payload', 'sid', 'sim_sid', 'status', 'url']);
    expect(body).toMatchObject({
      account_sid: api.sandbox.account.sid,
      sim_sid: sim.sid,
      payload,
      status: 'queued',
      direction: 'to_sim',
      date_created: '2024-10-24T20:12:17Z',
      date_updated: '2024-10-24T20:12:17Z',
    });
    expect(body.sid).toMatch(SID);
    expect(body.account_sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(body.sim_sid).toMatch(/^HS[0-9a-f]{32}$/);
    expect(body.url).toBe(`${api.sandbox.url}/v1/SmsCommands/${body.sid}`);
  });

  it('takes the SIM by unique name as well as by SID', async () => {
    const { status, body } = await api.call('POST', '/v1/SmsCommands', { Sim: sim.unique_name, Payload: 'ping' });
    expect(status).toBe(201);
    expect(body.sim_sid).toBe(sim.sid);
  });

  it('stores the callback with POST as the default method, and GET when asked (any case)', async () => {
    const a = await api.call('POST', '/v1/SmsCommands', { Sim: sim.sid, Payload: 'a', CallbackUrl: 'http://127.0.0.1:9/cb' });
    const b = await api.call('POST', '/v1/SmsCommands', { Sim: sim.sid, Payload: 'b', CallbackUrl: 'http://127.0.0.1:9/cb', CallbackMethod: 'get' });
    expect(api.sandbox.commands.get(a.body.sid)).toMatchObject({ callbackUrl: 'http://127.0.0.1:9/cb', callbackMethod: 'POST' });
    expect(api.sandbox.commands.get(b.body.sid)).toMatchObject({ callbackMethod: 'GET' });
  });

  it('accepts 160 GSM-7 characters, counting extension characters as two', async () => {
    expect((await api.call('POST', '/v1/SmsCommands', { Sim: sim.sid, Payload: 'x'.repeat(160) })).status).toBe(201);
    expect((await api.call('POST', '/v1/SmsCommands', { Sim: sim.sid, Payload: `${'x'.repeat(158)}€` })).status).toBe(201);
    const over = await api.call('POST', '/v1/SmsCommands', { Sim: sim.sid, Payload: `${'x'.repeat(159)}€` });
    expect(over.status).toBe(400);
    expect(over.body.message).toBe('Payload is 161 GSM-7 characters; an SMS Command holds at most 160');
  });

  it.each([
    [{ Payload: 'ping' }, 'Missing required parameter Sim in the post body'],
    [{ Sim: 'X' }, 'Missing required parameter Payload in the post body'],
    [{ Sim: 'X', Payload: '' }, 'Missing required parameter Payload in the post body'],
    [{ Sim: 'X', Payload: 'x'.repeat(161) }, 'Payload is 161 GSM-7 characters; an SMS Command holds at most 160'],
    [{ Sim: 'X', Payload: 'snow ☃' }, "Payload: '☃' (U+2603) at position 5 cannot be sent in GSM-7"],
    [{ Sim: 'X', Payload: 'a\x1ab' }, 'Payload: control character U+001A (Ctrl-Z) at position 1 cannot be sent: it would end or cancel the message early'],
    [{ Sim: 'X', Payload: 'p', CallbackUrl: 'not a url' }, 'CallbackUrl must be an absolute http or https URL; got "not a url"'],
    [{ Sim: 'X', Payload: 'p', CallbackUrl: 'ftp://127.0.0.1/x' }, 'CallbackUrl must be an absolute http or https URL; got "ftp://127.0.0.1/x"'],
    [{ Sim: 'X', Payload: 'p', CallbackMethod: 'PUT' }, 'CallbackMethod must be one of GET, POST; got "PUT"'],
  ])('refuses %j with 400: %s', async (form, message) => {
    const { status, body } = await api.call('POST', '/v1/SmsCommands', form);
    expect(status).toBe(400);
    expect(body).toEqual({ code: 20001, message: expect.any(String), status: 400 });
    expect(body.message).toBe(message);
  });

  it('answers 404 for a SIM it does not know', async () => {
    const { status, body } = await api.call('POST', '/v1/SmsCommands', { Sim: 'no-such-sim', Payload: 'ping' });
    expect(status).toBe(404);
    expect(body).toEqual({ code: 20404, message: 'The requested resource /v1/Sims/no-such-sim was not found', status: 404 });
  });

  it('refuses a JSON body: the API is form-encoded', async () => {
    const { status, body } = await api.call('POST', '/v1/SmsCommands', undefined, { 'content-type': 'application/json' });
    expect(status).toBe(400);
    expect(body.code).toBe(20001);
    const json = await fetch(`${api.sandbox.url}/v1/SmsCommands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Sim: sim.sid, Payload: 'ping' }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { message: string }).message).toBe('the request body must be application/x-www-form-urlencoded, not application/json');
  });
});

describe('GET /v1/SmsCommands/{Sid}', () => {
  it('returns what POST returned, with the status the first attempt left (no modem attached: sent)', async () => {
    const created = await api.call('POST', '/v1/SmsCommands', { Sim: sim.sid, Payload: 'ping 1' });
    const fetched = await api.call('GET', `/v1/SmsCommands/${created.body.sid}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({ ...created.body, status: 'sent' });
  });

  it.each([
    ['an unknown SID', `HC${'0'.repeat(32)}`],
    ['a SID of another kind', `HS${'0'.repeat(32)}`],
    ['a string off the pattern', 'HC123'],
  ])('answers 404 for %s', async (_what, sid) => {
    const { status, body } = await api.call('GET', `/v1/SmsCommands/${sid}`);
    expect(status).toBe(404);
    expect(body).toEqual({ code: 20404, message: `The requested resource /v1/SmsCommands/${sid} was not found`, status: 404 });
  });

  it('stops showing a command 30 days after it was created (retention)', async () => {
    const { body } = await api.call('POST', '/v1/SmsCommands', { Sim: sim.sid, Payload: 'old' });
    api.clock.advance(30 * DAY - 1000);
    await api.renewToken();
    expect((await api.call('GET', `/v1/SmsCommands/${body.sid}`)).status).toBe(200);
    expect((await api.call('GET', '/v1/SmsCommands')).body.sms_commands).toHaveLength(1);
    api.clock.advance(1000);
    expect((await api.call('GET', `/v1/SmsCommands/${body.sid}`)).status).toBe(404);
    expect((await api.call('GET', '/v1/SmsCommands')).body.sms_commands).toEqual([]);
    api.sandbox.tick();
    expect(api.sandbox.commands.purge()).toBe(0);
  });
});

describe('authorization', () => {
  const noToken = (path: string, init: RequestInit = {}) => fetch(`${api.sandbox.url}${path}`, init);

  it.each([
    ['no Authorization header', {}, 'Bearer realm="smsbridge sandbox"'],
    ['a bad token', { authorization: 'Bearer nope' }, 'Bearer realm="smsbridge sandbox", error="invalid_token"'],
    ['another scheme', { authorization: 'Basic eDp5' }, 'Bearer realm="smsbridge sandbox"'],
  ])('answers 401 to a request with %s, on every route, with a Bearer challenge (RFC 6750 §3)', async (_what, headers, challenge) => {
    for (const [method, path] of [
      ['GET', '/v1/SmsCommands'],
      ['POST', '/v1/SmsCommands'],
      ['GET', `/v1/SmsCommands/HC${'0'.repeat(32)}`],
      ['GET', '/v1/Sims'],
      ['GET', '/v1/Nothing'],
    ] as const) {
      const response = await noToken(path, { method, headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(challenge);
      expect(((await response.json()) as { code: number; status: number })).toMatchObject({ code: 20003, status: 401 });
    }
  });

  it('answers 401 once the token has expired on the sandbox clock', async () => {
    api.clock.advance(3600_000 - 1);
    expect((await api.call('GET', '/v1/SmsCommands')).status).toBe(200);
    api.clock.advance(1);
    const { status, body } = await api.call('GET', '/v1/SmsCommands');
    expect(status).toBe(401);
    expect(body.message).toBe('The access token has expired');
  });

  it('grants tokens for client credentials in the form or in HTTP Basic', async () => {
    const { clientId, clientSecret } = api.sandbox.account;
    const basic = await noToken('/api-services/v1/auth/token', {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const body = (await basic.json()) as Record<string, unknown>;
    expect(basic.status).toBe(200);
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    const use = await noToken('/v1/SmsCommands', { headers: { authorization: `Bearer ${body.access_token as string}` } });
    expect(use.status).toBe(200);
  });

  it.each([
    [{ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' }, 401, 'invalid_client'],
    [{ grant_type: 'password', client_id: 'x', client_secret: 'y' }, 400, 'unsupported_grant_type'],
    [{ client_id: 'x' }, 400, 'invalid_request'],
  ])('refuses a token request %j with %i %s (RFC 6749 §5.2)', async (form, status, error) => {
    const response = await noToken('/api-services/v1/auth/token', { method: 'POST', body: new URLSearchParams(form) });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toBe(error);
  });

  it('refuses the right client id with a wrong secret', async () => {
    const form = { grant_type: 'client_credentials', client_id: api.sandbox.account.clientId, client_secret: `${api.sandbox.account.clientSecret}x` };
    const response = await noToken('/api-services/v1/auth/token', { method: 'POST', body: new URLSearchParams(form) });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="smsbridge sandbox"');
  });
});

describe('other answers', () => {
  it('answers 404 for an unknown path and 405 for an unsupported method, as JSON errors', async () => {
    expect(await api.call('GET', '/v1/Nothing')).toMatchObject({ status: 404, body: { code: 20404, status: 404 } });
    expect(await api.call('DELETE', `/v1/SmsCommands/HC${'0'.repeat(32)}`)).toMatchObject({ status: 405, body: { code: 20004, status: 405 } });
  });

  it('sends the CORS headers the reference lists and answers a preflight without a token', async () => {
    const { headers } = await api.call('GET', '/v1/SmsCommands');
    expect(headers.get('access-control-allow-origin')).toBe('*');
    expect(headers.get('access-control-allow-methods')).toContain('POST');
    expect(headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(headers.get('access-control-allow-credentials')).toBe('true');
    expect(headers.get('access-control-expose-headers')).toBe('Content-Type');
    const preflight = await fetch(`${api.sandbox.url}/v1/SmsCommands`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
  });
});
