import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ModemSession, type SessionState } from '../../src/modem/modem-session.js';
import type { IncomingSms } from '../../src/sms/inbox.js';
import { SmsService } from '../../src/sms/sms-service.js';
import { TranscriptResponder } from '../helpers/transcript-responder.js';

/**
 * Transcripts 02, 08, 12, 13, 18 and 20 replayed under a whole modem session: the modem answers
 * from the transcript wherever the session writes what the transcript shows, and like a plain
 * modem of that vendor elsewhere (the session's init sends more than any one transcript shows).
 */
function vendorModem(identity: { manufacturer: string; model: string }, extra: Record<string, string> = {}) {
  const ok = '\r\nOK\r\n';
  const info = (line: string) => `\r\n${line}\r\n\r\nOK\r\n`;
  const table: [RegExp, string][] = [
    ...Object.entries(extra).map(([k, v]) => [new RegExp(`^${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), v] as [RegExp, string]),
    [/^AT\+CGMI\r$/, info(identity.manufacturer)],
    [/^AT\+CGMM\r$/, info(identity.model)],
    [/^AT\+CGMR\r$/, info('1.0')],
    [/^AT\+CPIN\?\r$/, info('+CPIN: READY')],
    [/^AT\+CPMS=\?\r$/, info('+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")')],
    [/^AT\+CPMS="/, info('+CPMS: 0,50,0,50,0,50')],
    [/^AT\+CNMI=\?\r$/, info('+CNMI: (0-2),(0-3),(0-3),(0-2),(0-1)')],
    [/^AT\+CSQ\r$/, info('+CSQ: 20,99')],
    [/^AT\+CGSN\r$/, info('866834040123456')],
  ];
  return (written: string) => table.find(([pattern]) => pattern.test(written))?.[1] ?? (written === '\x1b' ? undefined : ok);
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function run(responder: TranscriptResponder) {
  const session = new ModemSession({
    open: async () => responder.transport,
    sms: { mode: 'text', delivery: 'store', statusReports: false },
    channel: { defaultTimeoutMs: 300 },
    timing: { rebootSettleMs: 30 },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 30))),
  });
  const sms = new SmsService({ modem: session, mode: 'text', defaultRecipient: '000' });
  const messages: IncomingSms[] = [];
  sms.incoming$.subscribe((m) => {
    messages.push(m);
    m.ack().catch(() => undefined);
  });
  const states: SessionState[] = [];
  session.state$.subscribe((s) => states.push(s));
  sms.start();
  cleanups.push(() => session.close(), () => sms.stop());
  return { session, messages, states };
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('modem session on shared transcripts', () => {
  it('02: a modem still booting (RDY, then the boot burst, no OK) is waited for, and its boot URCs do not count as a reboot', async () => {
    const r = new TranscriptResponder('02-quectel-eg25-boot-urc-burst.at', {}, vendorModem({ manufacturer: 'Quectel', model: 'EG25' }));
    const { session, states } = run(r);
    await session.start();
    expect(r.written.filter((w) => w === 'AT\r')).toHaveLength(3);
    expect(states).toEqual(['closed', 'opening', 'waiting', 'configuring', 'ready']);
    expect(session.info()?.profile).toBe('quectel');
  });

  it('08: the +CMTI that a Huawei slips in before +CPIN: READY is read once the modem is ready, and ^CURC=0 silences the noise', async () => {
    const r = new TranscriptResponder('08-huawei-e303-cmti-inside-command.at', {}, vendorModem({ manufacturer: 'huawei', model: 'E303' }));
    const { session, messages } = run(r);
    await session.start();
    await until(() => messages.length === 1, 'the message');
    expect(messages[0]).toMatchObject({ sender: '000', text: 'ping', storage: 'ME', index: 0 });
    expect(r.written).toContain('AT^CURC=0\r');
    expect(r.written.indexOf('AT+CMGR=0\r')).toBeGreaterThan(r.written.indexOf('AT+CPIN?\r'));
  });

  it('12: a SIM800 that resets under a read fails the read, is re-initialised, and the message is found again once', async () => {
    const r = new TranscriptResponder(
      '12-simcom-sim800-reset-mid-session.at',
      {},
      vendorModem({ manufacturer: 'SIMCOM_Ltd', model: 'SIMCOM_SIM800L' }, {
        'AT+CMGL': '\r\n+CMGL: 1,"REC UNREAD","000","","24/10/24,20:12:17+00"\r\nreboot\r\n\r\nOK\r\n',
        // A SIM800 has the SIM only (its +CPMS=? lists SM): this transcript's messages live there.
        'AT+CPMS=?': '\r\n+CPMS: ("SM"),("SM"),("SM")\r\n\r\nOK\r\n',
      }),
    );
    const { session, messages, states } = run(r);
    await session.start();
    const initWrites = r.written.length;
    await until(() => messages.length === 1, 'the swept message');
    // Slot 1 is announced again only once it is free: its delete goes out first (batched, a moment later).
    await until(() => r.written.includes('AT+CMGD=1\r'), 'the first delete');
    const again = firstValueFrom(session.ready$);
    r.emit('\r\n+CMTI: "SM",1\r\n'); // its read is answered by the reset burst
    await again;
    expect(states).toEqual(['closed', 'opening', 'waiting', 'configuring', 'ready', 'rebooting', 'configuring', 'ready']);
    const reinit = r.written.slice(initWrites);
    expect(reinit).toContain('AT+CMGR=1\r');
    expect(reinit.indexOf('AT+CMGF=1\r')).toBeGreaterThan(reinit.indexOf('AT+CMGR=1\r'));
    expect(reinit.some((w) => w.startsWith('AT+CNMI=2,1'))).toBe(true);
    await until(() => r.written.filter((w) => w === 'AT+CMGD=1\r').length >= 2, 'the delete of the message read again');
    // Handed out by the first sweep (then deleted), and found once more after the reset (the
    // transcript's listing always shows it): twice in all, each deleted; never a third time.
    expect(messages.map((m) => m.text)).toEqual(['reboot', 'reboot']);
  });

  it('13: a SIM7600 reboot burst re-initialises the session, then a +CMTI on index 0 reads with its +52 quarter-hour time zone', async () => {
    const r = new TranscriptResponder('13-simcom-sim7600-reboot-then-receive.at', {}, vendorModem({ manufacturer: 'SIMCOM INCORPORATED', model: 'SIMCOM_SIM7600G-H' }));
    const { session, messages, states } = run(r);
    // The transcript opens with the boot burst: the replay plays it as the port opens.
    await session.start();
    const again = firstValueFrom(session.ready$);
    r.emit('\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n');
    r.emit('\r\nPB DONE\r\n');
    await again;
    expect(states.filter((s) => s === 'ready')).toHaveLength(2);
    r.emit('\r\n+CMTI: "SM",0\r\n');
    await until(() => messages.length === 1, 'the message');
    expect(messages[0]?.timestamp.toISOString()).toBe('2024-10-24T18:12:17.000Z');
  });

  it('18: on a u-blox that ships with +CNMI 0,0,0,0,0 the session turns indications on from what AT+CNMI=? offers, so +CMTI arrives', async () => {
    const r = new TranscriptResponder('18-ublox-sara-r4-cnmi-off-by-default.at', {}, vendorModem({ manufacturer: 'u-blox', model: 'SARA-R410M-02B' }));
    const { session, messages } = run(r);
    const result = await session.start();
    expect(result.info.cnmi).toBe('AT+CNMI=2,1,0,0,0');
    r.emit('\r\n+CMTI: "SM",5\r\n');
    await until(() => messages.length === 1, 'the message');
    expect(messages[0]).toMatchObject({ text: 'ping', index: 5 });
    // The session chose ME (offered by +CPMS=?), the message is in SM: its delete selects SM on its line.
    await until(() => r.written.includes('AT+CPMS="SM";+CMGD=5\r'), 'the delete by index');
  });

  it('20: SIM busy (verbose CME 14) at start is retried, a plain ERROR restarts init, and the session becomes ready', async () => {
    const busy = '\r\n+CME ERROR: SIM busy\r\n';
    const r = new TranscriptResponder('20-ublox-sara-r422s-sim-busy.at', {}, (() => {
      const answers = [busy, busy, '\r\nERROR\r\n'];
      const plain = vendorModem({ manufacturer: 'u-blox', model: 'SARA-R422S' });
      return (w: string) => (w === 'AT+CPIN?\r' && answers.length ? answers.shift() : plain(w));
    })());
    const { session } = run(r);
    await session.start();
    expect(session.state).toBe('ready');
    expect(r.written.filter((w) => w === 'AT+CPIN?\r').length).toBe(4);
  });
});
