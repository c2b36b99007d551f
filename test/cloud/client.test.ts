import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmsCommandsClient } from '../../src/cloud/client.js';
import { CloudApiError, isCloudApiError } from '../../src/cloud/cloud-error.js';
import { FakeModem, openApi, waitFor, type Api } from '../sandbox/helpers.js';

let api: Api;
let simSid: string;
let tokenRequests: number;

/** fetch that counts token requests, so caching and renewal show. */
const countingFetch: typeof fetch = (input, init) => {
  if (String(input).endsWith('/api-services/v1/auth/token')) tokenRequests++;
  return fetch(input, init);
};

function client(overrides: Partial<ConstructorParameters<typeof SmsCommandsClient>[0]> = {}) {
  return new SmsCommandsClient({
    baseUrl: api.sandbox.url,
    tokenUrl: api.sandbox.tokenUrl,
    clientId: api.sandbox.account.clientId,
    clientSecret: api.sandbox.account.clientSecret,
    clock: api.clock.now,
    fetch: countingFetch,
    ...overrides,
  });
}

beforeEach(async () => {
  api = await openApi();
  tokenRequests = 0;
  simSid = api.sandbox.registry.createSim({ uniqueName: 'meter-1' }).sid;
});
afterEach(() => api.close());

describe('SmsCommandsClient against the sandbox', () => {
  it('creates a command and fetches it back, typed, with dates as Date', async () => {
    api.sandbox.attach(simSid, new FakeModem());
    const c = client();
    const created = await c.create({ sim: 'meter-1', payload: 'ping 42', callbackUrl: 'http://127.0.0.1:9/cb', callbackMethod: 'GET' });
    expect(created).toEqual({
      sid: expect.stringMatching(/^HC[0-9a-f]{32}$/),
      accountSid: api.sandbox.account.sid,
      simSid,
      payload: 'ping 42',
      status: 'queued',
      direction: 'to_sim',
      dateCreated: new Date('2024-10-24T20:12:17Z'),
      dateUpdated: new Date('2024-10-24T20:12:17Z'),
      url: `${api.sandbox.url}/v1/SmsCommands/${created.sid}`,
    });
    expect(api.sandbox.commands.get(created.sid!)).toMatchObject({ callbackUrl: 'http://127.0.0.1:9/cb', callbackMethod: 'GET' });
    await waitFor(async () => (await c.fetch(created.sid!)).status === 'delivered', 'delivered');
  });

  it('iterates over every page, newest first, following next_page_url', async () => {
    const sids = Array.from({ length: 5 }, (_, i) => {
      api.clock.advance(1000);
      return api.sandbox.commands.create({ simSid, payload: `c${i}`, direction: 'from_sim', status: 'received' }).sid;
    });
    const c = client();
    const seen: string[] = [];
    for await (const command of c.list({ pageSize: 2 })) seen.push(command.sid!);
    expect(seen).toEqual([...sids].reverse());
    const pages: number[][] = [];
    for await (const page of c.pages({ pageSize: 2, sim: 'meter-1', direction: 'from_sim', status: 'received' })) pages.push([page.page, page.items.length]);
    expect(pages).toEqual([
      [0, 2],
      [1, 2],
      [2, 1],
    ]);
    const filtered = [];
    for await (const command of c.list({ status: 'queued' })) filtered.push(command);
    expect(filtered).toEqual([]);
  });

  it('stops fetching pages when the loop stops', async () => {
    for (let i = 0; i < 5; i++) api.sandbox.commands.create({ simSid, payload: `c${i}`, direction: 'from_sim', status: 'received' });
    let requests = 0;
    const c = client({ fetch: (input, init) => (requests++, fetch(input, init)) });
    for await (const _command of c.list({ pageSize: 2 })) break;
    expect(requests).toBe(2); // the token and one page
  });

  it('reuses its token, renews it before it expires, and once more after a 401', async () => {
    const c = client();
    await c.page();
    await c.page();
    expect(tokenRequests).toBe(1);
    api.clock.advance(3600_000 - 61_000);
    await c.page();
    expect(tokenRequests).toBe(1);
    api.clock.advance(2000); // inside the last minute: renewed ahead of expiry
    await c.page();
    expect(tokenRequests).toBe(2);

  });

  it('renews its token once and repeats the request when the API answers 401', async () => {
    // The client's clock says the token is fresh; the server's says it expired (a restarted
    // sandbox, which forgets its tokens, looks the same to the client).
    const frozen = new Date(api.clock.ms);
    const c = client({ clock: () => frozen });
    await c.page();
    api.clock.advance(2 * 3600_000);
    expect((await c.page()).items).toEqual([]);
    expect(tokenRequests).toBe(2);
  });

  it('turns error answers into CloudApiError with the status and the API code', async () => {
    const c = client();
    const missing = await c.fetch(`HC${'0'.repeat(32)}`).catch((e: unknown) => e);
    expect(isCloudApiError(missing, 404)).toBe(true);
    expect(missing).toMatchObject({ status: 404, code: 20404, message: `The requested resource /v1/SmsCommands/HC${'0'.repeat(32)} was not found` });
    const long = await c.create({ sim: 'meter-1', payload: 'x'.repeat(161) }).catch((e: unknown) => e);
    expect(long).toMatchObject({ status: 400, code: 20001 });
    const wrong = await client({ clientSecret: 'wrong' }).page().catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(CloudApiError);
    expect(wrong).toMatchObject({ status: 401, code: 'invalid_client' });
  });

  it('never sends its token to another origin named in a page URL', async () => {
    const c = client();
    const error = await c.page('http://127.0.0.2:9/v1/SmsCommands?PageSize=1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudApiError);
    expect(tokenRequests).toBe(0);
  });
});
