import { describe, expect, it } from 'vitest';
import type { IncomingSms } from '../../src/sms/inbox.js';
import { SmsService } from '../../src/sms/sms-service.js';
import { TranscriptResponder } from '../helpers/transcript-responder.js';

// Two parts of one UCS2 message from 000 (UDH 06 08 04 1234 02 0n, 3GPP TS 23.040 §9.2.3.24.8).
const part1 = '0044038100F0000842014202217100' + '0B' + '060804123402010068' + '0069'; // "hi"
const part2 = '0044038100F0000842014202217100' + '0D' + '060804123402020020006F006B'; // " ok"
const cmgr = (pdu: string) => `\r\n+CMGR: 0,,${pdu.length / 2 - 1}\r\n${pdu}\r\n\r\nOK\r\n`;

function setup(concatTimeoutMs?: number) {
  const r = new TranscriptResponder('03-quectel-ec25-pdu-receive-000.at', { 'AT+CMGR=1\r': cmgr(part1), 'AT+CMGR=2\r': cmgr(part2) });
  const sms = new SmsService({ modem: r.modem, mode: 'pdu', defaultRecipient: '000', ...(concatTimeoutMs ? { concatTimeoutMs } : {}) });
  const seen: IncomingSms[] = [];
  sms.incoming$.subscribe((m) => seen.push(m));
  sms.start();
  // SM is the home storage (transcript 03): the ack's delete is the bare AT+CMGD.
  r.modem.ready({ storage: 'SM', needsAck: false });
  return { r, sms, seen };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('concatenated messages', () => {
  it('are handed out once whole, in part order, and the ack deletes every part', async () => {
    const { r, seen } = setup();
    r.emit('\r\n+CMTI: "SM",2\r\n');
    await until(() => r.written.includes('AT+CMGR=2\r'));
    expect(seen).toEqual([]);
    r.emit('\r\n+CMTI: "SM",1\r\n');
    await until(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ sender: '000', text: 'hi ok', source: 'SM:1+SM:2' });
    expect(seen[0]?.udh).toBeUndefined();
    await seen[0]!.ack();
    expect(r.written.filter((w) => w.startsWith('AT+CMGD'))).toEqual(['AT+CMGD=1\r', 'AT+CMGD=2\r']);
  });

  it('still incomplete after the timeout, are handed out part by part so they do not clog storage', async () => {
    const { r, seen } = setup(40);
    r.emit('\r\n+CMTI: "SM",1\r\n');
    await until(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ text: 'hi', udh: { total: 2, sequence: 1 } });
    await seen[0]!.ack();
    expect(r.written.at(-1)).toBe('AT+CMGD=1\r');
  });
});
