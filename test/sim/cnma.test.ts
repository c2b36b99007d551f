/**
 * +CSMS / +CNMA per 3GPP TS 27.005 §3.2.1, §3.4.4 and §4.6: with AT+CSMS=1 every +CMT/+CDS wants
 * AT+CNMA, the TA sends no other one before it, and a missing ack sets CNMI <mt>/<ds> to 0 while the
 * network delivers the message again. Time is the fake clock's: no real waiting, no timing asserts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROFILE_NAMES, PROFILES } from '../../src/sim/profiles.js';
import { DEFAULT_CNMA_TIMEOUT_MS, VirtualModem, type VirtualModemOptions } from '../../src/sim/virtual-modem.js';
import { Host } from './host.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const CLOCK = () => new Date(Date.UTC(2024, 9, 24, 20, 12, 17));

afterEach(() => {
  vi.useRealTimers();
});

/** A modem on the fake clock with echo off; `at` writes one line and returns what came back. */
async function modem(options: VirtualModemOptions = {}) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  const m = new VirtualModem({ clock: CLOCK, noise: false, ...options });
  const host = new Host(m);
  const at = async (line: string): Promise<string> => {
    host.stream.write(`${line}\r`);
    await tick();
    return host.take();
  };
  const later = async (ms: number): Promise<string> => {
    await vi.advanceTimersByTimeAsync(ms);
    await tick();
    return host.take();
  };
  await at('ATE0');
  host.take();
  return { modem: m, host, at, later };
}

/** Text mode, phase 2+ service, +CMT for deliveries and +CDS for reports. */
async function phase2Plus(options: VirtualModemOptions = {}) {
  const t = await modem(options);
  expect(await t.at('AT+CMGF=1')).toBe('\r\nOK\r\n');
  expect(await t.at('AT+CMEE=1')).toBe('\r\nOK\r\n');
  expect(await t.at('AT+CSMS=1')).toBe('\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n');
  expect(await t.at('AT+CNMI=2,2,0,1,0')).toBe('\r\nOK\r\n');
  return t;
}

const cmt = (text: string) => `\r\n+CMT: "000",,"24/10/24,20:12:17+00"\r\n${text}\r\n`;

describe('AT+CNMA with AT+CSMS=1 (27.005 §3.4.4)', () => {
  it('an ack in time ends it: no re-delivery, CNMI unchanged, counted once', async () => {
    const t = await phase2Plus();
    t.modem.deliver({ from: '000', text: 'ack me' });
    expect(await t.later(0)).toBe(cmt('ack me'));
    expect(await t.later(DEFAULT_CNMA_TIMEOUT_MS - 1)).toBe('');
    expect(await t.at('AT+CNMA')).toBe('\r\nOK\r\n');
    expect(await t.later(DEFAULT_CNMA_TIMEOUT_MS * 2)).toBe('');
    expect(await t.at('AT+CNMI?')).toBe('\r\n+CNMI: 2,2,0,1,0\r\n\r\nOK\r\n');
    expect(t.modem.stored()).toEqual([]);
    expect(t.modem.stats).toMatchObject({ cmtPushed: 1, acknowledged: 1, ackTimeouts: 0, redeliveries: 0, deliveries: 1 });
  });

  it('a missed ack sets <mt> and <ds> to 0, and the re-delivered message is stored without +CMTI', async () => {
    const t = await phase2Plus({ redeliveryDelayMs: 5000 });
    expect(await t.at('AT+CNMI=1,2,0,1,0')).toBe('\r\nOK\r\n');
    t.modem.deliver({ from: '000', text: 'nobody acks me' });
    expect(await t.later(0)).toBe(cmt('nobody acks me'));
    expect(await t.later(DEFAULT_CNMA_TIMEOUT_MS)).toBe('');
    expect(await t.at('AT+CNMI?')).toBe('\r\n+CNMI: 1,0,0,0,0\r\n\r\nOK\r\n');
    expect(await t.at('AT+CNMA')).toBe('\r\n+CMS ERROR: 340\r\n');
    expect(t.modem.stored()).toEqual([]); // RP-ERROR: the network still has it
    expect(await t.later(5000)).toBe(''); // re-delivered, stored, no indication (27.005 §3.4.1 <mt>=0)
    expect(await t.at('AT+CMGL="ALL"')).toBe('\r\n+CMGL: 1,"REC UNREAD","000",,"24/10/24,20:12:17+00"\r\nnobody acks me\r\n\r\nOK\r\n');
    expect(t.modem.stats).toMatchObject({ cmtPushed: 1, acknowledged: 0, ackTimeouts: 1, redeliveries: 1, deliveries: 1 });
  });

  it('holds a second +CMT until the first is acknowledged', async () => {
    const t = await phase2Plus();
    t.modem.deliver({ from: '000', text: 'first' });
    t.modem.deliver({ from: '000', text: 'second' });
    expect(await t.later(0)).toBe(cmt('first'));
    expect(await t.later(1000)).toBe('');
    expect(await t.at('AT+CNMA')).toBe('\r\nOK\r\n');
    expect(await t.later(0)).toBe(cmt('second'));
    expect(await t.at('AT+CNMA')).toBe('\r\nOK\r\n');
    expect(await t.at('AT+CNMA')).toBe('\r\n+CMS ERROR: 340\r\n');
    expect(t.modem.stats).toMatchObject({ cmtPushed: 2, acknowledged: 2, deliveries: 2 });
  });

  it('stores what it held once a missed ack turned routing off', async () => {
    const t = await phase2Plus();
    t.modem.deliver({ from: '000', text: 'first' });
    t.modem.deliver({ from: '000', text: 'second' });
    expect(await t.later(0)).toBe(cmt('first'));
    expect(await t.later(DEFAULT_CNMA_TIMEOUT_MS)).toBe('');
    expect(await t.later(1)).toBe(''); // the re-delivery (redeliveryDelayMs 0) is scheduled at the timeout
    expect(t.modem.stored().map((m) => m.text)).toEqual(['second', 'first']);
    expect(t.modem.stats).toMatchObject({ cmtPushed: 1, ackTimeouts: 1, redeliveries: 1 });
  });

  it('wants an ack for +CDS (<ds>=1) as well, and holds a +CMT behind it', async () => {
    const t = await phase2Plus();
    expect(await t.at('AT+CSMP=49,167,0,0')).toBe('\r\nOK\r\n');
    expect(await t.at('AT+CMGS="+447700900001"')).toBe('\r\n> ');
    expect(await t.at('hi\x1a')).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
    const report = await t.later(0);
    expect(report).toMatch(/^\r\n\+CDS: /);
    t.modem.deliver({ from: '000', text: 'behind the report' });
    expect(await t.later(0)).toBe('');
    expect(await t.at('AT+CNMA')).toBe('\r\nOK\r\n');
    expect(await t.later(0)).toBe(cmt('behind the report'));
    expect(t.modem.stats).toMatchObject({ cdsPushed: 1, cmtPushed: 1, acknowledged: 1 });
  });

  it('with AT+CSMS=0 nothing needs an ack: AT+CNMA answers 340 and routing stays', async () => {
    const t = await modem();
    await t.at('AT+CMGF=1');
    await t.at('AT+CMEE=1');
    expect(await t.at('AT+CSMS=0')).toBe('\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n');
    await t.at('AT+CNMI=2,2,0,0,0');
    t.modem.deliver({ from: '000', text: 'no ack' });
    t.modem.deliver({ from: '000', text: 'none either' });
    expect(await t.later(0)).toBe(cmt('no ack') + cmt('none either'));
    expect(await t.at('AT+CNMA')).toBe('\r\n+CMS ERROR: 340\r\n');
    expect(await t.later(DEFAULT_CNMA_TIMEOUT_MS * 2)).toBe('');
    expect(await t.at('AT+CNMI?')).toBe('\r\n+CNMI: 2,2,0,0,0\r\n\r\nOK\r\n');
    expect(t.modem.stats).toMatchObject({ cmtPushed: 2, acknowledged: 0, ackTimeouts: 0, redeliveries: 0, deliveries: 2 });
  });

  it('re-delivers an unacknowledged +CMT after a power cycle (the RP-ACK never came)', async () => {
    const t = await phase2Plus({ profile: 'quectel', redeliveryDelayMs: 2000 });
    t.modem.deliver({ from: '000', text: 'lost in a reset' });
    expect(await t.later(0)).toBe(cmt('lost in a reset'));
    t.modem.reboot();
    expect(await t.later(1000)).toContain('RDY');
    expect(await t.at('AT+CNMA')).toBe('AT+CNMA\r\r\nERROR\r\n'); // echo, CMEE and CSMS back at their defaults; nothing pending
    expect(await t.later(1000)).toBe('\r\n+CMTI: "SM",0\r\n'); // default CNMI 2,1: stored and announced
    expect(t.modem.stored().map((m) => m.text)).toEqual(['lost in a reset']);
    expect(t.modem.stats).toMatchObject({ redeliveries: 1, ackTimeouts: 0, deliveries: 1 });
  });

  it('PDU mode: AT+CNMA=2 sends RP-ERROR, so the network delivers it again and routing stays', async () => {
    const t = await phase2Plus();
    expect(await t.at('AT+CMGF=0')).toBe('\r\nOK\r\n');
    expect(await t.at('AT+CNMA=?')).toBe('\r\n+CNMA: (0,1,2)\r\n\r\nOK\r\n');
    t.modem.deliver({ from: '000', text: 'refuse me' });
    const first = await t.later(0);
    expect(first).toMatch(/^\r\n\+CMT: ,\d+\r\n[0-9A-F]+\r\n$/);
    expect(await t.at('AT+CNMA=2')).toBe('\r\nOK\r\n');
    expect(await t.later(0)).toBe(first);
    expect(await t.at('AT+CNMA=1,2')).toBe('\r\n> ');
    expect(await t.at('0000\x1a')).toBe('\r\nOK\r\n');
    expect(await t.at('AT+CNMI?')).toBe('\r\n+CNMI: 2,2,0,1,0\r\n\r\nOK\r\n');
    expect(t.modem.stats).toMatchObject({ cmtPushed: 2, rejected: 1, acknowledged: 1, redeliveries: 1, deliveries: 1 });
  });

  it('takes <n> 1 and 2 in PDU mode only', async () => {
    const t = await phase2Plus();
    t.modem.deliver({ from: '000', text: 'text mode' });
    await t.later(0);
    expect(await t.at('AT+CNMA=?')).toBe('\r\nOK\r\n');
    expect(await t.at('AT+CNMA=1')).toBe('\r\n+CMS ERROR: 302\r\n');
    expect(await t.at('AT+CNMA')).toBe('\r\nOK\r\n');
  });

  it("uses the timeout a profile's manual states: Telit 17 s", async () => {
    expect(PROFILES.telit.cnmaTimeoutMs).toBe(17_000);
    const t = await phase2Plus({ profile: 'telit' });
    t.modem.deliver({ from: '000', text: 'telit' });
    await t.later(0);
    await t.later(16_999);
    expect(await t.at('AT+CNMI?')).toBe('\r\n+CNMI: 2,2,0,1,0\r\n\r\nOK\r\n');
    await t.later(1);
    expect(await t.at('AT+CNMI?')).toBe('\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n');
    expect(t.modem.stats.ackTimeouts).toBe(1);
  });

  it('lets the cnmaTimeoutMs option override the profile', async () => {
    const t = await phase2Plus({ profile: 'telit', cnmaTimeoutMs: 500 });
    t.modem.deliver({ from: '000', text: 'quick' });
    await t.later(500);
    expect(t.modem.stats.ackTimeouts).toBe(1);
  });
});

describe('AT+CSMS services per profile (27.005 §3.2.1)', () => {
  it.each(PROFILE_NAMES)('%s lists and accepts what its profile says', async (name) => {
    const services = PROFILES[name].csmsServices;
    const t = await modem({ profile: name });
    await t.at('AT+CMEE=1');
    expect(await t.at('AT+CSMS=?')).toBe(`\r\n+CSMS: (${services.join(',')})\r\n\r\nOK\r\n`);
    for (const service of [0, 1] as const) {
      const answer = await t.at(`AT+CSMS=${service}`);
      if (services.includes(service)) {
        expect(answer).toBe('\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n');
        expect(await t.at('AT+CSMS?')).toBe(`\r\n+CSMS: ${service},1,1,1\r\n\r\nOK\r\n`);
      } else expect(answer).toBe('\r\n+CMS ERROR: 303\r\n');
    }
  });

  it.each(PROFILE_NAMES)('%s lists its AT+CNMA <n> values in PDU mode and refuses others', async (name) => {
    const modes = PROFILES[name].cnmaModes;
    const t = await phase2Plus({ profile: name });
    await t.at('AT+CMGF=0');
    expect(await t.at('AT+CNMA=?')).toBe(`\r\n+CNMA: (${modes.join(',')})\r\n\r\nOK\r\n`);
    t.modem.deliver({ from: '000', text: 'pdu' });
    await t.later(0);
    for (const n of [0, 1, 2].filter((n) => !modes.includes(n))) expect(await t.at(`AT+CNMA=${n}`)).toBe('\r\n+CMS ERROR: 304\r\n');
    expect(await t.at('AT+CNMA')).toBe('\r\nOK\r\n');
  });
});
