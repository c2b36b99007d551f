import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyLink } from '../../src/sim/pty-link.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { cliArgs } from '../helpers/cli.js';

/** `smsbridge status` and `smsbridge send` against `smsbridge run` on the virtual modem's pty. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const cli = (...args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, cliArgs(...args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

const waitFor = async (check: () => boolean | Promise<boolean>, what: string, ms = 30_000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('status and send against a running bridge', () => {
  it('status says ready with the modem, the queue and the last command; send hands the bridge a message; after kill -9 both say no bridge runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsbridge-status-'));
    const modem = new VirtualModem({ profile: 'quectel', latencyMs: 1 });
    const link = await startPtyLink({ modem, link: join(dir, 'ttySIM') });
    const config = join(dir, 'smsbridge.yaml');
    writeFileSync(config, `port: ${link.link}\nstore:\n  path: ${join(dir, 'bridge.db')}\nlog:\n  level: warn\n`);
    cleanups.push(() => link.close(), () => modem.dispose(), () => rmSync(dir, { recursive: true, force: true }));

    const before = await cli('status', '--config', config);
    expect(before.code).toBe(7);
    expect(before.stdout).toContain('not running: no bridge has run on this store');
    // No bridge holds the port: send --port opens the modem itself and sends at once.
    const direct = await cli('send', '--config', config, '--port', link.link!, 'sent by hand');
    expect(direct.code).toBe(0);
    expect(direct.stdout).toMatch(/^sent to 000 on .* \(message reference \d+\)/);
    expect(modem.outbox.map((e) => [e.to, e.text])).toEqual([['000', 'sent by hand']]);

    const bridge: ChildProcess = spawn(process.execPath, cliArgs('run', '--config', config), { stdio: 'ignore' });
    cleanups.push(() => bridge.kill('SIGKILL'));
    await waitFor(async () => (await cli('status', '--config', config)).code === 0, 'status to say ready');
    modem.deliver({ from: '000', text: 'ping 5' });
    await waitFor(() => modem.outbox.some((e) => e.text === 'pong 5'), 'pong 5');

    const status = await cli('status', '--config', config);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^running: pid \d+/);
    expect(status.stdout).toMatch(/session: ready since \d+ s ago/);
    expect(status.stdout).toContain('modem: Quectel EC25, IMEI 866834040123456');
    expect(status.stdout).toMatch(/signal: -\d+ dBm/);
    expect(status.stdout).toMatch(/storage: ME \d+\/255/);
    expect(status.stdout).toContain('queue: 0 to send, 0 in flight');
    expect(status.stdout).toMatch(/last command: "ping 5" from 000, replied/);
    const json = JSON.parse((await cli('status', '--config', config, '--json')).stdout) as { running: boolean; status: { state: string; pid: number } };
    expect(json).toMatchObject({ running: true, status: { state: 'ready', pid: bridge.pid } });

    // The bridge holds the port now: send --port cannot open it, says so, and sends nothing.
    const held = await cli('send', '--config', config, '--port', link.link!, '--wait', '3', 'not through a held port');
    expect(held.code).toBe(3);
    expect(held.stderr).toContain('if a bridge runs on it, send without --port');
    const sent = await cli('send', '--config', config, 'hello from a script');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/queued #\d+ to 000 .*the bridge \(pid \d+, ready\) sends it/);
    await waitFor(() => modem.outbox.some((e) => e.text === 'hello from a script'), 'the queued message to go out');

    bridge.kill('SIGKILL');
    await new Promise((r) => bridge.once('exit', r));
    const after = await cli('status', '--config', config);
    expect(after.code).toBe(7);
    expect(after.stdout).toMatch(/not running: process \d+ is gone/);
    expect(after.stdout).toMatch(/last command: "ping 5"/);
    const refused = await cli('send', '--config', config, 'nobody home');
    expect(refused.code).toBe(7);
  }, 90_000);

  it('serves Prometheus /metrics and /healthz on the configured local address', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'smsbridge-metrics-'));
    const modem = new VirtualModem({ profile: 'quectel', latencyMs: 1 });
    const link = await startPtyLink({ modem, link: join(dir, 'ttySIM') });
    const config = join(dir, 'smsbridge.yaml');
    writeFileSync(config, `port: ${link.link}\nstore:\n  path: ${join(dir, 'bridge.db')}\nlog:\n  level: warn\nmetrics:\n  listen: 127.0.0.1:${port}\n`);
    cleanups.push(() => link.close(), () => modem.dispose(), () => rmSync(dir, { recursive: true, force: true }));
    const bridge = spawn(process.execPath, cliArgs('run', '--config', config), { stdio: 'ignore' });
    cleanups.push(() => bridge.kill('SIGKILL'));
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => ({ status: r.status, body: await r.text() })).catch(() => ({ status: 0, body: '' }));
    // Healthy on the way up too (a state within its deadline); ready once SMS works.
    await waitFor(async () => (await get('/healthz')).body === 'ok: ready\n', '/healthz ok: ready');
    expect((await get('/healthz')).status).toBe(200);
    modem.deliver({ from: '000', text: 'ping 1' });
    modem.deliver({ from: '000', text: 'nonsense' });
    await waitFor(() => modem.outbox.length >= 2, 'two replies');
    await waitFor(async () => /smsbridge_replies_total\{status="sent"\} 2/.test((await get('/metrics')).body), 'the replies counted');
    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/smsbridge_commands_total\{outcome="ok"\} 1/);
    expect(metrics).toMatch(/smsbridge_commands_total\{outcome="unknown"\} 1/);
    expect(metrics).toMatch(/smsbridge_session_state\{state="ready"\} 1/);
    expect(metrics).toMatch(/smsbridge_command_latency_seconds_count 2/);
    expect(metrics).toMatch(/smsbridge_replies_pending 0/);
    expect(Number(/smsbridge_at_exchanges_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(10);
    expect(metrics).toMatch(/smsbridge_process_resident_memory_bytes \d+/);
    expect((await get('/nothing')).status).toBe(404);
  }, 90_000);
});
