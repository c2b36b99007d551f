import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ModemSession } from '../../src/modem/modem-session.js';
import type { SmsSettings } from '../../src/modem/init-sequence.js';
import { PROFILE_NAMES } from '../../src/sim/profiles.js';
import { VirtualModem, type VirtualModemOptions } from '../../src/sim/virtual-modem.js';
import type { IncomingSms } from '../../src/sms/inbox.js';
import { SmsService } from '../../src/sms/sms-service.js';
import { StreamTransport } from '../../src/transport/stream-transport.js';

/**
 * +CMT acknowledged with +CNMA (3GPP TS 27.005 §3.4.4) on the virtual modem, whose network waits
 * `cnmaTimeoutMs` for the ack, then turns indications off and delivers the message again.
 */
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function setup(modemOptions: VirtualModemOptions, delivery: SmsSettings['delivery'], options: { ack?: (m: IncomingSms) => boolean; settingsCheckMs?: number } = {}) {
  const modem = new VirtualModem({ cnmaTimeoutMs: 300, redeliveryDelayMs: 50, ...modemOptions });
  const session = new ModemSession({
    open: async () => new StreamTransport(modem.connect()),
    sms: { mode: 'text', delivery, statusReports: false },
    channel: { defaultTimeoutMs: 300 },
    timing: { rebootSettleMs: 50, backoffMs: () => 20, waitForModemMs: 2000 },
    settingsCheckMs: options.settingsCheckMs ?? 200,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
  });
  const sms = new SmsService({ modem: session, mode: 'text', defaultRecipient: '000', storageCheckMs: 0 });
  const messages: IncomingSms[] = [];
  sms.incoming$.subscribe((m) => {
    messages.push(m);
    if (options.ack?.(m) ?? true) m.ack().catch(() => undefined);
  });
  sms.start();
  cleanup.push(() => session.close(), () => sms.stop(), () => modem.dispose());
  return { modem, session, messages, sms };
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('acknowledged +CMT delivery (sms.delivery auto)', () => {
  it.each(PROFILE_NAMES)('%s: takes AT+CSMS=1, asks for +CMT, and acknowledges each message once it is handed out', async (profile) => {
    const { modem, session, messages } = setup({ profile }, 'auto');
    const result = await session.start();
    expect(result.cnmi?.mt).toBe(2);
    expect(result.needsAck).toBe(true);
    modem.deliver({ from: '000', text: 'ping 1' });
    modem.deliver({ from: '000', text: 'ping 2' }); // held by the modem until the first is acknowledged
    await until(() => modem.stats.acknowledged === 2, 'two acknowledgements');
    expect(messages.map((m) => [m.source, m.text])).toEqual([['CMT', 'ping 1'], ['CMT', 'ping 2']]);
    expect(modem.stats.ackTimeouts).toBe(0);
    expect(modem.stored()).toEqual([]); // nothing ever touched the storage
  });

  it.each(PROFILE_NAMES)('%s: the ack rides at the front of the reply\'s own line (AT+CNMA;+CMGS), and the network has it', async (profile) => {
    const lines: string[] = [];
    const { modem, session, sms } = setup({ profile, onCommandLine: (line) => lines.push(line) }, 'auto', { ack: () => false });
    await session.start();
    const handled = firstValueFrom(sms.incoming$);
    modem.deliver({ from: '000', text: 'ping 1' });
    const message = await handled;
    const acked = message.ack(); // waits for the next SMS line: the reply, sent right away
    await sms.send('pong 1');
    await acked;
    expect(lines.filter((l) => l.includes('CNMA'))).toEqual(['AT+CNMA;+CMGS="000"']);
    expect(modem.outbox.map((e) => e.text)).toEqual(['pong 1']);
    expect(modem.stats.acknowledged).toBe(1);
    const second = firstValueFrom(sms.incoming$);
    modem.deliver({ from: '000', text: 'ping 2' });
    await (await second).ack(); // no reply this time: the ack goes alone
    expect(modem.stats.acknowledged).toBe(2);
    expect(lines.filter((l) => l.includes('CNMA'))).toEqual(['AT+CNMA;+CMGS="000"', 'AT+CNMA']);
    expect(modem.stats.ackTimeouts).toBe(0);
  });

  it('an ack too late for the network fails alone on its line: the reply it rode with still goes out, once', async () => {
    // Found by the kill test under load: `AT+CNMA;+CMSS=9` answered +CMS ERROR: 340, and the
    // reply was given up as refused by the network.
    const lines: string[] = [];
    const { modem, session, sms } = setup({ profile: 'quectel', cnmaTimeoutMs: 50, onCommandLine: (line) => lines.push(line) }, 'auto', { ack: () => false });
    await session.start();
    const handled = firstValueFrom(sms.incoming$);
    modem.deliver({ from: '000', text: 'ping 1' });
    const message = await handled;
    await until(() => modem.stats.ackTimeouts === 1, 'the network to give up on the ack');
    const acked = message.ack().then(() => 'acked', (e: Error) => e.message);
    await expect(sms.send('pong 1')).resolves.toMatchObject({ messageReference: expect.any(Number) });
    expect(await acked).toMatch(/340/);
    expect(lines.filter((l) => l.includes('CMGS'))).toEqual(['AT+CNMA;+CMGS="000"', 'AT+CMGS="000"']);
    expect(modem.outbox.map((e) => e.text)).toEqual(['pong 1']);
  });

  it('a +CMT pushed while configuration is still under way is acknowledged once it ends: the next one is not held', async () => {
    let pushed = false;
    const ref: { modem?: VirtualModem } = {};
    const { modem, session, messages } = setup(
      {
        profile: 'quectel',
        cnmaTimeoutMs: 60_000, // a missed ack would hold the second message for a minute
        latencyMs: 5, // gaps between init's commands, where the early +CMT comes
        onCommandLine: (line) => {
          // +CNMI=2,2 and +CSMS=1 are set; init goes on with registration and identity.
          if (!pushed && line.startsWith('AT+CREG=')) {
            pushed = true;
            setImmediate(() => ref.modem!.deliver({ from: '000', text: 'early' }));
          }
        },
      },
      'auto',
    );
    ref.modem = modem;
    await session.start();
    modem.deliver({ from: '000', text: 'after' });
    await until(() => messages.length === 2, 'both messages');
    expect(messages.map((m) => [m.source, m.text]).sort()).toEqual([['CMT', 'after'], ['CMT', 'early']]);
    await until(() => modem.stats.acknowledged === 2, 'both acknowledged');
    expect(modem.stats.ackTimeouts).toBe(0);
  });

  it('store: +CMTI as before, and AT+CSMS=1 is never sent', async () => {
    const { session } = setup({ profile: 'quectel' }, 'store');
    const result = await session.start();
    expect(result.cnmi?.mt).toBe(1);
    expect(result.needsAck).toBe(false);
  });

  it('a message never acknowledged (a crash before it was recorded) comes back: the modem turns +CMT off, the settings check turns it on, the sweep reads it', async () => {
    let first = true;
    const { modem, session, messages } = setup({ profile: 'quectel' }, 'auto', {
      ack: () => {
        const ack = !first;
        first = false;
        return ack;
      },
    });
    await session.start();
    const reconfigured = firstValueFrom(session.ready$);
    modem.deliver({ from: '000', text: 'ping' });
    await until(() => modem.stats.ackTimeouts === 1, 'the network to give up waiting');
    await reconfigured;
    await until(() => messages.length === 2, 'the message again');
    expect(messages.map((m) => m.text)).toEqual(['ping', 'ping']);
    expect(messages[1]!.source).toMatch(/^(ME|SM):\d+$/); // stored by the modem while +CMT was off
    await until(() => modem.stored().length === 0, 'the stored copy to be deleted once handed out');
    expect(session.settings?.cnmi?.mt).toBe(2);
  });

  it('an acknowledgement the modem no longer expected (+CMS ERROR: 340) checks the settings at once', async () => {
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    const { modem, session, messages } = setup({ profile: 'telit', cnmaTimeoutMs: 100 }, 'auto', {
      ack: (m) => (void late.then(() => m.ack().catch(() => undefined)), false),
      settingsCheckMs: 60_000, // only the 340 can make it look now
    });
    await session.start();
    modem.deliver({ from: '000', text: 'slow' });
    await until(() => modem.stats.ackTimeouts === 1, 'the ack timeout');
    const reconfigured = firstValueFrom(session.ready$);
    release(); // the ack goes now: 340
    await reconfigured;
    await until(() => messages.length >= 2, 'the message, stored and swept');
    expect(messages.map((m) => m.text)).toEqual(['slow', 'slow']);
  });

  it('a modem that refuses AT+CNMA is configured again for +CMTI, and the message still arrives', async () => {
    const { modem, session, messages } = setup({ profile: 'simcom' }, 'auto');
    await session.start();
    modem.failNext('AT+CNMA', 'ERROR');
    const reconfigured = firstValueFrom(session.ready$);
    modem.deliver({ from: '000', text: 'first' });
    const result = await reconfigured;
    expect(result.cnmi?.mt).toBe(1);
    expect(result.needsAck).toBe(false);
    modem.deliver({ from: '000', text: 'second' });
    await until(() => messages.some((m) => m.text === 'second'), 'the second message');
    // The first one, never acknowledged, comes back stored: it is read like any other.
    await until(() => messages.filter((m) => m.text === 'first').length === 2, 'the first again');
    expect(messages.find((m) => m.text === 'second')!.source).toMatch(/^(ME|SM):\d+$/);
  });
});
