import { existsSync, lstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyLink, type PtyLink } from '../../src/sim/pty-link.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { ask, closePort, openPort } from './serial-client.js';

const OK = /\r\n(OK|ERROR)\r\n$/;
let cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function linkedModem(options: ConstructorParameters<typeof VirtualModem>[0] = {}): Promise<{ modem: VirtualModem; link: PtyLink; linkPath: string }> {
  const modem = new VirtualModem(options);
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-sim-'));
  const linkPath = join(dir, 'ttySIM');
  const link = await startPtyLink({ modem, link: linkPath });
  cleanup.push(async () => {
    await link.close();
    modem.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return { modem, link, linkPath };
}

describe('virtual modem on a pseudo-terminal', () => {
  it('is a /dev/pts device behind a stable symlink that serialport opens and talks AT to', async () => {
    const { link, linkPath } = await linkedModem({ profile: 'quectel' });
    expect(link.path).toMatch(/^\/dev\/pts\/\d+$/);
    expect(lstatSync(linkPath).isSymbolicLink()).toBe(true);
    expect(realpathSync(linkPath)).toBe(link.path);
    const port = await openPort(linkPath);
    cleanup.push(() => closePort(port));
    expect(await ask(port, 'AT\r', OK)).toBe('AT\r\r\nOK\r\n');
    expect(await ask(port, 'AT+CGMI\r', OK)).toBe('AT+CGMI\r\r\nQuectel\r\n\r\nOK\r\n');
  });

  it('keeps answering after the client closes and reopens the port', async () => {
    const { linkPath } = await linkedModem();
    for (let round = 0; round < 3; round++) {
      const port = await openPort(linkPath);
      expect(await ask(port, 'AT\r', OK)).toBe('AT\r\r\nOK\r\n');
      await closePort(port);
    }
  });

  it('carries a delivery and a send through the real serial binding', async () => {
    const { modem, linkPath } = await linkedModem({ profile: 'simcom' });
    const port = await openPort(linkPath);
    cleanup.push(() => closePort(port));
    await ask(port, 'ATE0\r', OK);
    await ask(port, 'AT+CMGF=1\r', OK);
    const urc = ask(port, '', /\+CMTI: "SM",0\r\n$/);
    modem.deliver({ from: '000', text: 'ping' });
    expect(await urc).toBe('\r\n+CMTI: "SM",0\r\n');
    expect(await ask(port, 'AT+CMGR=0\r', OK)).toMatch(/^\r\n\+CMGR: "REC UNREAD","000","","\d\d\/\d\d\/\d\d,\d\d:\d\d:\d\d\+00"\r\nping\r\n\r\nOK\r\n$/);
    expect(await ask(port, 'AT+CMGS="000"\r', /> $/)).toBe('\r\n> ');
    expect(await ask(port, 'pong\x1a', OK)).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
    expect(modem.outbox).toMatchObject([{ to: '000', text: 'pong' }]);
  });

  it('disappears on unplug, so the client sees a disconnect, and comes back at the same path', async () => {
    const { modem, link, linkPath } = await linkedModem({ profile: 'quectel' });
    const port = await openPort(linkPath);
    await ask(port, 'ATE0\r', OK);
    const closed = new Promise<void>((resolve) => port.once('close', () => resolve()));
    const back = firstValueFrom(modem.plug$.pipe(filter(Boolean)));
    modem.unplug(200);
    await link.ready();
    expect(existsSync(linkPath)).toBe(false);
    // A hung-up tty reads EOF and fails writes with EIO: serialport closes the port either way.
    port.write('AT\r');
    await closed;
    expect(port.isOpen).toBe(false);
    await back;
    await link.ready();
    expect(realpathSync(linkPath)).toBe(link.path);
    const again = await openPort(linkPath);
    cleanup.push(() => closePort(again));
    // Power-cycled: echo is back on, and the Quectel boot URCs were waiting in the line.
    const answer = await ask(again, 'AT\r', /AT\r\r\nOK\r\n$/);
    expect(answer.endsWith('AT\r\r\nOK\r\n')).toBe(true);
  });

  it('comes back under another name after a re-enumeration, while the by-id style link follows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pty-relink-'));
    const modem = new VirtualModem({ profile: 'simcom' });
    const link = await startPtyLink({ modem, link: join(dir, 'ttyUSB2'), stableLink: join(dir, 'by-id') });
    cleanup.push(() => link.close(), async () => modem.dispose(), async () => rmSync(dir, { recursive: true, force: true }));
    expect(realpathSync(join(dir, 'by-id'))).toBe(link.path);
    link.relink(join(dir, 'ttyUSB3'));
    modem.unplug(100);
    await link.ready();
    expect(existsSync(join(dir, 'by-id'))).toBe(false);
    await firstValueFrom(modem.plug$.pipe(filter(Boolean)));
    await link.ready();
    expect(existsSync(join(dir, 'ttyUSB2'))).toBe(false);
    expect(realpathSync(join(dir, 'ttyUSB3'))).toBe(link.path);
    expect(realpathSync(join(dir, 'by-id'))).toBe(link.path);
    const port = await openPort(join(dir, 'by-id'));
    cleanup.push(() => closePort(port));
    expect(await ask(port, 'AT\r', /OK\r\n$/)).toMatch(/OK\r\n$/);
  });

  it('says clearly when socat is missing', async () => {
    const modem = new VirtualModem();
    await expect(startPtyLink({ modem, socat: 'socat-that-does-not-exist' })).rejects.toThrow(/socat is not installed/);
    modem.dispose();
  });
});
