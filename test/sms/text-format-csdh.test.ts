import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, getProfile } from '../../src/sim/profiles.js';
import { buildDeliver, type SmsEncoding } from '../../src/sim/sim-pdu.js';
import { cmgrText, cmglText, cmt, type FormatContext } from '../../src/sim/sms-format.js';
import type { StoredDeliver } from '../../src/sim/sms-storage.js';
import { isTextCmtHeader } from '../../src/sms/inbox.js';
import { parseCmglText, parseCmgrText, parseCmtText } from '../../src/sms/text-format.js';
import type { DeliverRecord, SmsRecord } from '../../src/sms/types.js';

/**
 * Text-mode records with AT+CSDH=1 (3GPP TS 27.005 §3.3.3): the headers each vendor prints, and the
 * simulator's rendering of any GSM-7 text, `@` (0x00 under AT+CSCS="GSM") at either end included,
 * read back by our parser. The bridge reads in PDU mode where it can (docs/modem-behaviour.md §8);
 * this is the path of a modem that refuses it and of a +CMT pushed while a send has switched to text.
 */
const deliver = (record: SmsRecord): DeliverRecord => {
  if (record.kind !== 'deliver') throw new Error(`expected a deliver, got ${record.kind}`);
  return record;
};

describe('text-mode headers with AT+CSDH=1, as the vendors print them', () => {
  it.each([
    // Quectel EC25 manual p.136 (+CMT with CSDH=1).
    ['Quectel EC25 +CMT, GSM-7', () => parseCmtText('+CMT: "+8615021012496",,"13/03/18,17:07:21+32",145,4,0,0,"+8613800551500",145,5', 'hello', { charset: 'GSM' }), { sender: '+8615021012496', text: 'hello', dcs: 0, encoding: 'gsm7' }],
    // GAM tests/at-sms-txt-detail: the full +CMGR header; UCS2 body as hex (27.005 §3.1 <data>).
    ['+CMGR, UCS2 as hex of UTF-16BE', () => parseCmgrText('+CMGR: "REC READ","+85291234567",,"07/02/18,00:05:10+32",145,4,0,8,"+85290000000",145,4', ['04410442'], { charset: 'GSM' }), { text: 'ст', dcs: 8, encoding: 'ucs2' }],
    // SIM7600 quotes an empty alpha (docs/modem-behaviour.md §3); 8-bit is hex octets.
    ['SIMCom +CMGR, 8-bit as hex octets', () => parseCmgrText('+CMGR: "REC UNREAD","000","","24/10/24,20:12:17+00",129,4,0,4,"+447700900000",145,3', ['00FF41'], { charset: 'GSM' }), { text: '00FF41', dcs: 4, encoding: '8bit' }],
    // <fo> 0x44 = TP-UDHI: the user data, header included, in hex; GSM-7 septets packed after a fill bit.
    ['+CMT with a concatenation header (fo 68)', () => parseCmtText('+CMT: "000",,"24/10/24,20:12:17+00",129,68,0,0,"+447700900000",145,4', '050003420201E069F719', { charset: 'GSM' }), { text: 'ping', udh: { reference: 0x42, total: 2, sequence: 1 } }],
    ['a body over three lines, one of them OK', () => parseCmgrText('+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,0,"+447700900000",145,8', ['a', 'OK', 'b \x00'], { charset: 'GSM' }), { text: 'a\nOK\nb @' }],
  ] as const)('%s', (_name, parse, expected) => {
    expect(parse()).toMatchObject(expected);
  });

  it('Telit LE910 V2 p.171 and 27.005 §3.4.2: +CMGL adds only <tooa>,<length>; the length still keeps a trailing @', () => {
    const [record] = parseCmglText(['+CMGL: 1,"REC UNREAD","000",,"24/10/24,20:12:17+00",129,6', '\x00ping\x00'], { charset: 'GSM' });
    expect(record).toMatchObject({ index: 1, text: '@ping@', senderType: 129 });
  });

  it('NUL padding past <length> is dropped, NULs within it are @ (Huawei E3131 pads, docs/modem-behaviour.md §3)', () => {
    const record = parseCmgrText('+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,0,"+447700900000",145,3', ['hi\x00\x00\x00\x00\x00\x00'], { charset: 'GSM' });
    expect(deliver(record).text).toBe('hi@');
  });

  it.each([
    ['"000",,"24/10/24,20:12:17+00"', true],
    ['"+447700900000","","24/10/24,20:12:17+00",145,4,0,0,"+447700900000",145,4', true],
    [',23', false],
    ['"",23', false],
    ['23', false],
  ])('+CMT: %s is text format: %s', (fields, text) => {
    expect(isTextCmtHeader(`+CMT: ${fields}`)).toBe(text);
  });
});

const GSM7 = [
  ...'@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ...'{}[]~^|€\\',
];
const gsm7Text = fc.array(fc.constantFrom(...GSM7), { minLength: 1, maxLength: 160 }).map((chars) => chars.join(''));

function stored(text: string, encoding: SmsEncoding, profile: FormatContext['profile']): StoredDeliver {
  const scts = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const { pdu, tpduLength } = buildDeliver({ smsc: profile.smsc, from: '000', text, encoding, scts, tzQuarters: 4 });
  return { kind: 'deliver', stat: 0, pdu, tpduLength, from: '000', text, encoding, scts, tzQuarters: 4, smsc: profile.smsc };
}

describe('any GSM-7 text round-trips through the simulator\'s text-mode rendering and our parser (AT+CSCS="GSM", AT+CSDH=1)', () => {
  // The body is handed over as one line, as a framer that knows <length> would: this checks the
  // header fields and the charset, `@` at both ends included, on every vendor's format and padding.
  it.each(PROFILE_NAMES)('%s: +CMGR, +CMGL and +CMT', (name) => {
    const ctx: FormatContext = { charset: 'GSM', details: true, profile: getProfile(name) };
    fc.assert(
      fc.property(gsm7Text, (text) => {
        const sms = stored(text, 'gsm7', ctx.profile);
        const [cmgrHeader, cmgrBody] = cmgrText(sms, ctx);
        expect(deliver(parseCmgrText(cmgrHeader!, [cmgrBody!], { charset: 'GSM' })).text).toBe(text);
        const listed = parseCmglText(cmglText(3, sms, ctx), { charset: 'GSM' });
        expect(listed.map((r) => deliver(r).text)).toEqual([text]);
        const [cmtHeader, cmtBody] = cmt(sms, ctx, false);
        expect(isTextCmtHeader(cmtHeader!)).toBe(true);
        expect(parseCmtText(cmtHeader!, cmtBody!, { charset: 'GSM' }).text).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it.each(PROFILE_NAMES)('%s: UCS2 text in +CMGR, by its <dcs>', (name) => {
    const ctx: FormatContext = { charset: 'GSM', details: true, profile: getProfile(name) };
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 70 }), (text) => {
        const [header, body] = cmgrText(stored(text, 'ucs2', ctx.profile), ctx);
        expect(deliver(parseCmgrText(header!, [body!], { charset: 'GSM' })).text).toBe(text);
      }),
      { numRuns: 100 },
    );
  });
});
