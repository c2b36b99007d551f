import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyLink } from '../../src/sim/pty-link.js';
import { VirtualModem, type VirtualModemOptions } from '../../src/sim/virtual-modem.js';
import { cliArgs } from '../helpers/cli.js';
import { notifySocket } from '../helpers/notify-socket.js';

/** `smsbridge run` under a pretend systemd: $NOTIFY_SOCKET and $WATCHDOG_USEC, as the unit sets them. */

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(modemOptions: VirtualModemOptions, yaml = '') {
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-sd-'));
  const modem = new VirtualModem({ profile: 'quectel', latencyMs: 1, ...modemOptions });
  const link = await startPtyLink({ modem, link: join(dir, 'ttyUSB2') });
  const config = join(dir, 'smsbridge.yaml');
  writeFileSync(config, `port: ${link.link}\nstore:\n  path: ${join(dir, 'bridge.db')}\nlog:\n  level: warn\n${yaml}`);
  const sd = notifySocket();
  cleanups.push(() => link.close(), () => modem.dispose(), () => sd.close(), () => rmSync(dir, { recursive: true, force: true }));
  return { dir, modem, config, sd };
}

function run(config: string, env: NodeJS.ProcessEnv): { child: ChildProcess; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, cliArgs('run', '--config', config), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  cleanups.push(() => child.kill('SIGKILL'));
  return { child, exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))), stderr: () => stderr };
}

const waitFor = async (check: () => boolean, what: string, ms = 20_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('smsbridge run under systemd', () => {
  it('says READY=1 once the modem is configured, pings the watchdog while healthy, and STOPPING=1 on SIGTERM', async () => {
    const { modem, config, sd } = await setup({});
    const bridge = run(config, { NOTIFY_SOCKET: sd.path, WATCHDOG_USEC: '400000' });
    await waitFor(() => sd.messages.some((m) => m.startsWith('READY=1')), 'READY=1');
    expect(sd.messages.find((m) => m.startsWith('READY=1'))).toMatch(/^READY=1\nSTATUS=ready: Quectel EC25$/);
    // Every state change on the way was told as STATUS, before READY.
    expect(sd.messages.filter((m) => m.startsWith('STATUS=')).map((m) => m.split(':')[0])).toEqual(
      expect.arrayContaining(['STATUS=opening', 'STATUS=waiting', 'STATUS=configuring', 'STATUS=ready']),
    );
    const pings = () => sd.messages.filter((m) => m === 'WATCHDOG=1').length;
    await waitFor(() => pings() >= 3, 'three watchdog pings');
    // A modem reboot is recovery on schedule: the pings go on.
    modem.reboot();
    const before = pings();
    await waitFor(() => pings() >= before + 3, 'pings during and after the reboot');
    bridge.child.kill('SIGTERM');
    expect(await bridge.exit).toBe(0);
    expect(sd.messages).toContain('STOPPING=1');
  }, 60_000);

  it('exits 5 on a PIN the SIM refuses, and a restart does not enter it again', async () => {
    const { modem, config, dir, sd } = await setup({ pin: '1234' }, 'pin: "0000"\n');
    const first = run(config, { NOTIFY_SOCKET: sd.path });
    expect(await first.exit).toBe(5);
    expect(first.stderr()).toMatch(/refused the configured PIN \(2 PIN attempts left\)/);
    expect(modem.simCounters.pin).toBe(2);
    expect(sd.messages.some((m) => m.startsWith('STATUS=locked: '))).toBe(true);
    expect(existsSync(join(dir, 'smsbridge.pin-refused'))).toBe(true);

    // Restart=always without RestartPreventExitStatus would do this: the PIN is not tried again.
    const second = run(config, {});
    expect(await second.exit).toBe(5);
    expect(second.stderr()).toMatch(/refused the configured PIN before/);
    expect(modem.simCounters.pin).toBe(2);

    // A person sets the right PIN: the bridge unlocks the SIM, forgets the refusal and answers.
    writeFileSync(config, `port: ${join(dir, 'ttyUSB2')}\nstore:\n  path: ${join(dir, 'bridge.db')}\nlog:\n  level: warn\npin: "1234"\n`);
    run(config, {});
    modem.deliver({ from: '000', text: 'ping 1' });
    await waitFor(() => modem.outbox.some((e) => e.text === 'pong 1'), 'pong 1');
    expect(existsSync(join(dir, 'smsbridge.pin-refused'))).toBe(false);
  }, 60_000);

  it('exits 4 when the modem stays away longer than supervision.maxOfflineMs, so systemd restarts it', async () => {
    const { modem, config, sd } = await setup({}, 'supervision:\n  maxOfflineMs: 1500\n  settingsCheckMs: 1000\n');
    const bridge = run(config, { NOTIFY_SOCKET: sd.path });
    await waitFor(() => sd.messages.some((m) => m.startsWith('READY=1')), 'READY=1');
    const gone = Date.now();
    modem.unplug(); // and never back
    expect(await bridge.exit).toBe(4);
    expect(Date.now() - gone).toBeGreaterThanOrEqual(1500);
    expect(bridge.stderr()).toMatch(/has not been usable for \d+ s/);
    expect(sd.messages.some((m) => m.startsWith('STATUS=failed: '))).toBe(true);
  }, 30_000);
});
