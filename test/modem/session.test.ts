import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ModemSession, type SessionOptions } from '../../src/modem/modem-session.js';
import { VirtualModem, type VirtualModemOptions } from '../../src/sim/virtual-modem.js';
import type { ProfileName } from '../../src/sim/profiles.js';
import { SmsService } from '../../src/sms/sms-service.js';
import type { IncomingSms } from '../../src/sms/inbox.js';
import { StreamTransport } from '../../src/transport/stream-transport.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A session on an in-process virtual modem, with short timeouts so recovery tests stay quick. */
function setup(modemOptions: VirtualModemOptions = {}, sessionOptions: Partial<SessionOptions> = {}, storageCheckMs = 200) {
  const modem = new VirtualModem(modemOptions);
  let opens = 0;
  const session = new ModemSession({
    open: async () => {
      opens++;
      if (!modem.isPlugged) throw new Error('no such device');
      return new StreamTransport(modem.connect());
    },
    sms: { mode: 'text', delivery: 'store', statusReports: false },
    channel: { defaultTimeoutMs: 300 },
    timing: { rebootSettleMs: 50, backoffMs: () => 20, waitForModemMs: 2000 },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    ...sessionOptions,
  });
  const sms = new SmsService({ modem: session, mode: 'text', defaultRecipient: '000', storageCheckMs });
  const messages: IncomingSms[] = [];
  sms.incoming$.subscribe((m) => {
    messages.push(m);
    m.ack().catch(() => undefined);
  });
  sms.start();
  cleanup.push(() => session.close(), () => sms.stop(), () => modem.dispose());
  return { modem, session, sms, messages, opens: () => opens };
}

const readyAgain = (session: ModemSession) => firstValueFrom(session.ready$);
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('ModemSession on the virtual modem', () => {
  it.each<ProfileName>(['quectel', 'simcom', 'sim800', 'huawei', 'ublox', 'telit', 'generic'])('initialises a %s modem and learns who it is', async (profile) => {
    const { session, modem } = setup({ profile });
    const result = await session.start();
    expect(session.state).toBe('ready');
    const info = session.info()!;
    expect(info.imei).toMatch(/^\d{15}$/);
    expect(info.iccid).toMatch(/^\d{18,20}/);
    expect(info.model).not.toBe('');
    expect(info.signalDbm).toBeLessThan(0);
    expect(result.cnmi?.mt).toBe(1);
    expect(modem.stored()).toEqual([]);
  });

  it('turns on new-message indications on a u-blox that ships with them off, so +CMTI arrives', async () => {
    const { session, modem, messages } = setup({ profile: 'ublox' });
    await session.start();
    modem.deliver({ from: '000', text: 'ping' });
    await until(() => messages.length === 1, 'the message');
    expect(messages[0]).toMatchObject({ sender: '000', text: 'ping' });
  });

  it('retries SIM busy at start and becomes ready', async () => {
    const { session, modem } = setup({ profile: 'ublox' });
    modem.simBusy(3);
    await session.start();
    expect(session.state).toBe('ready');
  });

  it('stores in the modem memory (ME) where it has one, not the SIM, and still finds what arrived on the SIM before', async () => {
    const { session, modem, messages } = setup({ profile: 'quectel' });
    modem.deliver({ from: '000', text: 'waiting on the SIM' }); // power-on default: SM
    const result = await session.start();
    expect(result.storage).toBe('ME');
    expect(session.info()?.storage?.name).toBe('ME');
    await until(() => messages.length === 1, 'the message from SM');
    expect(messages[0]).toMatchObject({ text: 'waiting on the SIM', storage: 'SM' });
    modem.deliver({ from: '000', text: 'new one' });
    await until(() => messages.length === 2, 'the new message');
    expect(messages[1]).toMatchObject({ text: 'new one', storage: 'ME' });
    await until(() => modem.stored().length === 0, 'both deleted');
  });

  it('sweeps messages that arrived while nobody listened', async () => {
    const { session, modem, messages } = setup({ profile: 'simcom' });
    modem.deliver({ from: '000', text: 'early one' });
    modem.deliver({ from: '000', text: 'early two' });
    await session.start();
    await until(() => messages.length === 2, 'the swept messages');
    expect(messages.map((m) => m.text).sort()).toEqual(['early one', 'early two']);
    await until(() => modem.stored().length === 0, 'the deletes');
  });

  it('re-initialises after a reboot and receives messages delivered before, during and after it, once each', async () => {
    const { session, modem, messages } = setup({ profile: 'quectel' });
    await session.start();
    modem.deliver({ from: '000', text: 'before' });
    await until(() => messages.length === 1, 'before');
    const states = firstValueFrom(session.state$.pipe(take(4), toArray()));
    modem.reboot();
    modem.deliver({ from: '000', text: 'during' });
    await readyAgain(session);
    expect(await states).toEqual(['ready', 'rebooting', 'configuring', 'ready']);
    modem.deliver({ from: '000', text: 'after' });
    await until(() => messages.length === 3, 'all three');
    expect(messages.map((m) => m.text).sort()).toEqual(['after', 'before', 'during']);
  });

  it('reopens the port after an unplug and receives what arrived meanwhile', async () => {
    const { session, modem, messages, opens } = setup({ profile: 'quectel' });
    await session.start();
    const back = readyAgain(session);
    modem.unplug(100);
    modem.deliver({ from: '000', text: 'while unplugged' });
    await firstValueFrom(session.state$.pipe(filter((s) => s === 'backoff')));
    await back;
    expect(opens()).toBeGreaterThan(1);
    await until(() => messages.some((m) => m.text === 'while unplugged'), 'the message');
    expect(messages.filter((m) => m.text === 'while unplugged')).toHaveLength(1);
  });

  it('recovers from a modem that stops answering, once it answers again', async () => {
    const { session, modem, sms } = setup({ profile: 'generic' });
    await session.start();
    await sms.sweep(); // let the start-up sweep (long timeout) finish first
    modem.silence(true);
    const recovering = firstValueFrom(session.state$.pipe(filter((s) => s === 'recovering')));
    // Not awaited one by one: once the session is unresponsive, sends wait for it to recover.
    for (let i = 0; i < 3; i++) session.send({ text: 'AT+CSQ' }).catch(() => undefined);
    await recovering;
    modem.silence(false);
    await readyAgain(session);
    expect(session.state).toBe('ready');
  });

  it('retries SIM busy where it occurs: a read answered +CME ERROR: 14 is read again at once, not at the next sweep', async () => {
    const { session, modem, messages } = setup({ profile: 'quectel' }, {}, 0);
    await session.start();
    await new Promise((r) => setTimeout(r, 100)); // the start-up sweep is done
    modem.simBusy(3);
    modem.deliver({ from: '000', text: 'through a busy SIM' });
    await until(() => messages.length === 1, 'the message');
    expect(messages[0]?.text).toBe('through a busy SIM');
    await until(() => modem.stored().length === 0, 'the delete');
  });

  it('survives garbage and a dropped response', async () => {
    const { session, modem, messages } = setup({ profile: 'quectel' });
    await session.start();
    modem.injectGarbage(Buffer.from('\xff\xfe garbage \x00\x01\r\n#@!\r\n', 'latin1'));
    modem.dropNextResponse();
    await session.send({ text: 'AT+CSQ' }).catch(() => undefined);
    modem.deliver({ from: '000', text: 'still here' });
    await until(() => messages.length === 1, 'the message');
    expect(messages[0]?.text).toBe('still here');
  });

  it('stops with a clear error when the SIM wants a PIN and none is configured', async () => {
    const { session } = setup({ pin: '1234' });
    await expect(session.start()).rejects.toMatchObject({ code: 'SIM_PIN_REQUIRED' });
  });

  it('enters the configured PIN once', async () => {
    const { session, modem } = setup({ pin: '1234' }, { pin: '1234' });
    await session.start();
    expect(modem.stats.commands['+CPIN']).toBeGreaterThanOrEqual(2);
  });

  it('never guesses: a wrong PIN stops without trying again, and says how many attempts are left', async () => {
    const { session, modem } = setup({ pin: '1234' }, { pin: '0000' });
    const error = (await session.start().then(() => new Error('started'), (e: unknown) => e as Error));
    expect(error).toMatchObject({ code: 'SIM_PIN_WRONG' });
    expect(error.message).toContain('2 PIN attempts left');
    expect(modem.stats.commands['+CPIN']).toBe(2); // AT+CPIN? then the one AT+CPIN="0000"
    expect(modem.simCounters.pin).toBe(2);
    expect(session.state).toBe('locked');
  });

  it.each<ProfileName>(['quectel', 'simcom', 'huawei', 'ublox', 'telit', 'generic'])('reads the PIN attempts left on a %s and keeps the last one for a person', async (profile) => {
    const { session, modem } = setup({ profile, pin: '1234', pinAttempts: 1 }, { pin: '1234' });
    const error = (await session.start().then(() => new Error('started'), (e: unknown) => e as Error));
    expect(error).toMatchObject({ code: 'SIM_PIN_REQUIRED' });
    expect(error.message).toContain('1 PIN attempt left');
    expect(modem.stats.commands['+CPIN']).toBe(1); // only AT+CPIN?
  });

  it('does not enter a PIN the SIM refused before (across restarts), and forgets it once the SIM is unlocked', async () => {
    const refused = new Set<string>();
    const pinGuard = { wasRefused: (pin: string) => refused.has(pin), refused: (pin: string) => void refused.add(pin), unlocked: () => refused.clear() };
    const first = setup({ pin: '1234' }, { pin: '0000', pinGuard });
    await expect(first.session.start()).rejects.toMatchObject({ code: 'SIM_PIN_WRONG' });
    expect(refused.size).toBe(1);
    const again = setup({ pin: '1234' }, { pin: '0000', pinGuard });
    await expect(again.session.start()).rejects.toMatchObject({ code: 'SIM_PIN_WRONG', message: expect.stringContaining('before') });
    expect(again.modem.stats.commands['+CPIN']).toBe(1);
    const fixed = setup({ pin: '1234' }, { pin: '1234', pinGuard });
    await fixed.session.start();
    expect(refused.size).toBe(0);
  });

  it('is healthy for a watchdog while ready, and not once closed', async () => {
    const { session } = setup();
    expect(session.healthy()).toBe(false);
    await session.start();
    expect(session.healthy()).toBe(true);
    await session.close();
    expect(session.healthy()).toBe(false);
  });

  it('finds messages held behind a full storage that no +CMTI announced, by its storage check', async () => {
    const { session, modem, messages } = setup({ profile: 'quectel' });
    await session.start();
    modem.fillStorage();
    modem.deliver({ from: '000', text: 'behind a full SIM' });
    await until(() => messages.some((m) => m.text === 'behind a full SIM'), 'the held message');
    expect(messages.filter((m) => m.text === 'behind a full SIM')).toHaveLength(1);
  });

  it('keeps an @ in a text-mode message (GSM 0x00 under AT+CSCS="GSM")', async () => {
    const { session, modem, messages } = setup({ profile: 'quectel' });
    await session.start();
    modem.deliver({ from: '000', text: 'notify ops@example.com' });
    await until(() => messages.length === 1, 'the message');
    expect(messages[0]?.text).toBe('notify ops@example.com');
  });
});

