import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyLink } from '../../src/sim/pty-link.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { hangupAwareBinding } from '../../src/transport/hangup-aware-binding.js';
import { SerialTransport } from '../../src/transport/serial-transport.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('SerialTransport on a pty that goes away', () => {
  it('closes itself (disconnected) when a write fails because the device is gone, and the path opens again once back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serial-gone-'));
    const modem = new VirtualModem({ profile: 'quectel' });
    const link = await startPtyLink({ modem, link: join(dir, 'tty') });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => modem.dispose(), () => link.close());
    const transport = await SerialTransport.open({ path: link.link! });
    const closed = firstValueFrom(transport.close$);
    modem.unplug();
    await link.ready();
    // Whether serialport noticed the hangup by reading or not, a write tells (it fails, or makes no
    // progress within its deadline): the transport closes.
    await transport.write('AT\r').catch((error: unknown) => expect(error).toMatchObject({ code: 'PORT_CLOSED' }));
    await transport.write('AT\r').then(
      () => expect.unreachable('a write to a vanished device must not succeed'),
      (error: unknown) => expect(error).toMatchObject({ code: 'PORT_CLOSED' }),
    );
    expect(await closed).toMatchObject({ disconnected: true });
    expect(transport.isOpen).toBe(false);
    await transport.close();
    modem.replug();
    await link.ready();
    const again = await SerialTransport.open({ path: link.link! });
    cleanups.push(() => again.close());
    expect(again.isOpen).toBe(true);
  });
});

/** The virtual modem on a pty, opened through hangupAwareBinding (the binding's port, no stream). */
async function bindingOnPty() {
  const dir = mkdtempSync(join(tmpdir(), 'serial-binding-'));
  const modem = new VirtualModem({ profile: 'quectel' });
  const link = await startPtyLink({ modem, link: join(dir, 'tty') });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => modem.dispose(), () => link.close());
  const port = await hangupAwareBinding().open({ path: link.link!, baudRate: 115200 });
  cleanups.push(() => port.isOpen && port.close());
  return { modem, link, port };
}

describe('hangupAwareBinding: a read on a hung-up tty', () => {
  it('fails with end of file instead of reading again and again (bindings-cpp 13 spins on read(2) = 0)', async () => {
    const { modem, link, port } = await bindingOnPty();
    // The master closes before the read starts: the state where the stock read never returns.
    modem.unplug();
    await link.ready();
    const outcome = await Promise.race([
      port.read(Buffer.alloc(64), 0, 64).then(
        () => 'data',
        (error: Error) => error.message,
      ),
      new Promise((done) => setTimeout(() => done('still reading after 5 s'), 5000)),
    ]);
    expect(outcome).toBe('end of file: the device hung up');
  });

  it('still reads what the modem says, waiting on the poller while it says nothing', async () => {
    const { port } = await bindingOnPty();
    const buffer = Buffer.alloc(256);
    const reading = port.read(buffer, 0, 256); // nothing there yet: EAGAIN, then the poller
    await port.write(Buffer.from('AT\r'));
    let text = '';
    for (let { bytesRead } = await reading; ; { bytesRead } = await port.read(buffer, 0, 256)) {
      text += buffer.subarray(0, bytesRead).toString('latin1');
      if (text.includes('OK')) break;
    }
    expect(text).toContain('\r\nOK\r\n');
  });
});
