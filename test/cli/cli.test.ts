import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyLink, type PtyLink } from '../../src/sim/pty-link.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { cliArgs } from '../helpers/cli.js';
import { detectPort } from '../../src/modem/port-detect.js';
import { probeAt } from '../../src/api/open-port.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/transcripts/${name}`, import.meta.url));

function smsbridge(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgs(...args), { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
let modem: VirtualModem;
let link: PtyLink;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsbridge-cli-'));
  modem = new VirtualModem({ profile: 'quectel' });
  link = await startPtyLink({ modem, link: join(dir, 'ttySIM') });
});
afterAll(async () => {
  await link.close();
  modem.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('smsbridge CLI', () => {
  it('replay prints writes, frames, URCs and results of a transcript', async () => {
    const { code, stdout } = await smsbridge('replay', fixture('08-huawei-e303-cmti-inside-command.at'));
    expect(code).toBe(0);
    expect(stdout).toContain('URC CMTI {"storage":"ME","index":0}');
    expect(stdout).toContain('= AT+CPIN? → OK ["+CPIN: READY"]');
  });

  it('replay of a missing file exits 2 with a clear message', async () => {
    const { code, stderr } = await smsbridge('replay', join(dir, 'nope.at'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read .*nope\.at/);
  });

  it('at sends commands to a port and prints the answers', async () => {
    const { code, stdout } = await smsbridge('at', '--port', link.link!, 'AT+CGMI', 'AT+CSQ');
    expect(code).toBe(0);
    expect(stdout).toContain('Quectel');
    expect(stdout).toContain('+CSQ: 20,99');
  });

  it('at exits 3 when the port cannot be opened', async () => {
    const { code, stderr } = await smsbridge('at', '--port', join(dir, 'no-such-tty'), 'AT');
    expect(code).toBe(3);
    expect(stderr).toContain('cannot open');
  });

  it('info initialises the modem and prints identity, signal and storage', async () => {
    const { code, stdout } = await smsbridge('info', '--port', link.link!);
    expect(code).toBe(0);
    expect(stdout).toMatch(/IMEI\s+\d{15}/);
    expect(stdout).toMatch(/signal\s+-\d+ dBm/);
    expect(stdout).toMatch(/SMS storage\s+ME \d+\/255/); // the modem memory, not the SIM: SIM flash wears out
    expect(stdout).toMatch(/SIM\s+READY, 3 PIN attempts left, 10 PUK/);
    // The simulator's ICCID (the Telit guide's example) has no valid Luhn digit: shown, and warned about.
    expect(stdout).toMatch(/ICCID\s+89883070000012345678/);
    expect(stdout).toMatch(/warning\s+ICCID 89883070000012345678 fails its Luhn check digit/);
  });

  it('send refuses (exit 7) when no bridge runs on the store; --queue queues anyway and history lists it; an oversize one is refused with exit 1', async () => {
    const db = join(dir, 'send.db');
    const alone = await smsbridge('send', '--db', db, 'hello 000');
    expect(alone.code).toBe(7);
    expect(alone.stderr).toMatch(/no bridge runs on .*send\.db.*nothing queued/);
    const queued = await smsbridge('send', '--db', db, '--queue', 'hello 000');
    expect(queued).toMatchObject({ code: 0 });
    expect(queued.stdout).toMatch(/^queued #1 to 000 .*the next one to start sends it/);
    const refused = await smsbridge('send', '--db', db, '--queue', 'x'.repeat(161));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('161 septets');
    const history = await smsbridge('history', '--db', db, '--json');
    const rows = history.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; status: string });
    expect(rows).toEqual([expect.objectContaining({ text: 'hello 000', status: 'queued' })]);
  });

  it('port detection probes candidates with AT over serialport and picks the simulator port that answers', async () => {
    const silent = join(dir, 'not-a-tty');
    writeFileSync(silent, '');
    const { found, tried } = await detectPort((path) => probeAt(path, 115200, 500), {
      candidates: [
        { path: silent, tty: 'ttyUSB0', reason: 'test: a file, not a modem', rank: 0 },
        { path: link.link!, tty: 'ttyUSB2', reason: 'test: the simulator', rank: 0 },
      ],
    });
    expect(tried.map((t) => t.answered)).toEqual([false, true]);
    expect(found?.path).toBe(link.link);
  });

  it('run refuses an invalid configuration with exit 2 and names the path', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'sms:\n  mode: binary\nallow: [000]\n');
    const { code, stderr } = await smsbridge('run', '--config', config);
    expect(code).toBe(2);
    expect(stderr).toContain('sms.mode');
    expect(stderr).toContain('allow.0');
  });
});
