import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../src/errors.js';
import { parseCdsText, parseCmglText, parseCmgrText, parseCmtText } from '../../src/sms/text-format.js';
import type { SmsRecord } from '../../src/sms/types.js';

const textOf = (record: SmsRecord): string | undefined => (record.kind === 'status-report' ? undefined : record.text);

/** Runs fn, expecting a PARSE_ERROR whose message quotes the offending line. */
function parseError(fn: () => unknown): BridgeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe('PARSE_ERROR');
    return error as BridgeError;
  }
  throw new Error('expected a PARSE_ERROR');
}

describe('parseCmgrText: SMS-DELIVER headers seen on real modems', () => {
  it.each([
    // header, sender, UTC time, timezone known
    ['+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', '000', '2024-10-24T20:12:17.000Z', true], // transcript 01
    ['+CMGR: "REC UNREAD","000","","24/10/25,07:12:17+52"', '000', '2024-10-24T18:12:17.000Z', true], // transcript 13
    ['+CMGR:"REC READ","+31625044454",,"07/07/05,09:56:03+08"', '+31625044454', '2007-07-05T07:56:03.000Z', true], // no space after colon
    ['+CMGR: "REC READ","+821020955219",,"07/07/19,10:06:34+36"', '+821020955219', '2007-07-19T01:06:34.000Z', true], // Telit UC864
    ['+CMGR: "REC READ", "+4123456789132", "2009/8/18,19:11:45"', '+4123456789132', '2009-08-18T19:11:45.000Z', false], // Motorola: spaces, no alpha, no zone
    ['+CMGR: "REC UNREAD","+64292011***","","21/10/18,20:36:15+52"', '+64292011***', '2021-10-18T07:36:15.000Z', true], // SIM7600CE
    ['+CMGR: 1,"000",,"24/10/24,20:12:17+00"', '000', '2024-10-24T20:12:17.000Z', true], // stat as a number
  ])('%s', (header, sender, iso, timezoneKnown) => {
    const record = parseCmgrText(header, ['ping']);
    expect(record).toMatchObject({ kind: 'deliver', sender, text: 'ping', timezoneKnown, raw: { header, body: 'ping' } });
    expect(record.timestamp?.toISOString()).toBe(iso);
  });

  it('reads the status of an unread and a read message', () => {
    expect(parseCmgrText('+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', ['ping']).status).toBe('REC UNREAD');
    expect(parseCmgrText('+CMGR: "REC READ","000",,"24/10/24,20:12:17+00"', ['ping']).status).toBe('REC READ');
  });

  it('reads the AT+CSDH=1 fields (Quectel UGxx: 4-digit year and a space)', () => {
    const record = parseCmgrText('+CMGR: "REC UNREAD","+8615021012496",,"2014/02/13 15:06:37+32",145,4,0,0,"+8613800210500",145,27', ['Hello from Quectel 27 chars']);
    expect(record).toMatchObject({ kind: 'deliver', sender: '+8615021012496', senderType: 145, dcs: 0, encoding: 'gsm7', smsc: '+8613800210500', text: 'Hello from Quectel 27 chars' });
    expect(record.timestamp?.toISOString()).toBe('2014-02-13T07:06:37.000Z');
  });

  it('decodes a UCS2 body, which is hex even under CSCS "GSM" (transcript 14)', () => {
    const record = parseCmgrText('+CMGR: "REC UNREAD","000",,"24/10/24,20:15:03+00",129,4,0,8,"+447700900000",145,12', ['00700069006E006700202713'], { charset: 'GSM' });
    expect(record).toMatchObject({ kind: 'deliver', sender: '000', senderType: 129, text: 'ping ✓', encoding: 'ucs2', dcs: 8, smsc: '+447700900000' });
  });

  it('decodes UCS2 addresses when the character set is UCS2 (transcript 14)', () => {
    const record = parseCmgrText(
      '+CMGR: "REC READ","003000300030",,"24/10/24,20:15:03+00",129,4,0,8,"002B003400340037003700300030003900300030003000300030",145,12',
      ['00700069006E006700202713'],
      { charset: 'UCS2' },
    );
    expect(record).toMatchObject({ sender: '000', smsc: '+447700900000', text: 'ping ✓', status: 'REC READ' });
  });

  it('decodes a GSM-7 body sent as UCS2 hex under CSCS "UCS2"', () => {
    expect(parseCmgrText('+CMGR: "REC UNREAD","003000300030",,"24/10/24,20:12:17+00"', ['00700069006E0067'], { charset: 'UCS2' })).toMatchObject({ sender: '000', text: 'ping' });
  });

  it('leaves an address that is not UCS2 hex alone under CSCS "UCS2"', () => {
    expect(parseCmgrText('+CMGR: "REC UNREAD","1234",,"24/10/24,20:12:17+00"', ['0070'], { charset: 'UCS2' })).toMatchObject({ sender: '1234', text: 'p' });
  });

  it('keeps an 8-bit body as bytes and upper-case hex', () => {
    const record = parseCmgrText('+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00",129,4,0,4,"+447700900000",145,5', ['48656c6c6f']);
    expect(record).toMatchObject({ text: '48656C6C6F', encoding: '8bit', dcs: 4 });
    expect(record.kind === 'deliver' ? [...(record.data ?? [])] : []).toEqual([0x48, 0x65, 0x6c, 0x6c, 0x6f]);
  });

  it('decodes a hex body with a user-data header when <fo> has TP-UDHI (python-gsmmodem concatenated vector)', () => {
    const ud =
      '050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20';
    const record = parseCmgrText('+CMGR: "REC UNREAD","2781188",,"13/06/25,16:40:48+00",129,64,0,0,"+2781191",145,89', [ud]);
    expect(record).toMatchObject({
      kind: 'deliver',
      text: 'Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. ',
      udh: { reference: 0xc3, total: 1, sequence: 1 },
      encoding: 'gsm7',
    });
  });

  it('strips NUL padding (Huawei E3131)', () => {
    expect(textOf(parseCmgrText('+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', ['Hii\x00\x00\x00\x00']))).toBe('Hii');
  });

  it('joins a body of several lines, even one that looks like OK', () => {
    expect(textOf(parseCmgrText('+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', ['line one', 'OK', '', 'line four']))).toBe('line one\nOK\n\nline four');
  });

  it('reads an unquoted numeric sender with AT+CSDH=1 fields as a message, not a status report', () => {
    expect(parseCmgrText('+CMGR: "REC UNREAD",000,,"24/10/24,20:12:17+00",129,4,0,0,"+447700900000",145,4', ['ping'])).toMatchObject({ kind: 'deliver', sender: '000', text: 'ping' });
  });

  it('reads a body of no lines as empty text', () => {
    expect(textOf(parseCmgrText('+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', []))).toBe('');
  });

  it('maps GSM 7-bit codes to characters when the character set is GSM', () => {
    const body = 'pay \x0220 \x00 home_ \x1b\x65 \x05\x00';
    expect(textOf(parseCmgrText('+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', [body], { charset: 'GSM' }))).toBe('pay $20 @ home§ € é');
  });

  it('does not translate when the character set is IRA', () => {
    expect(textOf(parseCmgrText('+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', ['a_$@b'], { charset: 'IRA' }))).toBe('a_$@b');
  });
});

describe('parseCmgrText: SMS-SUBMIT and status reports', () => {
  it('reads a stored outgoing message as an SMS-SUBMIT', () => {
    const record = parseCmgrText('+CMGR: "STO UNSENT","000",,129,17,0,0,167,"+447700900000",145,4', ['pong']);
    expect(record).toMatchObject({ kind: 'submit', status: 'STO UNSENT', recipient: '000', recipientType: 129, text: 'pong', dcs: 0 });
    expect(record.timestamp).toBeUndefined();
  });

  it('reads a text-mode status report (transcript 16)', () => {
    const record = parseCmgrText('+CMGR: "REC UNREAD",6,42,"+15551230000",145,"24/10/24,20:30:05+00","24/10/24,20:30:09+00",0', []);
    expect(record).toMatchObject({ kind: 'status-report', status: 'REC UNREAD', messageReference: 42, recipient: '+15551230000', recipientType: 145, st: 0, delivered: true, failed: false, pending: false });
    if (record.kind !== 'status-report') throw new Error('not a status report');
    expect(record.scts.toISOString()).toBe('2024-10-24T20:30:05.000Z');
    expect(record.dischargeTime.toISOString()).toBe('2024-10-24T20:30:09.000Z');
  });

  it('reads gammu\'s text status report with a +04 zone', () => {
    const record = parseCmgrText('+CMGR: "REC UNREAD",6,21,"123456789",129,"22/12/01,07:33:58+04","22/12/01,07:33:59+04",0', []);
    expect(record).toMatchObject({ kind: 'status-report', messageReference: 21, recipient: '123456789' });
    expect(record.timestamp?.toISOString()).toBe('2022-12-01T06:33:58.000Z');
  });
});

describe('parseCmgrText refuses malformed input with PARSE_ERROR', () => {
  it.each([
    ['+CMGR: garbage', ['ping']],
    ['+CMGR: "REC NEW","000",,"24/10/24,20:12:17+00"', ['ping']],
    ['+CMGR: "REC READ","000",,"not a date"', ['ping']],
    ['+CMGR: "REC READ,"000",,"24/10/24,20:12:17+00"', ['ping']],
    ['+CMGR: "REC READ"', ['ping']],
    ['+CMGL: 1,"REC READ","000",,"24/10/24,20:12:17+00"', ['ping']],
    ['+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",abc', ['ping']],
    ['+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,8,"+447700900000",145,4', ['ping']], // UCS2 DCS, body not hex
    ['+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,8,"+447700900000",145,3', ['00700']], // odd hex
    ['+CMGR: "REC UNREAD",6,42,"+15551230000",145,"24/10/24,20:30:05+00","24/10/24,20:30:09+00",x', []],
  ])('%s', (header, body) => {
    const error = parseError(() => parseCmgrText(header, body));
    expect(error.message).toContain(JSON.stringify(header));
    expect(error.lines).toEqual([header]);
  });

  it('refuses a UCS2-charset body that is not hex', () => {
    parseError(() => parseCmgrText('+CMGR: "REC READ","003000300030",,"24/10/24,20:12:17+00"', ['ping'], { charset: 'UCS2' }));
  });
});

describe('parseCmglText', () => {
  it('lists the startup sweep of transcript 15, alphanumeric sender included', () => {
    const records = parseCmglText([
      '+CMGL: 1,"REC READ","000","","24/10/24,19:58:02+00"',
      'status',
      '+CMGL: 2,"REC UNREAD","000","","24/10/24,20:01:44+00"',
      'reboot',
      '+CMGL: 3,"REC UNREAD","Play","","23/02/09,13:07:04+04"',
      'Nie masz srodkow na koncie',
    ]);
    expect(records.map((r) => [r.index, r.status, r.kind === 'deliver' ? r.sender : '', r.kind === 'status-report' ? '' : r.text])).toEqual([
      [1, 'REC READ', '000', 'status'],
      [2, 'REC UNREAD', '000', 'reboot'],
      [3, 'REC UNREAD', 'Play', 'Nie masz srodkow na koncie'],
    ]);
    expect(records[2]?.timestamp?.toISOString()).toBe('2023-02-09T12:07:04.000Z');
  });

  it('keeps body lines up to the next +CMGL: header, even one that reads OK', () => {
    const records = parseCmglText(['+CMGL: 0,"REC UNREAD","000",,"24/10/24,20:12:17+00"', 'first', 'OK', '+CMGL: 1,"REC UNREAD","000",,"24/10/24,20:12:18+00"', 'second']);
    expect(records.map((r) => (r.kind === 'status-report' ? '' : r.text))).toEqual(['first\nOK', 'second']);
  });

  it.each([
    ['+CMGL: 1,"REC READ","5277",,"24/12/06,16:08:18-32"', { index: 1, sender: '5277' }, '2024-12-07T00:08:18.000Z'], // Sierra HL7800
    ['+CMGL: 0,"REC UNREAD","+27748577604",,"13/01/28,14:51:42+08"', { index: 0, sender: '+27748577604' }, '2013-01-28T12:51:42.000Z'], // python-gsmmodem
    ['+CMGL: 96,"REC READ","Play","","23/02/09,13:07:04+04",208,26', { index: 96, sender: 'Play', senderType: 208 }, '2023-02-09T12:07:04.000Z'], // with AT+CSDH=1
    ['+CMGL:4,"REC READ","000",,"24/10/24,20:12:17+00"', { index: 4 }, '2024-10-24T20:12:17.000Z'],
  ])('%s', (header, expected, iso) => {
    const [record] = parseCmglText([header, 'Hello raspberry pi']);
    expect(record).toMatchObject({ kind: 'deliver', text: 'Hello raspberry pi', ...expected });
    expect(record?.timestamp?.toISOString()).toBe(iso);
  });

  it('lists stored outgoing messages and status reports', () => {
    const records = parseCmglText([
      '+CMGL: 5,"STO UNSENT","000",,',
      'pong',
      '+CMGL: 6,"REC READ",6,42,"+15551230000",145,"24/10/24,20:30:05+00","24/10/24,20:30:09+00",0',
    ]);
    expect(records[0]).toMatchObject({ kind: 'submit', index: 5, status: 'STO UNSENT', recipient: '000', text: 'pong' });
    expect(records[1]).toMatchObject({ kind: 'status-report', index: 6, messageReference: 42, delivered: true });
  });

  it('returns nothing for an empty listing', () => {
    expect(parseCmglText([])).toEqual([]);
  });

  it('refuses lines before the first header, and a bad index', () => {
    parseError(() => parseCmglText(['ping', '+CMGL: 1,"REC READ","000",,"24/10/24,20:12:17+00"']));
    parseError(() => parseCmglText(['+CMGL: x,"REC READ","000",,"24/10/24,20:12:17+00"', 'ping']));
  });
});

describe('parseCmtText', () => {
  it('reads a direct delivery from 000 (transcript 19)', () => {
    const record = parseCmtText('+CMT: "000",,"24/10/24,20:12:17+00"', 'ping');
    expect(record).toMatchObject({ kind: 'deliver', sender: '000', text: 'ping' });
    expect(record.timestamp.toISOString()).toBe('2024-10-24T20:12:17.000Z');
    expect(record.status).toBeUndefined();
  });

  it('reads Telit and u-blox examples', () => {
    expect(parseCmtText('+CMT: "+821020955219",,"07/07/26,20:09:07+36"', 'TEST MESSAGE').timestamp.toISOString()).toBe('2007-07-26T11:09:07.000Z');
    expect(parseCmtText('+CMT: "+393475234652",,"14/11/21,11:58:23+01"', ['Hello world']).text).toBe('Hello world');
  });

  it('reads the AT+CSDH=1 fields (EC25 manual)', () => {
    expect(parseCmtText('+CMT: "+8615021012496",,"13/03/18,17:07:21+32",145,4,0,0,"+8613800551500",145,28', 'x')).toMatchObject({ senderType: 145, dcs: 0, smsc: '+8613800551500' });
  });

  it('refuses a header without a time stamp', () => {
    parseError(() => parseCmtText('+CMT: "000"', 'ping'));
  });
});

describe('parseCdsText', () => {
  it('reads a delivered report (transcript 17)', () => {
    const record = parseCdsText('+CDS: 6,79,"+15551230000",145,"24/10/24,20:41:12+00","24/10/24,20:41:15+00",0');
    expect(record).toMatchObject({ kind: 'status-report', messageReference: 79, recipient: '+15551230000', st: 0, delivered: true, failed: false, pending: false });
    expect(record.dischargeTime.toISOString()).toBe('2024-10-24T20:41:15.000Z');
  });

  it.each([
    [0x00, 'delivered'],
    [0x1f, 'delivered'],
    [0x20, 'pending'],
    [0x30, 'pending'],
    [0x3f, 'pending'],
    [0x40, 'failed'],
    [0x46, 'failed'],
    [0x60, 'failed'],
    [0x7f, 'failed'],
  ])('classifies TP-Status %i as %s (23.040 §9.2.3.15)', (st, outcome) => {
    const record = parseCdsText(`+CDS: 6,79,,,"24/10/24,20:41:12+00","24/10/24,20:41:15+00",${st}`);
    expect({ delivered: record.delivered, pending: record.pending, failed: record.failed }).toEqual({
      delivered: outcome === 'delivered',
      pending: outcome === 'pending',
      failed: outcome === 'failed',
    });
    expect(record.recipient).toBe(''); // Telit UC864 leaves <ra> empty
  });

  it('refuses a truncated report', () => {
    parseError(() => parseCdsText('+CDS: 6,79'));
    parseError(() => parseCdsText('+CDS: 6,79,"+1",145,"24/10/24,20:41:12+00","yesterday",0'));
  });
});
