import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { Host, quietModem } from './host.js';

const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
/** Lets synchronous stream events land without touching (fake) timers. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('virtual modem faults', () => {
  it('writes injected garbage bytes to the host verbatim', async () => {
    const host = await quietModem();
    host.modem.injectGarbage(Buffer.from([0xff, 0x00, 0x0d]));
    expect(await host.settle()).toBe('\xff\x00\r');
  });

  it('swallows the next answer once when told to drop it', async () => {
    const host = await quietModem();
    host.modem.dropNextResponse();
    expect(await host.send('AT+CSQ\r')).toBe('');
    expect(await host.send('AT\r')).toBe('\r\nOK\r\n');
  });

  it('delays answers by the set latency, per command when asked', async () => {
    fakeTimers();
    const modem = new VirtualModem({ latencyMs: 100 });
    const host = new Host(modem);
    host.stream.write('AT\r');
    await tick();
    expect(host.take()).toBe('AT\r');
    await vi.advanceTimersByTimeAsync(99);
    expect(host.take()).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(host.take()).toBe('\r\nOK\r\n');
    modem.setLatency(300, '+CMGL');
    host.stream.write('AT+CMGL\r');
    await vi.advanceTimersByTimeAsync(299);
    expect(host.take()).toBe('AT+CMGL\r');
    await vi.advanceTimersByTimeAsync(1);
    expect(host.take()).toBe('\r\nOK\r\n');
  });

  it('echoes bytes as they arrive and queues commands written while one is still being answered', async () => {
    fakeTimers();
    const host = new Host(new VirtualModem({ latencyMs: 50 }));
    host.stream.write('ATE0\rAT+CMGF=1\rAT+CMGF?\r');
    await vi.advanceTimersByTimeAsync(150);
    expect(host.take()).toBe('ATE0\rAT+CMGF=1\rAT+CMGF?\r\r\nOK\r\n\r\nOK\r\n\r\n+CMGF: 1\r\n\r\nOK\r\n');
  });

  it('takes the send latency between Ctrl-Z and the +CMGS result', async () => {
    fakeTimers();
    const host = new Host(new VirtualModem({ sendLatencyMs: 3000 }));
    host.stream.write('ATE0\rAT+CMGF=1\rAT+CMGS="000"\rhi\x1a');
    await tick();
    expect(host.take()).toBe('ATE0\r\r\nOK\r\n\r\nOK\r\n\r\n> ');
    await vi.advanceTimersByTimeAsync(2999);
    expect(host.take()).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(host.take()).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
  });

  it('answers a body ended by Ctrl-Z after the same latency as a command line (+CMGW)', async () => {
    fakeTimers();
    const modem = new VirtualModem({ latencyMs: 50 });
    const host = new Host(modem);
    host.stream.write('ATE0\rAT+CMGF=1\r');
    await vi.advanceTimersByTimeAsync(100);
    host.take();
    host.stream.write('AT+CMGW="000"\r');
    await vi.advanceTimersByTimeAsync(50);
    expect(host.take()).toBe('\r\n> ');
    host.stream.write('pong\x1a');
    await vi.advanceTimersByTimeAsync(49);
    expect(host.take()).toBe('');
    expect(modem.stored()).toEqual([]); // not stored before its exchange is over
    await vi.advanceTimersByTimeAsync(1);
    expect(host.take()).toMatch(/^\r\n\+CMGW: \d+\r\n\r\nOK\r\n$/);
    expect(modem.stats.bodies).toBe(1);
  });

  it('charges a body the latency of the command that opened its prompt', async () => {
    fakeTimers();
    const modem = new VirtualModem({ latencyMs: 10, commandLatencyMs: { '+CMGW': 200 } });
    const host = new Host(modem);
    host.stream.write('ATE0\rAT+CMGF=1\rAT+CMGW="000"\r');
    await vi.advanceTimersByTimeAsync(220);
    expect(host.take()).toMatch(/OK\r\n\r\n> $/);
    host.stream.write('pong\x1a');
    await vi.advanceTimersByTimeAsync(199);
    expect(host.take()).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(host.take()).toContain('+CMGW: ');
  });

  it('takes the larger of latency and send latency for a send, not their sum (+CMGS body, +CMSS line)', async () => {
    fakeTimers();
    const modem = new VirtualModem({ latencyMs: 50, sendLatencyMs: 50 });
    const host = new Host(modem);
    host.stream.write('ATE0\rAT+CMGF=1\rAT+CMGS="000"\r');
    await vi.advanceTimersByTimeAsync(150);
    expect(host.take()).toMatch(/OK\r\n\r\n> $/);
    host.stream.write('hi\x1a');
    await vi.advanceTimersByTimeAsync(49);
    expect(host.take()).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(host.take()).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
    modem.setLatency(10);
    host.stream.write('AT+CMGW="000"\r');
    await vi.advanceTimersByTimeAsync(10);
    host.stream.write('hi\x1a');
    await vi.advanceTimersByTimeAsync(10);
    const index = /\+CMGW: (\d+)/.exec(host.take())?.[1];
    host.stream.write(`AT+CMSS=${index}\r`);
    await vi.advanceTimersByTimeAsync(49);
    expect(host.take()).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(host.take()).toBe('\r\n+CMSS: 2\r\n\r\nOK\r\n');
  });

  it('loses the answer to a body when the modem resets during its latency, and the body with it', async () => {
    fakeTimers();
    const modem = new VirtualModem({ latencyMs: 50 });
    const host = new Host(modem);
    host.stream.write('ATE0\rAT+CMGF=1\rAT+CMGW="000"\r');
    await vi.advanceTimersByTimeAsync(150);
    host.take();
    host.stream.write('pong\x1a');
    await vi.advanceTimersByTimeAsync(20);
    modem.reboot({ silent: true });
    await vi.advanceTimersByTimeAsync(100);
    expect(host.take()).toBe('');
    expect(modem.stored()).toEqual([]);
  });

  it('fails the next matching command with the given result, a send after its body', async () => {
    const host = await quietModem({ profile: 'quectel' });
    await host.run('AT+CMGF=1', 'AT+CMEE=1');
    host.modem.failNext('AT+CMGS', { cms: 350 });
    host.modem.failNext(/^AT\+CPMS\?/, '+CME ERROR: 515');
    expect(await host.send('AT+CPMS?\r')).toBe('\r\n+CME ERROR: 515\r\n');
    expect(await host.send('AT+CPMS?\r')).toContain('+CPMS: "SM"');
    expect(await host.send('AT+CMGS="000"\r')).toBe('\r\n> ');
    expect(await host.send('hello\x1a')).toBe('\r\n+CMS ERROR: 350\r\n');
    expect(host.modem.outbox).toEqual([]);
    await host.run('AT+CMEE=2');
    host.modem.failNext('+CMGS', { cms: 350 });
    await host.send('AT+CMGS="000"\r');
    expect(await host.send('hello\x1a')).toBe('\r\n+CMS ERROR: unknown error\r\n');
    host.modem.failNext('AT+CMGD', 'ERROR');
    expect(await host.send('AT+CMGD=0\r')).toBe('\r\nERROR\r\n');
  });

  it('reboots: the pending answer is lost, boot URCs follow, settings revert and storage stays', async () => {
    fakeTimers();
    const modem = new VirtualModem({ profile: 'sim800', latencyMs: 10 });
    const host = new Host(modem);
    host.stream.write('ATE0\rAT+CMGF=1\rAT+CNMI=2,0,0,0,0\r');
    await vi.advanceTimersByTimeAsync(30);
    modem.deliver({ from: '000', text: 'kept' });
    host.take();
    host.stream.write('AT+CMGR=1\r');
    await vi.advanceTimersByTimeAsync(5);
    modem.reboot();
    await vi.advanceTimersByTimeAsync(20);
    expect(host.take()).toBe('\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n');
    host.stream.write('AT+CMGF?\r');
    await vi.advanceTimersByTimeAsync(10);
    expect(host.take()).toBe('AT+CMGF?\r\r\n+CMGF: 0\r\n\r\nOK\r\n');
    host.stream.write('AT+CNMI?\r');
    await vi.advanceTimersByTimeAsync(10);
    expect(host.take()).toBe('AT+CNMI?\r\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n');
    expect(modem.stored().map((m) => m.text)).toEqual(['kept']);
  });

  it('resets silently when asked: no boot URC at all, yet the settings are back at their defaults', async () => {
    fakeTimers();
    const modem = new VirtualModem({ profile: 'quectel', bootDelayMs: 100 });
    const host = new Host(modem);
    host.stream.write('ATE0\rAT+CMGF=1\r');
    await vi.advanceTimersByTimeAsync(10);
    host.take();
    modem.reboot({ silent: true });
    await vi.advanceTimersByTimeAsync(200);
    expect(host.take()).toBe('');
    host.stream.write('AT+CMGF?\r');
    await vi.advanceTimersByTimeAsync(10);
    expect(host.take()).toBe('AT+CMGF?\r\r\n+CMGF: 0\r\n\r\nOK\r\n');
  });

  it('is deaf while it boots, then prints its boot URCs; SMS commands fail until its SMS-ready marker', async () => {
    fakeTimers();
    const modem = new VirtualModem({ profile: 'quectel', bootDelayMs: 100, smsReadyDelayMs: 300 });
    const host = new Host(modem);
    modem.reboot();
    host.stream.write('AT\r');
    await vi.advanceTimersByTimeAsync(50);
    expect(host.take()).toBe(''); // the UART is not up yet: input is lost, as on a real module
    await vi.advanceTimersByTimeAsync(60);
    expect(host.take()).toBe('\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n');
    host.stream.write('ATE0\rAT+CMEE=1\rAT+CPMS?\r');
    await vi.advanceTimersByTimeAsync(10);
    expect(host.take()).toBe('ATE0\r\r\nOK\r\n\r\nOK\r\n\r\n+CMS ERROR: 500\r\n');
    await vi.advanceTimersByTimeAsync(300);
    expect(host.take()).toBe('\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n');
    host.stream.write('AT+CPMS?\r');
    await vi.advanceTimersByTimeAsync(10);
    expect(host.take()).toMatch(/^\r\n\+CPMS: "SM",0,50/);
  });

  it('says +CMS ERROR: 314 (SIM busy) before SMS is ready on a module without an SMS-ready marker', async () => {
    fakeTimers();
    const modem = new VirtualModem({ profile: 'ublox', smsReadyDelayMs: 300 });
    const host = new Host(modem);
    modem.reboot();
    host.stream.write('ATE0\rAT+CMEE=1\rAT+CMGF=1\r');
    await vi.advanceTimersByTimeAsync(10);
    expect(host.take()).toBe('ATE0\r\r\nOK\r\n\r\nOK\r\n\r\n+CMS ERROR: 314\r\n');
    await vi.advanceTimersByTimeAsync(300);
    host.stream.write('AT+CMGF=1\r');
    await vi.advanceTimersByTimeAsync(10);
    expect(host.take()).toBe('\r\nOK\r\n');
  });

  it('announces a full storage on a Quectel only once AT+QINDCFG="smsfull",1 turned it on', async () => {
    const host = await quietModem({ profile: 'quectel' });
    await host.run('AT+CMGF=1');
    host.modem.fillStorage();
    host.modem.deliver({ from: '000', text: 'held 1' });
    expect(await host.settle()).toBe('');
    expect(await host.send('AT+QINDCFG="smsfull",1\r')).toBe('\r\nOK\r\n');
    host.modem.deliver({ from: '000', text: 'held 2' });
    expect(await host.settle()).toBe('\r\n+QIND: "smsfull","SM"\r\n');
    expect(host.modem.stats.held).toBe(2);
  });

  it('unplugs: the stream closes, the port is gone, then a power-cycled modem comes back', async () => {
    fakeTimers();
    const modem = new VirtualModem({ profile: 'quectel' });
    const host = new Host(modem);
    const plugs: boolean[] = [];
    modem.plug$.subscribe((p) => plugs.push(p));
    await host.send('ATE0\r');
    modem.unplug(2000);
    await tick();
    expect(host.closed).toBe(true);
    expect(modem.isPlugged).toBe(false);
    expect(() => modem.connect()).toThrow(/unplugged/);
    await vi.advanceTimersByTimeAsync(2000);
    expect(plugs).toEqual([false, true]);
    const again = new Host(modem);
    await vi.advanceTimersByTimeAsync(0);
    again.take();
    again.stream.write('AT\r');
    await tick();
    expect(again.take()).toBe('AT\r\r\nOK\r\n');
  });

  it('writes a URC right after the next prompt when asked to', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1');
    host.modem.urcDuringPrompt('+CMTI: "SM",9');
    expect(await host.send('AT+CMGS="000"\r')).toBe('\r\n> \r\n+CMTI: "SM",9\r\n');
    expect(await host.send('x\x1a')).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
  });

  it('holds real URCs while the prompt is open and writes them after the answer', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1');
    await host.send('AT+CMGS="000"\r');
    host.modem.deliver({ from: '000', text: 'meanwhile' });
    expect(await host.settle()).toBe('');
    expect(await host.send('x\x1a')).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CMTI: "SM",1\r\n');
  });

  it('re-delivers the last SMS byte for byte as a duplicate', async () => {
    const host = await quietModem();
    host.modem.deliver({ from: '000', text: 'once' });
    host.modem.deliverDuplicate();
    expect(await host.settle()).toBe('\r\n+CMTI: "SM",1\r\n\r\n+CMTI: "SM",2\r\n');
    const [a, b] = host.modem.stored();
    expect(b!.pdu).toBe(a!.pdu);
  });

  it('holds deliveries while storage is full and re-delivers them once space frees', async () => {
    const host = await quietModem({ profile: 'huawei', noise: false });
    await host.run('AT+CMGF=1', 'AT+CMEE=1', 'AT+CNMI=2,1,0,0,0'); // Huawei starts with +CNMI 0,0,0,0,0
    host.modem.fillStorage();
    expect(await host.send('AT+CPMS?\r')).toBe('\r\n+CPMS: "ME",23,23,"ME",23,23,"ME",23,23\r\n\r\nOK\r\n');
    host.modem.deliver({ from: '000', text: 'held' });
    expect(await host.settle()).toBe('\r\n^SMMEMFULL:"ME"\r\n');
    expect(host.modem.stats.held).toBe(1);
    expect(await host.send('AT+CMGW="000"\r')).toBe('\r\n> ');
    expect(await host.send('x\x1a')).toBe('\r\n+CMS ERROR: 322\r\n');
    expect(await host.send('AT+CMGD=0,4\r')).toBe('\r\nOK\r\n\r\n+CMTI: "ME",0\r\n');
    expect(await host.send('AT+CMGR=0\r')).toContain('\r\nheld\r\n');
  });

  it('stops answering entirely while silenced', async () => {
    const host = new Host(new VirtualModem());
    host.modem.silence(true);
    expect(await host.send('AT\r')).toBe('');
    host.modem.deliver({ from: '000', text: 'lost URC' });
    expect(await host.settle()).toBe('');
    host.modem.silence(false);
    expect(await host.send('AT\r')).toBe('AT\r\r\nOK\r\n');
  });

  it('answers SIM busy for the next commands after power-on when asked', async () => {
    const host = await quietModem({ profile: 'ublox' });
    await host.run('AT+CMEE=2');
    host.modem.simBusy(2);
    expect(await host.send('AT+CPMS?\r')).toBe('\r\n+CME ERROR: SIM busy\r\n');
    expect(await host.send('AT+CPMS?\r')).toBe('\r\n+CME ERROR: SIM busy\r\n');
    expect(await host.send('AT+CPMS?\r')).toContain('OK');
  });

  it('counts commands, sends, deliveries and bytes', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1', 'AT+CMGF?');
    host.modem.deliver({ from: '000', text: 'x' });
    await host.send('AT+CMGS="000"\r');
    await host.send('y\x1a');
    const stats = host.modem.stats;
    expect(stats.commands).toMatchObject({ E: 1, '+CMGF': 2, '+CMGS': 1 });
    expect(stats).toMatchObject({ sends: 1, deliveries: 1, held: 0, connections: 1 });
    expect(stats.bytesIn).toBe('ATE0\rAT+CMGF=1\rAT+CMGF?\rAT+CMGS="000"\ry\x1a'.length);
    expect(stats.bytesOut).toBeGreaterThan(0);
  });
});
