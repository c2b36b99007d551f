/**
 * End to end against a real SMS client nobody here wrote: gammu (Debian package `gammu`)
 * talks to the virtual modem through its pseudo-terminal, unmodified.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyLink, type PtyLink } from '../../src/sim/pty-link.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';

const dir = mkdtempSync(join(tmpdir(), 'smsbridge-gammu-'));
const rc = join(dir, 'gammurc');
let modem: VirtualModem;
let link: PtyLink;

/** Runs gammu without blocking the event loop: the modem answers from this very process. */
function gammu(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('gammu', ['-c', rc, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT')
        reject(new Error('gammu is not on PATH: install the Debian package "gammu" (.ci/run does)'));
      else if (error) reject(new Error(`gammu ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

beforeAll(async () => {
  modem = new VirtualModem({ profile: 'quectel' });
  link = await startPtyLink({ modem, link: join(dir, 'ttySIM') });
  writeFileSync(rc, `[gammu]\ndevice = ${join(dir, 'ttySIM')}\nconnection = at\nlogfile = ${join(dir, 'gammu.log')}\nlogformat = textalldate\n`);
});

afterAll(async () => {
  await link?.close();
  modem?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('gammu against the virtual modem', () => {
  it('identifies the profile manufacturer, model, firmware and IMEI', async () => {
    const out = await gammu('--identify');
    expect(out).toMatch(/Manufacturer\s+: Quectel/);
    expect(out).toMatch(/Model\s+: .*EC25/);
    expect(out).toMatch(/Firmware\s+: EC25EFAR06A10M4G/);
    expect(out).toMatch(/IMEI\s+: 866834040123456/);
    expect(out).toMatch(/SIM IMSI\s+: 732123200012345/);
  });

  it('reads an SMS delivered through the API with getallsms', async () => {
    modem.deliver({ from: '000', text: 'ping from the network' });
    const out = await gammu('getallsms');
    expect(out).toMatch(/Remote number\s+: "000"/);
    expect(out).toMatch(/Status\s+: UnRead/);
    expect(out).toContain('ping from the network');
  });

  it('sends with sendsms TEXT 000 and the message lands in the outbox', async () => {
    await gammu('sendsms', 'TEXT', '000', '-text', 'hello');
    expect(modem.outbox).toMatchObject([{ to: '000', text: 'hello', mode: 'pdu', mr: 1 }]);
  });
});
