import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { at } from '../../src/at/command.js';
import { BridgeError } from '../../src/errors.js';
import { DurableSender } from '../../src/sms/durable-sender.js';
import type { IncomingSms, StoredCopy } from '../../src/sms/inbox.js';
import { SmsService } from '../../src/sms/sms-service.js';
import { BridgeStore } from '../../src/store/bridge-store.js';
import type { OutboundRecord } from '../../src/store/types.js';
import { TranscriptResponder } from '../helpers/transcript-responder.js';

const service = (responder: TranscriptResponder, mode: 'text' | 'pdu', extra: Partial<ConstructorParameters<typeof SmsService>[0]> = {}) => {
  const sms = new SmsService({ modem: responder.modem, mode, defaultRecipient: '000', ...extra });
  sms.start();
  return sms;
};

/** One reply through the durable sender, journaled in a store in memory: its outcome and its row. */
const sendDurably = async (sms: SmsService, text: string, options: { to?: string; via?: 'storage' | 'cmgs'; journal?: BridgeStore } = {}) => {
  const journal = options.journal ?? BridgeStore.open(':memory:');
  const sender = new DurableSender<OutboundRecord>({ modem: sms, journal, via: options.via ?? 'storage' });
  const row = journal.enqueueOutbound({ to: options.to ?? '000', text });
  const outcome = await sender.attempt(row);
  return { outcome, row: journal.getOutbound(row.id)!, journal, sender };
};
const next = (sms: SmsService) => firstValueFrom(sms.incoming$);
// Deletes wait up to DeleteBatcher's flush delay (300 ms) for a read to ride on: wait in real time.
const until = async (check: () => boolean) => {
  for (const end = Date.now() + 3000; Date.now() < end && !check(); ) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};
const rejection = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: BridgeError) => e);

describe('SmsService on shared transcripts', () => {
  it('01: +CMTI leads at once to a read of the named storage and slot, and the slot is deleted only on ack', async () => {
    const r = new TranscriptResponder('01-quectel-ec25-text-cmti-000.at');
    const sms = service(r, 'text');
    const incoming = next(sms);
    await r.channel.send(at('AT+CNMI=2,1,0,0,0')); // its answer carries the +CMTI
    const message = await incoming;
    expect(message).toMatchObject({ kind: 'deliver', sender: '000', text: 'ping', storage: 'SM', index: 3, source: 'SM:3' });
    expect(message.timestamp.toISOString()).toBe('2024-10-24T20:12:17.000Z');
    expect(r.written).toContain('AT+CPMS="SM"\r');
    expect(r.written.some((w) => w.includes('+CMGD='))).toBe(false);
    await message.ack();
    // No ready here, so no home storage is known: the delete selects its storage on its own line.
    expect(r.written.at(-1)).toBe('AT+CPMS="SM";+CMGD=3\r');
  });

  it('03: a PDU-mode read decodes the sender 000, the time and the text', async () => {
    const r = new TranscriptResponder('03-quectel-ec25-pdu-receive-000.at');
    const sms = service(r, 'pdu');
    const incoming = next(sms);
    await r.channel.send(at('AT+CMGF=0'));
    expect(await incoming).toMatchObject({ sender: '000', text: 'ping', index: 0, encoding: 'gsm7' });
  });

  it('04: a text-mode reply goes to 000 through the prompt and is sent with its message reference', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at');
    const { outcome, row } = await sendDurably(service(r, 'text'), 'pong', { via: 'cmgs' });
    expect(outcome).toEqual({ kind: 'sent', messageReference: 13 });
    expect(row).toMatchObject({ to: '000', status: 'sent', messageReference: 13 });
    expect(r.written).toEqual(['AT+CMGS="000"\r', 'pong\x1a']);
    expect(r.unknown).toEqual([]);
  });

  it('05: echo of the command, the prompt and the body does not disturb a send', async () => {
    const r = new TranscriptResponder('05-simcom-sim7600-send-echo-on.at');
    const sent = await service(r, 'text').send('temp=21.5');
    expect(sent.messageReference).toBe(5);
  });

  it('06: +CMS ERROR 350 fails the reply for good with its number; a verbose 500 leaves it queued for a retry', async () => {
    const r = new TranscriptResponder('06-quectel-ec25-cms-350-and-verbose.at');
    const sms = service(r, 'text');
    const error = await rejection(sms.send('hello'));
    expect(error).toMatchObject({ code: 'CMS_ERROR', number: 350 });
    expect(error.message).toContain('rejected by SMSC');
    const { outcome, row } = await sendDurably(sms, 'hello', { via: 'cmgs' });
    expect(outcome).toMatchObject({ kind: 'refused', final: false, code: 500 });
    expect(row).toMatchObject({ status: 'queued', errorCode: 500 });
    expect(r.written.filter((w) => w.startsWith('AT+CMGS'))).toHaveLength(2);
  });

  it('07: deletes by the bare index, which Cinterion accepts where a delflag gets +CMS ERROR 500', async () => {
    const r = new TranscriptResponder('07-cinterion-mc55i-cmgd-delflag-500.at', {
      'AT+CMGR=3\r': '\r\n+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"\r\nping\r\n\r\nOK\r\n',
    });
    const sms = service(r, 'text');
    r.modem.ready({ storage: 'SM', needsAck: false }); // a delete in the home storage is the bare command
    const incoming = next(sms);
    r.emit('\r\n+CMTI: "SM",3\r\n');
    await (await incoming).ack();
    expect(r.written.at(-1)).toBe('AT+CMGD=3\r');
    expect(r.unknown).not.toContain('AT+CMGD=3\r');
  });

  it('09: a PDU-mode send to 000 writes exactly the transcript PDU and survives URCs around the prompt', async () => {
    const r = new TranscriptResponder('09-zte-urcs-around-prompt.at');
    const sent = await service(r, 'pdu').send('pong');
    expect(r.written).toEqual(['AT+CMGS=14\r', '001100038100F00000AA04F0B7FB0C\x1a']);
    expect(sent).toEqual({ messageReference: 7 });
  });

  it('11: a storage-full URC triggers a sweep, and the message the network re-delivers is read', async () => {
    const r = new TranscriptResponder('11-huawei-storage-full.at');
    const sms = service(r, 'text');
    await r.channel.send(at('AT+CPMS?')); // its answer carries ^SMMEMFULL
    await until(() => r.written.includes('AT+CMGL="ALL"\r'));
    const incoming = next(sms);
    await r.channel.send(at('AT+CMGD=0,4'));
    await r.channel.send(at('AT+CPMS?')); // now answered with room, then +CMTI
    expect(await incoming).toMatchObject({ sender: '000', text: 'status', index: 0 });
  });

  it('14: a UCS2 message whose text-mode body is hex reads as text', async () => {
    const r = new TranscriptResponder('14-text-mode-ucs2-hex.at');
    const sms = service(r, 'text');
    const incoming = next(sms);
    await r.channel.send(at('AT+CSDH=1'));
    expect(await incoming).toMatchObject({ sender: '000', text: 'ping \u2713', encoding: 'ucs2', index: 4 });
  });

  it('15: the startup sweep hands out every stored message, read or not, and each ack deletes its own slot', async () => {
    const r = new TranscriptResponder('15-simcom-sim800-startup-cmgl-sweep.at');
    const sms = service(r, 'text');
    const three = firstValueFrom(sms.incoming$.pipe(take(3), toArray()));
    r.modem.ready({ storage: 'SM', needsAck: false });
    const messages = await three;
    expect(messages.map((m) => [m.index, m.sender, m.text])).toEqual([
      [1, '000', 'status'],
      [2, '000', 'reboot'],
      [3, 'Play', 'Nie masz srodkow na koncie'],
    ]);
    for (const m of messages) await m.ack();
    expect(r.written.filter((w) => w.startsWith('AT+CMGD'))).toEqual(['AT+CMGD=1\r', 'AT+CMGD=2\r', 'AT+CMGD=3\r']);
  });

  it('a text-mode listing with AT+CSDH=1 has no <dcs>: a body that may be hex is read again with +CMGR, text is taken as listed', async () => {
    const r = new TranscriptResponder('15-simcom-sim800-startup-cmgl-sweep.at', {
      'AT+CMGL="ALL"\r':
        '\r\n+CMGL: 4,"REC UNREAD","000","","24/10/24,20:01:44+00",129,4\r\n04410442\r\n' +
        '+CMGL: 5,"REC UNREAD","000","","24/10/24,20:01:45+00",129,8\r\nCAFE\nOK\r\n\r\nOK\r\n',
      'AT+CMGR=4\r': '\r\n+CMGR: "REC READ","000","","24/10/24,20:01:44+00",129,4,0,8,"+447700900000",145,4\r\n04410442\r\n\r\nOK\r\n',
    });
    const sms = service(r, 'text');
    const seen: IncomingSms[] = [];
    sms.incoming$.subscribe((m) => seen.push(m));
    expect(await sms.sweep()).toBe(2);
    await until(() => seen.length === 2);
    expect(seen.map((m) => [m.index, m.text, m.encoding])).toEqual([
      [4, 'ст', 'ucs2'],
      [5, 'CAFE\nOK', undefined],
    ]);
    expect(r.written.filter((w) => w.startsWith('AT+CMGR'))).toEqual(['AT+CMGR=4\r']);
  });

  it('15: a second sweep before the acks does not hand the same messages out again', async () => {
    const r = new TranscriptResponder('15-simcom-sim800-startup-cmgl-sweep.at');
    const sms = service(r, 'text');
    const seen: IncomingSms[] = [];
    sms.incoming$.subscribe((m) => seen.push(m));
    expect(await sms.sweep()).toBe(3);
    expect(await sms.sweep()).toBe(0);
    expect(seen).toHaveLength(3);
  });

  it('16: a status report announced by +CDSI "SR" is read from SR, marks the send delivered, and is deleted', async () => {
    const r = new TranscriptResponder('16-telit-delivery-report-cdsi.at');
    const sms = service(r, 'text', { statusReports: true });
    const journal = BridgeStore.open(':memory:');
    const { outcome, row, sender } = await sendDurably(sms, 'test', { to: '+15551230000', via: 'cmgs', journal });
    sender.start();
    expect(outcome).toEqual({ kind: 'sent', messageReference: 42 });
    await until(() => journal.getOutbound(row.id)?.status === 'delivered');
    // The delete selects "SR" on its own line (V.250 §5.4.1): a re-init since the read's select would have moved mem1.
    await until(() => r.written.includes('AT+CPMS="SR";+CMGD=0\r'));
    sender.stop();
    expect(r.written).toContain('AT+CPMS="SR"\r');
    expect(r.written.filter((w) => w.includes('+CMGD='))).toEqual(['AT+CPMS="SR";+CMGD=0\r']);
    expect(r.unknown).not.toContain('AT+CPMS="SR";+CMGD=0\r');
    expect(r.written[0]).toBe('AT+CMGS="+15551230000"\r');
  });

  it('17: the Quectel +CDSI "SM" quirk reads an empty slot and deletes nothing; +CDS then delivers', async () => {
    const r = new TranscriptResponder('17-quectel-ec25-cdsi-sm-quirk.at');
    const sms = service(r, 'text', { statusReports: true });
    const reports: string[] = [];
    sms.statusReports$.subscribe((s) => reports.push(`${s.messageReference}:${s.delivered ? 'delivered' : 'not'}`));
    await sms.send('test', { to: '+15551230000' }); // mr 78, then +CDSI "SM",0
    await until(() => r.written.includes('AT+CMGR=0\r'));
    await sms.send('test', { to: '+15551230000' }); // mr 79, then +CDS
    await until(() => reports.includes('79:delivered'));
    expect(reports).not.toContain('78:delivered');
    expect(r.written.some((w) => w.startsWith('AT+CMGD'))).toBe(false);
  });

  it('19: a quoted empty alpha in a PDU header and a +CMT pushed in text mode both become messages', async () => {
    const r = new TranscriptResponder('19-telit-pdu-quoted-alpha-and-cmt.at');
    const pdu = service(r, 'pdu');
    const first = next(pdu);
    r.emit('\r\n+CMTI: "SM",1\r\n');
    expect(await first).toMatchObject({ sender: '000', text: 'ping', index: 1 });
    pdu.stop();
    const text = service(r, 'text');
    const pushed = next(text);
    await r.channel.send(at('AT+CNMI=1,2,0,1,0'));
    const message = await pushed;
    expect(message).toMatchObject({ sender: '000', text: 'ping', source: 'CMT' });
    // The +CMT came before configuration ended: its acknowledgement waits to know whether one is wanted.
    let acked = false;
    const ack = message.ack().then(() => (acked = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(acked).toBe(false);
    r.modem.ready({ storage: 'SM', needsAck: false });
    await ack;
    expect(r.written.filter((w) => w.startsWith('AT+CNMA'))).toEqual([]); // not wanted: none sent
  });
});

describe('SmsService refuses bad input before it reaches the modem', () => {
  it.each([
    ['x'.repeat(161), 'SMS_TOO_LONG', /161/],
    ['€'.repeat(81), 'SMS_TOO_LONG', /162/],
    ['ok \u{1F600}', 'SMS_UNENCODABLE', /U\+1F600/],
    ['stop\x1aAT+CFUN=0', 'SMS_CONTROL_CHAR', /position 4/],
  ])('refuses %j with %s and writes nothing', async (text, code, message) => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at');
    const error = await rejection(service(r, 'text').send(text));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(r.written).toEqual([]);
  });

  it('sends text that text mode would mangle (extension characters) as a PDU and returns to text mode', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at');
    await service(r, 'text').send('{"ok":1}');
    expect(r.written[0]).toBe('AT+CMGF=0\r');
    expect(r.written[1]).toMatch(/^AT\+CMGS=\d+\r$/);
    expect(r.written[2]).not.toContain('\x1b');
    expect(r.written.at(-1)).toBe('AT+CMGF=1\r');
  });

  it('leaves a stored message it cannot parse on the modem and keeps going', async () => {
    const r = new TranscriptResponder('01-quectel-ec25-text-cmti-000.at', { 'AT+CMGR=7\r': '\r\n+CMGR: garbage\r\nx\r\n\r\nOK\r\n' });
    const sms = service(r, 'text');
    r.emit('\r\n+CMTI: "SM",7\r\n');
    await until(() => r.written.includes('AT+CMGR=7\r'));
    const incoming = next(sms);
    r.emit('\r\n+CMTI: "SM",3\r\n');
    expect(await incoming).toMatchObject({ text: 'ping' });
    expect(r.written).not.toContain('AT+CMGD=7\r');
  });
});

describe('SmsService sending through storage (with the durable sender)', () => {
  it('stores the reply (AT+CMGW), journals the index, then sends it from storage (AT+CMSS) and frees the slot', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CMGW="000"\r': '\r\n> ',
      'pong\x1a': '\r\n+CMGW: 7\r\n\r\nOK\r\n',
      'AT+CMSS=7\r': '\r\n+CMSS: 21\r\n\r\nOK\r\n',
      'AT+CMGD=7\r': '\r\nOK\r\n',
    });
    const { outcome, row } = await sendDurably(service(r, 'text'), 'pong');
    expect(outcome).toEqual({ kind: 'sent', messageReference: 21, storedIndex: 7 });
    expect(row).toMatchObject({ status: 'sent', storedIndex: 7, messageReference: 21 });
    expect(r.written.slice(0, 3)).toEqual(['AT+CMGW="000"\r', 'pong\x1a', 'AT+CMSS=7\r']);
    await until(() => r.written.includes('AT+CMGD=7\r'));
  });

  it('sends directly when the storage is full (+CMS ERROR 322) instead of holding the reply back', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CMGW="000"\r': '\r\n> ',
      'pong\x1a': ['\r\n+CMS ERROR: 322\r\n', '\r\n+CMGS: 13\r\n\r\nOK\r\n'],
    });
    const { outcome, row } = await sendDurably(service(r, 'text'), 'pong');
    expect(outcome).toEqual({ kind: 'sent', messageReference: 13 });
    expect(row.storedIndex).toBeNull();
    expect(r.written).toEqual(['AT+CMGW="000"\r', 'pong\x1a', 'AT+CMGS="000"\r', 'pong\x1a']);
  });

  it('sends directly when the modem cannot store messages for sending (+CMS ERROR 303, plain ERROR)', async () => {
    for (const refusal of ['\r\n+CMS ERROR: 303\r\n', '\r\nERROR\r\n']) {
      const r = new TranscriptResponder('04-quectel-send-text-to-000.at', { 'AT+CMGW="000"\r': refusal });
      const { outcome } = await sendDurably(service(r, 'text'), 'pong');
      expect(outcome).toEqual({ kind: 'sent', messageReference: 13 });
      expect(r.written).toEqual(['AT+CMGW="000"\r', 'AT+CMGS="000"\r', 'pong\x1a']);
    }
  });

  it('deletes waiting for the home storage ride on the AT+CMGW line', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CMGD=3;+CMGW="000"\r': '\r\n> ',
      'pong\x1a': '\r\n+CMGW: 4\r\n\r\nOK\r\n',
      'AT+CMSS=4\r': '\r\n+CMSS: 22\r\n\r\nOK\r\n',
    });
    const sms = service(r, 'text');
    r.modem.ready({ storage: 'SM', needsAck: false });
    await until(() => r.written.includes('AT+CMGL="ALL"\r'));
    const freed = sms.free(3);
    const { outcome } = await sendDurably(sms, 'pong');
    await freed;
    expect(outcome).toEqual({ kind: 'sent', messageReference: 22, storedIndex: 4 });
    expect(r.written.filter((w) => w.includes('CMGD'))).toEqual(['AT+CMGD=3;+CMGW="000"\r']);
  });

  it('frees a slot in the storage it is named with, not in the home storage: the delete line selects it', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CPMS="SM";+CMGD=2\r': '\r\n+CPMS: 1,50,1,50,1,50\r\n\r\nOK\r\n',
    });
    const sms = service(r, 'text');
    r.modem.ready({ storage: 'ME', needsAck: false });
    await until(() => r.written.includes('AT+CMGL="ALL"\r'));
    await sms.free(2, 'SM');
    expect(r.written.filter((w) => w.includes('+CMGD=') || w.startsWith('AT+CPMS='))).toEqual(['AT+CPMS="SM";+CMGD=2\r']);
    expect(r.unknown).toEqual(['AT+CMGL="ALL"\r']);
  });

  it('frees a slot in another storage where it was selected, even when the modem is configured again between the select and the delete', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CPMS="SM"\r': '\r\n+CPMS: 1,50,1,50,1,50\r\n\r\nOK\r\n',
      'AT+CMGD=2\r': '\r\nOK\r\n',
      'AT+CPMS="SM";+CMGD=2\r': '\r\n+CPMS: 1,50,1,50,1,50\r\n\r\nOK\r\n',
    });
    const sms = service(r, 'text');
    r.modem.ready({ storage: 'ME', needsAck: false });
    await until(() => r.written.includes('AT+CMGL="ALL"\r'));
    // mem1 as the modem keeps it; a silent reset is found and the modem configured again just
    // before the first line that deletes reaches it: init points mem1 back at ME (ready$).
    let mem1 = 'ME';
    let reinit = true;
    const deleted: string[] = [];
    r.transport.writes$.subscribe((bytes) => {
      const line = bytes.toString('latin1').trim();
      if (reinit && line.includes('+CMGD=')) {
        reinit = false;
        mem1 = 'ME';
        r.modem.ready({ storage: 'ME', needsAck: false });
      }
      for (const one of line.replace(/^AT/, '').split(';')) {
        mem1 = /^\+CPMS="(\w+)"$/.exec(one)?.[1] ?? mem1;
        const index = /^\+CMGD=(\d+)$/.exec(one)?.[1];
        if (index !== undefined) deleted.push(`${mem1}:${index}`);
      }
    });
    await sms.free(2, 'SM');
    // Before: `AT+CPMS="SM"`, the re-init, then `AT+CMGD=2` alone freed ME:2 (an unread message there).
    expect(deleted).toEqual(['SM:2']);
    expect(r.written).toContain('AT+CPMS="SM";+CMGD=2\r');
  });

  /** A reply stored at 4 while +CMTI announces SM:5, and the chained line answered with `chained`. */
  const chainedRead = async (chained: string, extra: Record<string, string> = {}) => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CMGW="000"\r': '\r\n> ',
      'pong\x1a': '\r\n+CMTI: "SM",5\r\n\r\n+CMGW: 4\r\n\r\nOK\r\n',
      'AT+CMSS=4;+CMGR=5\r': chained,
      ...extra,
    });
    const sms = service(r, 'text');
    r.modem.ready({ storage: 'SM', needsAck: false });
    await until(() => r.written.includes('AT+CMGL="ALL"\r'));
    const incoming = next(sms);
    const { outcome, row } = await sendDurably(sms, 'pong');
    return { r, outcome, row, incoming, reads: () => r.written.filter((w) => /CMSS|CMGR/.test(w)) };
  };
  // The read done alone; the free of the reply's slot may ride on it, as deletes do.
  const READ_5 = '\r\n+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"\r\nping 5\r\n\r\nOK\r\n';
  const ALONE = { 'AT+CMGR=5\r': READ_5, 'AT+CMGD=4;+CMGR=5\r': READ_5 };
  const readAlone = /^AT(\+CMGD=4;)?\+CMGR=5\r$/;

  it('a read announced while AT+CMGW runs rides on the AT+CMSS line: one exchange for both (V.250 §5.4.1)', async () => {
    const { outcome, row, incoming, reads } = await chainedRead(
      '\r\n+CMSS: 22\r\n\r\n+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00",129,4,0,0,"+447700900000",145,11\r\nping 5\nping 6\r\n\r\nOK\r\n',
    );
    expect(outcome).toEqual({ kind: 'sent', messageReference: 22, storedIndex: 4 });
    expect(row).toMatchObject({ status: 'sent', storedIndex: 4 });
    expect(await incoming).toMatchObject({ index: 5, storage: 'SM', text: 'ping 5\nping 6' });
    expect(reads()).toEqual(['AT+CMSS=4;+CMGR=5\r']);
  });

  it('a send that went out keeps its reference when the read on its line fails; the read is done alone', async () => {
    const { outcome, incoming, reads } = await chainedRead('\r\n+CMSS: 22\r\n\r\n+CMS ERROR: 500\r\n', ALONE);
    expect(outcome).toEqual({ kind: 'sent', messageReference: 22, storedIndex: 4 });
    expect(await incoming).toMatchObject({ index: 5, text: 'ping 5' });
    expect(reads()).toEqual(['AT+CMSS=4;+CMGR=5\r', expect.stringMatching(readAlone)]);
  });

  it('a refused send never ran the read on its line (V.250 §5.4.2): the read is done alone, the reply is not sent', async () => {
    const { outcome, incoming, reads } = await chainedRead('\r\n+CMS ERROR: 38\r\n', ALONE);
    expect(outcome.kind).not.toBe('sent');
    expect(await incoming).toMatchObject({ index: 5, text: 'ping 5' });
    expect(reads()).toEqual(['AT+CMSS=4;+CMGR=5\r', expect.stringMatching(readAlone)]);
  });

  it('a read that reaches the lock ahead of a waiting send steps back once, to ride on that send\'s AT+CMSS line', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CMGW="000"\r': '\r\n> ',
      'AT+CMGD=4;+CMGW="000"\r': '\r\n> ',
      'pong 1\x1a': '\r\n+CMGW: 4\r\n\r\nOK\r\n',
      'AT+CMSS=4\r': '', // answered below, once the read and the second send wait for the lock
      'pong 2\x1a': '\r\n+CMGW: 6\r\n\r\nOK\r\n',
      'AT+CMSS=6;+CMGR=5\r': `\r\n+CMSS: 23\r\n${READ_5}`,
      ...ALONE,
    });
    const sms = service(r, 'text');
    r.modem.ready({ storage: 'SM', needsAck: false });
    await until(() => r.written.includes('AT+CMGL="ALL"\r'));
    const journal = BridgeStore.open(':memory:');
    const first = sendDurably(sms, 'pong 1', { journal });
    await until(() => r.written.includes('AT+CMSS=4\r'));
    const incoming = next(sms);
    r.emit('\r\n+CMTI: "SM",5\r\n'); // its read asks for the lock first
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = sendDurably(sms, 'pong 2', { journal }); // then the second reply
    r.emit('\r\n+CMSS: 22\r\n\r\nOK\r\n');
    expect((await first).outcome).toMatchObject({ kind: 'sent', messageReference: 22 });
    expect((await second).outcome).toMatchObject({ kind: 'sent', messageReference: 23 });
    expect(await incoming).toMatchObject({ index: 5, text: 'ping 5' });
    // Without the step back: the read alone, then AT+CMSS=6 alone (four lines for the second command).
    expect(r.written.filter((w) => /CMSS|CMGR/.test(w))).toEqual(['AT+CMSS=4\r', 'AT+CMSS=6;+CMGR=5\r']);
  });

  it('drops what a read returned when the modem was configured again meanwhile: init pointed mem1 back home, so the slot it read is not the one selected', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CPMS="SM"\r': '\r\n+CPMS: 2,50,1,255,1,255\r\n\r\nOK\r\n',
      // What ME:0 holds (a sent reply's copy): init selected ME while the read of SM:0 waited.
      'AT+CMGR=0\r': '\r\n+CMGR: "STO SENT","000",,129,17,0,0,167,"+447700900000",145,8\r\ndone 259\r\n\r\nOK\r\n',
    });
    const sms = service(r, 'text');
    r.modem.ready({ storage: 'ME', needsAck: false });
    await until(() => r.written.includes('AT+CMGL="ALL"\r'));
    const copies: StoredCopy[] = [];
    sms.storedCopies$.subscribe((c) => copies.push(c));
    // The modem is configured again (a silent reset, found) between the select and the read's answer.
    r.transport.writes$.subscribe((bytes) => {
      if (bytes.toString('latin1') === 'AT+CMGR=0\r') r.modem.ready({ storage: 'ME', needsAck: false });
    });
    r.emit('\r\n+CMTI: "SM",0\r\n');
    await until(() => r.written.includes('AT+CMGR=0\r'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Before: the copy was taken for SM:0, and freeing it deleted an unread command at SM:0 (the soak's lost command 263).
    expect(copies.filter((c) => c.storage === 'SM')).toEqual([]);
  });

  it('reads a stored reply slot as sent, unsent or missing', async () => {
    const r = new TranscriptResponder('04-quectel-send-text-to-000.at', {
      'AT+CMGR=1\r': '\r\n+CMGR: "STO SENT","000",,\r\npong\r\n\r\nOK\r\n',
      'AT+CMGR=2\r': '\r\n+CMGR: "STO UNSENT","000",,\r\npong\r\n\r\nOK\r\n',
      'AT+CMGR=3\r': '\r\nOK\r\n',
      'AT+CMGR=4\r': '\r\n+CMS ERROR: 321\r\n',
    });
    const sms = service(r, 'text');
    expect(await Promise.all([1, 2, 3, 4].map((i) => sms.slotState(i)))).toEqual(['sent', 'unsent', 'missing', 'missing']);
  });
});
