import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSandbox, type RunningSandbox, type SandboxCliOptions } from '../../src/cli/sandbox-command.js';
import { SmsCommandsClient } from '../../src/cloud/client.js';
import { silentLogger } from '../../src/log.js';
import { startWebhook, tempDir, waitFor } from './helpers.js';

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function start(options: Partial<SandboxCliOptions>): Promise<{ running: RunningSandbox; out: () => string }> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const running = await runSandbox({ port: 0, sims: 1, bridge: false, pty: false, ...options }, out, silentLogger);
  cleanups.push(() => running.close());
  return { running, out: () => text };
}

const clientFor = (running: RunningSandbox) =>
  new SmsCommandsClient({ baseUrl: running.sandbox.url, tokenUrl: running.sandbox.tokenUrl, clientId: running.sandbox.account.clientId, clientSecret: running.sandbox.account.clientSecret });

async function roundTrip(running: RunningSandbox, sim: string): Promise<void> {
  const client = clientFor(running);
  const command = await client.create({ sim, payload: 'ping 42' });
  await waitFor(async () => {
    for await (const c of client.list({ sim, direction: 'from_sim' })) if (c.payload === 'pong 42') return true;
    return false;
  }, 'pong 42 from the device', 15_000);
  expect((await client.fetch(command.sid!)).status).toBe('delivered');
}

describe('smsbridge sandbox', () => {
  it('prints the credentials, SIMs and a curl example; with --bridge each SIM answers; state and SIDs survive a restart', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const hook = await startWebhook();
    cleanups.push(() => hook.close());
    const db = join(dir, 'sandbox.db');
    const first = await start({ sims: 2, bridge: true, db, fleetUrl: `${hook.url}/mo` });
    const text = first.out();
    expect(text).toContain(`SMS Commands sandbox on ${first.running.sandbox.url}`);
    expect(text).toContain(`  console: ${first.running.sandbox.url}/ (open it in a browser on this machine)`);
    expect(text).toContain(`client id      ${first.running.sandbox.account.clientId}`);
    expect(text).toContain(`client secret  ${first.running.sandbox.account.clientSecret}`);
    expect(text).toContain(`curl -s -X POST ${first.running.sandbox.url}/v1/SmsCommands -H "Authorization: Bearer $TOKEN"`);
    expect(text).toMatch(/SIM sim-2 \(HS[0-9a-f]{32}\): virtual quectel modem, smsbridge running on it/);
    await roundTrip(first.running, 'sim-2');
    await waitFor(() => hook.calls.some((c) => c.params.Payload === 'pong 42' && c.params.SimUniqueName === 'sim-2'), 'fleet webhook');
    expect(first.out()).toMatch(/◀ HC[0-9a-f]{32} from sim-2: received "pong 42"/);

    const sims = first.running.sims.map((s) => s.sid);
    const account = first.running.sandbox.account;
    await first.running.close();
    const second = await start({ sims: 2, db });
    expect(second.running.sandbox.account).toEqual(account);
    expect(second.running.sims.map((s) => s.sid)).toEqual(sims);
    expect((await clientFor(second.running).page({ sim: 'sim-2' })).items.map((c) => c.payload)).toEqual(['pong 42', 'ping 42']);
  });

  it('with --pty puts each modem on a pseudo-terminal, and the bridge goes through it like on a device', async () => {
    const { running, out } = await start({ pty: true, bridge: true });
    const path = running.sims[0]!.pty!.path;
    expect(path).toMatch(/^\/dev\/pts\/\d+$/);
    expect(out()).toContain(`virtual quectel modem on ${path}, smsbridge running on it`);
    await roundTrip(running, 'sim-1');
  });

  it('serves the console by default; --no-console serves none and prints no address', async () => {
    const on = await start({});
    expect((await fetch(on.running.sandbox.url)).status).toBe(200);
    const off = await start({ console: false });
    expect(off.out()).not.toContain('console:');
    expect((await fetch(off.running.sandbox.url)).status).toBe(401);
  });
});
