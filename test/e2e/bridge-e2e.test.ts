import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyLink, type PtyLink } from '../../src/sim/pty-link.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { cliArgs } from '../helpers/cli.js';

/**
 * The product end to end: `smsbridge run` (the built CLI) as its own process, through the real
 * `serialport` binding, on the virtual modem's pseudo-terminal.
 */

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-e2e-'));
  // The network waits 2 s for an acknowledgement here (15 s by default): a kill before one costs that long.
  const modem = new VirtualModem({ profile: 'quectel', latencyMs: 1, cnmaTimeoutMs: 2000 });
  const link: PtyLink = await startPtyLink({ modem, link: join(dir, 'ttySIM') });
  const config = join(dir, 'smsbridge.yaml');
  writeFileSync(config, `port: ${link.link}\nstore:\n  path: ${join(dir, 'bridge.db')}\nlog:\n  level: warn\nsupervision:\n  settingsCheckMs: 2000\n`);
  cleanups.push(() => link.close(), () => modem.dispose(), () => rmSync(dir, { recursive: true, force: true }));
  return { modem, config, dir };
}

function startBridge(config: string): ChildProcess {
  const child = spawn(process.execPath, cliArgs('run', '--config', config), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('close', (code) => {
    if (code !== null && code !== 0) console.error(`bridge exited ${code}: ${stderr}`);
  });
  cleanups.push(() => child.kill('SIGKILL'));
  return child;
}

const waitFor = async (check: () => boolean, what: string, ms = 60_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

const replies = (modem: VirtualModem) => modem.outbox.map((e) => e.text);

describe('smsbridge run on the simulator pty', () => {
  it('answers 100 pings with 100 pongs, each once, to 000', async () => {
    const { modem, config } = await setup();
    startBridge(config);
    for (let n = 1; n <= 100; n++) {
      modem.deliver({ from: '000', text: `ping ${n}`, timestamp: new Date(Date.UTC(2026, 11, 2, 12, 0, n)) });
      if (n % 10 === 0) await waitFor(() => replies(modem).length >= n - 5, `replies up to ${n}`);
    }
    await waitFor(() => replies(modem).length >= 100, '100 replies');
    await new Promise((r) => setTimeout(r, 300));
    expect([...replies(modem)].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `pong ${i + 1}`).sort());
    expect(modem.outbox.every((e) => e.to === '000')).toBe(true);
    expect(modem.stored().filter((m) => m.kind === 'deliver')).toEqual([]);
  }, 120_000);

  it('answers each of 100 pings exactly once while the bridge is killed with SIGKILL and restarted', async () => {
    const { modem, config } = await setup();
    let child = startBridge(config);
    let delivered = 0;
    for (const killAt of [20, 45, 70, 90]) {
      while (delivered < killAt) {
        delivered++;
        modem.deliver({ from: '000', text: `ping ${delivered}`, timestamp: new Date(Date.UTC(2026, 11, 2, 12, 0, delivered)) });
        await new Promise((r) => setTimeout(r, 15));
      }
      // Kill while commands are in flight: some recorded and not answered, some still on the SIM.
      await waitFor(() => replies(modem).length >= killAt - 12, `replies before the kill at ${killAt}`);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      child = startBridge(config);
    }
    while (delivered < 100) {
      delivered++;
      modem.deliver({ from: '000', text: `ping ${delivered}`, timestamp: new Date(Date.UTC(2026, 11, 2, 12, 0, delivered)) });
      await new Promise((r) => setTimeout(r, 15));
    }
    await waitFor(() => new Set(replies(modem)).size >= 100, 'all 100 replies', 90_000);
    await new Promise((r) => setTimeout(r, 500));
    const counts = new Map<string, number>();
    for (const text of replies(modem)) counts.set(text, (counts.get(text) ?? 0) + 1);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(counts.size).toBe(100);
  }, 180_000);
});
