import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { FIXED_TIME, Host, quietModem } from './host.js';

/** The DELIVER PDU of transcript 03: SMSC +447700900000, OA 000, "ping" at 24/10/24 20:12:17+00. */
const PING_PDU = '079144770009000004038100F000004201420221710004F0B4FB0C';

describe('virtual modem receiving SMS', () => {
  it('stores an SMS, announces it with +CMTI and reads it in text mode, unread then read', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1');
    host.modem.deliver({ from: '000', text: 'ping' });
    expect(await host.settle()).toBe('\r\n+CMTI: "SM",1\r\n');
    expect(await host.send('AT+CMGR=1\r')).toBe('\r\n+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"\r\nping\r\n\r\nOK\r\n');
    expect(await host.send('AT+CMGR=1\r')).toBe('\r\n+CMGR: "REC READ","000",,"24/10/24,20:12:17+00"\r\nping\r\n\r\nOK\r\n');
    expect(await host.send('AT+CMGD=1\r')).toBe('\r\nOK\r\n');
    expect(host.modem.stored()).toEqual([]);
  });

  it('answers a bare OK for an empty slot and +CMS ERROR: 321 outside the memory', async () => {
    const host = await quietModem();
    await host.run('AT+CMEE=1');
    expect(await host.send('AT+CMGR=1\r')).toBe('\r\nOK\r\n');
    expect(await host.send('AT+CMGR=0\r')).toBe('\r\n+CMS ERROR: 321\r\n');
    expect(await host.send('AT+CMGR=31\r')).toBe('\r\n+CMS ERROR: 321\r\n');
  });

  it('reads an SMS in PDU mode with the TPDU length excluding the SMSC octets', async () => {
    const host = await quietModem();
    host.modem.deliver({ from: '000', text: 'ping' });
    expect(await host.settle()).toBe('\r\n+CMTI: "SM",1\r\n');
    expect(await host.send('AT+CMGR=1\r')).toBe(`\r\n+CMGR: 0,,19\r\n${PING_PDU}\r\n\r\nOK\r\n`);
  });

  it('shows the detailed header with AT+CSDH=1 and hex bodies for UCS2 whatever the charset', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1', 'AT+CSDH=1');
    host.modem.deliver({ from: '000', text: 'ping ✓' });
    await host.settle();
    expect(await host.send('AT+CMGR=1\r')).toBe(
      '\r\n+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00",129,4,0,8,"+447700900000",145,12\r\n00700069006E006700202713\r\n\r\nOK\r\n',
    );
    host.modem.deliver({ from: '+15551230000', text: 'hi' });
    await host.settle();
    expect(await host.send('AT+CMGR=2\r')).toBe(
      '\r\n+CMGR: "REC UNREAD","+15551230000",,"24/10/24,20:12:17+00",145,4,0,0,"+447700900000",145,2\r\nhi\r\n\r\nOK\r\n',
    );
  });

  it('writes GSM-alphabet bodies as GSM codes under CSCS "GSM" and as plain text under "IRA"', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1');
    host.modem.deliver({ from: '000', text: 'a@b' });
    await host.settle();
    expect(await host.send('AT+CMGR=1\r')).toContain('\r\na\x00b\r\n');
    await host.run('AT+CSCS="IRA"');
    expect(await host.send('AT+CMGR=1\r')).toContain('\r\na@b\r\n');
  });

  it('lists messages in text and PDU mode and marks listed unread messages read', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1');
    host.modem.deliver({ from: '000', text: 'one' });
    host.modem.deliver({ from: '000', text: 'two', timestamp: new Date(Date.UTC(2024, 9, 24, 21, 0, 0)), tzQuarters: -32 });
    await host.settle();
    expect(await host.send('AT+CMGL="REC UNREAD"\r')).toBe(
      '\r\n+CMGL: 1,"REC UNREAD","000",,"24/10/24,20:12:17+00"\r\none\r\n+CMGL: 2,"REC UNREAD","000",,"24/10/24,13:00:00-32"\r\ntwo\r\n\r\nOK\r\n',
    );
    expect(await host.send('AT+CMGL="REC UNREAD"\r')).toBe('\r\nOK\r\n');
    await host.run('AT+CSDH=1');
    expect(await host.send('AT+CMGL="ALL"\r')).toContain('+CMGL: 1,"REC READ","000",,"24/10/24,20:12:17+00",129,3\r\none\r\n');
    await host.run('AT+CMGF=0');
    expect(await host.send('AT+CMGL=4\r')).toMatch(/^\r\n\+CMGL: 1,1,,18\r\n[0-9A-F]+\r\n\+CMGL: 2,1,,18\r\n[0-9A-F]+\r\n\r\nOK\r\n$/);
    expect(await host.send('AT+CMGL=?\r')).toBe('\r\n+CMGL: (0-4)\r\n\r\nOK\r\n');
  });

  it.each([
    [1, ['REC UNREAD', 'STO UNSENT', 'STO SENT']],
    [2, ['REC UNREAD', 'STO UNSENT']],
    [3, ['REC UNREAD']],
    [4, []],
  ])('deletes by AT+CMGD delflag %i and keeps %j', async (delflag, kept) => {
    const host = await quietModem();
    await host.run('AT+CMGF=1');
    host.modem.deliver({ from: '000', text: 'read' });
    host.modem.deliver({ from: '000', text: 'unread' });
    await host.run('AT+CMGR=1');
    for (const stat of ['STO UNSENT', 'STO SENT']) {
      await host.send(`AT+CMGW="000",129,"${stat}"\r`);
      await host.send('x\x1a');
    }
    expect(await host.send(`AT+CMGD=0,${delflag}\r`)).toBe('\r\nOK\r\n');
    expect(host.modem.stored().map((m) => m.stat)).toEqual(kept);
  });

  it('deletes only the given index when AT+CMGD has no delflag', async () => {
    const host = await quietModem();
    host.modem.deliver({ from: '000', text: 'a' });
    host.modem.deliver({ from: '000', text: 'b' });
    await host.settle();
    expect(await host.send('AT+CMGD=2\r')).toBe('\r\nOK\r\n');
    expect(host.modem.stored().map((m) => m.text)).toEqual(['a']);
    expect(await host.send('AT+CMGD=?\r')).toBe('\r\n+CMGD: (1),(0-4)\r\n\r\nOK\r\n');
  });

  it('pushes an SMS as +CMT without storing it when <mt> is 2, in text and PDU mode', async () => {
    const host = await quietModem();
    await host.run('AT+CNMI=2,2,0,0,0');
    host.modem.deliver({ from: '000', text: 'ping' });
    expect(await host.settle()).toBe(`\r\n+CMT: ,19\r\n${PING_PDU}\r\n`);
    await host.run('AT+CMGF=1', 'AT+CSDH=1');
    host.modem.deliver({ from: '000', text: 'ping' });
    expect(await host.settle()).toBe('\r\n+CMT: "000",,"24/10/24,20:12:17+00",129,4,0,0,"+447700900000",145,4\r\nping\r\n');
    expect(host.modem.stored()).toEqual([]);
  });

  it('stores without any URC when <mt> is 0', async () => {
    const host = await quietModem();
    await host.run('AT+CNMI=2,0,0,0,0');
    host.modem.deliver({ from: '000', text: 'quiet' });
    expect(await host.settle()).toBe('');
    expect(host.modem.stored()).toHaveLength(1);
  });

  it('buffers indications while <mode> is 0 and flushes them when the host sets mode 2 with bfr 0', async () => {
    const host = await quietModem();
    await host.run('AT+CNMI=0,1,0,0,0');
    host.modem.deliver({ from: '000', text: 'a' });
    expect(await host.settle()).toBe('');
    expect(await host.send('AT+CNMI=2,1,0,0,0\r')).toBe('\r\nOK\r\n\r\n+CMTI: "SM",1\r\n');
  });

  it('refuses an SMS longer than one part', () => {
    const modem = new VirtualModem();
    expect(() => modem.deliver({ from: '000', text: 'x'.repeat(161) })).toThrow(RangeError);
  });
});

describe('virtual modem sending SMS', () => {
  it('prompts with CR LF > SP and no line end, sends on Ctrl-Z and answers +CMGS with an incrementing reference', async () => {
    const host = await quietModem({ firstMessageReference: 254 });
    await host.run('AT+CMGF=1');
    const sent = firstValueFrom(host.modem.sent$);
    for (const [text, mr] of [['pong', 254], ['again', 255], ['wrap', 0]] as const) {
      expect(await host.send('AT+CMGS="000"\r')).toBe('\r\n> ');
      expect(await host.send(`${text}\x1a`)).toBe(`\r\n+CMGS: ${mr}\r\n\r\nOK\r\n`);
    }
    expect(await sent).toMatchObject({ to: '000', text: 'pong', mr: 254 });
    expect(host.modem.outbox.map((e) => [e.to, e.text, e.mr, e.mode])).toEqual([
      ['000', 'pong', 254, 'text'],
      ['000', 'again', 255, 'text'],
      ['000', 'wrap', 0, 'text'],
    ]);
    expect(host.modem.outbox[0]!.at).toEqual(FIXED_TIME);
  });

  it('echoes the body and its Ctrl-Z when echo is on', async () => {
    const host = new Host(new VirtualModem({ profile: 'simcom' }));
    await host.send('AT+CMGF=1\r');
    expect(await host.send('AT+CMGS="000"\r')).toBe('AT+CMGS="000"\r\r\n> ');
    expect(await host.send('temp=21.5\x1a')).toBe('temp=21.5\x1a\r\n+CMGS: 1\r\n\r\nOK\r\n');
  });

  it('aborts on ESC without sending, and re-prompts after a CR inside the body', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1');
    await host.send('AT+CMGS="000"\r');
    expect(await host.send('line one\r')).toBe('\r\n> ');
    expect(await host.send('line two\x1b')).toBe('\r\nOK\r\n');
    expect(host.modem.outbox).toEqual([]);
    await host.send('AT+CMGS="000"\r');
    await host.send('line one\r');
    await host.send('line two\x1a');
    expect(host.modem.outbox[0]!.text).toBe('line one\nline two');
  });

  it('ignores the LF of a host that ends its command line with CR LF', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1');
    expect(await host.send('AT+CMGS="000"\r\n')).toBe('\r\n> ');
    await host.send('body\x1a');
    expect(host.modem.outbox[0]!.text).toBe('body');
  });

  it('sends UCS2 text typed as hex when AT+CSMP asks for DCS 8', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1', 'AT+CSMP=17,167,0,8', 'AT+CSCS="UCS2"');
    expect(await host.send('AT+CMGS="003000300030"\r')).toBe('\r\n> ');
    await host.send('004F004B2713\x1a');
    expect(host.modem.outbox[0]).toMatchObject({ to: '000', text: 'OK✓', encoding: 'ucs2' });
  });

  it('sends a PDU whose length matches AT+CMGS=<length> and rejects one that does not', async () => {
    const host = await quietModem();
    await host.run('AT+CMEE=1');
    expect(await host.send('AT+CMGS=14\r')).toBe('\r\n> ');
    expect(await host.send('001100038100F00000AA04F0B7FB0C\x1a')).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
    expect(host.modem.outbox[0]).toMatchObject({ to: '000', text: 'pong', mode: 'pdu', pdu: '1100038100F00000AA04F0B7FB0C' });
    await host.send('AT+CMGS=15\r');
    expect(await host.send('001100038100F00000AA04F0B7FB0C\x1a')).toBe('\r\n+CMS ERROR: 304\r\n');
    await host.send('AT+CMGS=14\r');
    expect(await host.send('00110003ZZ\x1a')).toBe('\r\n+CMS ERROR: 304\r\n');
  });

  it('stores with AT+CMGW and sends from storage with AT+CMSS', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1', 'AT+CMEE=1');
    expect(await host.send('AT+CMGW="000"\r')).toBe('\r\n> ');
    expect(await host.send('stored\x1a')).toBe('\r\n+CMGW: 1\r\n\r\nOK\r\n');
    expect(await host.send('AT+CMGR=1\r')).toBe('\r\n+CMGR: "STO UNSENT","000",\r\nstored\r\n\r\nOK\r\n');
    expect(await host.send('AT+CMSS=1\r')).toBe('\r\n+CMSS: 1\r\n\r\nOK\r\n');
    expect(host.modem.outbox[0]).toMatchObject({ to: '000', text: 'stored' });
    expect(host.modem.stored()[0]!.stat).toBe('STO SENT');
    expect(await host.send('AT+CMSS=5\r')).toBe('\r\n+CMS ERROR: 321\r\n');
    await host.run('AT+CMGF=0');
    expect(await host.send('AT+CMGW=14\r')).toBe('\r\n> ');
    expect(await host.send('001100038100F00000AA04F0B7FB0C\x1a')).toBe('\r\n+CMGW: 2\r\n\r\nOK\r\n');
    expect(await host.send('AT+CMGR=2\r')).toBe('\r\n+CMGR: 2,,14\r\n001100038100F00000AA04F0B7FB0C\r\n\r\nOK\r\n');
  });
});

describe('virtual modem status reports', () => {
  it('announces a requested status report with +CDSI "SR" when <ds> is 2 and reads it from SR', async () => {
    const host = await quietModem({ profile: 'telit' });
    await host.run('AT+CMGF=1', 'AT+CSMP=49,167,0,0', 'AT+CNMI=2,1,0,2,0');
    await host.send('AT+CMGS="+15551230000"\r');
    expect(await host.send('test\x1a')).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CDSI: "SR",0\r\n');
    await host.run('AT+CPMS="SR"');
    expect(await host.send('AT+CMGR=0\r')).toBe(
      '\r\n+CMGR: "REC UNREAD",6,1,"+15551230000",145,"24/10/24,20:12:17+00","24/10/24,20:12:17+00",0\r\n\r\nOK\r\n',
    );
  });

  it('runs a select and a delete on one line in order (V.250 §5.4.1), and nothing after a select that fails (§5.4.2)', async () => {
    const host = await quietModem({ profile: 'telit' });
    await host.run('AT+CMEE=1', 'AT+CMGF=1', 'AT+CSMP=49,167,0,0', 'AT+CNMI=2,1,0,2,0');
    host.modem.deliver({ from: '000', text: 'ping' });
    await host.settle();
    await host.send('AT+CMGS="+15551230000"\r');
    await host.send('test\x1a');
    const where = () => host.modem.stored().map((m) => `${m.mem}:${m.index}`);
    const [message, report] = where();
    expect(report).toBe('SR:0');
    expect(await host.send('AT+CPMS="XX";+CMGD=0\r')).toBe('\r\n+CMS ERROR: 302\r\n');
    expect(where()).toEqual([message, report]);
    // The select's answer (used/total before the delete), then the one final result.
    expect(await host.send('AT+CPMS="SR";+CMGD=0\r')).toBe('\r\n+CPMS: 1,20,1,50,1,50\r\n\r\nOK\r\n');
    expect(where()).toEqual([message]);
    expect(await host.send('AT+CPMS?\r')).toMatch(/^\r\n\+CPMS: "SR",0,20,"SM",1,50,"SM",1,50\r\n/);
  });

  it('pushes a status report as +CDS when <ds> is 1, as text or PDU', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1', 'AT+CSMP=49,167,0,0', 'AT+CNMI=2,1,0,1,0');
    await host.send('AT+CMGS="000"\r');
    expect(await host.send('test\x1a')).toBe(
      '\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CDS: 6,1,"000",129,"24/10/24,20:12:17+00","24/10/24,20:12:17+00",0\r\n',
    );
    // A PDU-mode SUBMIT asking for a report (TP-SRR, fo 0x31).
    await host.run('AT+CMGF=0');
    await host.send('AT+CMGS=14\r');
    expect(await host.send('003100038100F00000AA04F0B7FB0C\x1a')).toBe(
      '\r\n+CMGS: 2\r\n\r\nOK\r\n\r\n+CDS: 21\r\n07914477000900000602038100F0420142022171004201420221710000\r\n',
    );
  });

  it('sends no report when none was asked for', async () => {
    const host = await quietModem();
    await host.run('AT+CMGF=1', 'AT+CNMI=2,1,0,1,0');
    await host.send('AT+CMGS="000"\r');
    expect(await host.send('test\x1a')).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
  });
});
