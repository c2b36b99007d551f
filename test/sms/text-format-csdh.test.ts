import fc from 'fast-check';
import { AtChannel } from '../../src/at/at-channel.js';
import { at } from '../../src/at/command.js';
import type { Urc } from '../../src/at/urc.js';
import { cmgr } from '../../src/sms/sms-commands.js';
import { MemoryTransport } from '../../src/transport/memory-transport.js';
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, getProfile } from '../../src/sim/profiles.js';
import { buildDeliver, type SmsEncoding } from '../../src/sim/sim-pdu.js';
import { cmgrText, cmglText, cmt, type FormatContext } from '../../src/sim/sms-format.js';
import type { StoredDeliver } from '../../src/sim/sms-storage.js';
import { parseCmglText, parseCmgrText, parseCmtText } from '../../src/sms/text-format.js';
import type { DeliverRecord, SmsRecord } from '../../src/sms/types.js';

/**
 * Text-mode records with AT+CSDH=1 (3GPP TS 27.005 §3.3.3): the headers each vendor prints, and the
 * simulator's rendering of any GSM-7 text, `@` (0x00 under AT+CSCS="GSM") at either end included,
 * read back through the AT channel and our parser: the path of `sms.mode: text` (docs/modem-behaviour.md §8).
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

});

const GSM7 = [
  ...'@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
];
const EXTENSION = [...'{}[]~^|€\\'];
// Lines that read like protocol, as whole lines of a body (issue 17: no text is taken for protocol).
const PROTOCOL = ['OK', 'ERROR', '+CMTI: "SM",1', '+CMS ERROR: 500', 'RING'];
// Extension characters count two bytes where the simulator counts one character (27.005 "in characters"),
// so the channel ends such a body early (src/at/text-body.ts): they are tested on one line.
const gsm7Text = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...GSM7), fc.constantFrom(...PROTOCOL.map((p) => `\n${p}\n`))), { minLength: 1, maxLength: 40 }).map((c) => c.join('').slice(0, 160)),
  fc.array(fc.constantFrom(...GSM7.filter((c) => c !== '\n'), ...EXTENSION), { minLength: 1, maxLength: 150 }).map((c) => c.join('')),
).filter((t) => t.length > 0 && !/^\n|\n$|\n\n/.test(t));

function stored(text: string, encoding: SmsEncoding, profile: FormatContext['profile']): StoredDeliver {
  const scts = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const { pdu, tpduLength } = buildDeliver({ smsc: profile.smsc, from: '000', text, encoding, scts, tzQuarters: 4 });
  return { kind: 'deliver', stat: 0, pdu, tpduLength, from: '000', text, encoding, scts, tzQuarters: 4, smsc: profile.smsc };
}

/** Runs the simulator's lines through the run-time path: an AtChannel frames them, the parsers read them. */
async function viaChannel(lines: readonly string[], read: 'cmgr' | 'cmt'): Promise<DeliverRecord> {
  const transport = new MemoryTransport();
  const channel = new AtChannel(transport);
  const urcs: Urc[] = [];
  channel.urc$.subscribe((u) => urcs.push(u));
  const wire = lines.map((l) => `\r\n${l}\r\n`).join('');
  try {
    if (read === 'cmgr') {
      const answer = channel.send(cmgr(3, 'text'));
      transport.receive(Buffer.from(`${wire}\r\nOK\r\n`, 'latin1'));
      return deliver((await answer)!);
    }
    const answer = channel.send(at('AT'));
    transport.receive(Buffer.from(`${wire}\r\nOK\r\n`, 'latin1'));
    await answer;
    const [urc] = urcs;
    if (urc?.type !== 'CMT' || urcs.length !== 1) throw new Error(`expected one +CMT, got ${JSON.stringify(urcs)}`);
    return parseCmtText(urc.line, urc.data ?? '', { charset: 'GSM' });
  } finally {
    channel.close();
  }
}

describe('any GSM-7 text round-trips through the simulator\'s text mode and our channel and parser (AT+CSCS="GSM", AT+CSDH=1)', () => {
  // Line ends, `OK`, `> `-free URC-like text and `@` (0x00) at either end, on every vendor's format and padding.
  it.each(PROFILE_NAMES)('%s: +CMGR, +CMGL and +CMT', async (name) => {
    const ctx: FormatContext = { charset: 'GSM', details: true, profile: getProfile(name) };
    await fc.assert(
      fc.asyncProperty(gsm7Text, async (text) => {
        const sms = stored(text, 'gsm7', ctx.profile);
        expect((await viaChannel(cmgrText(sms, ctx), 'cmgr')).text).toBe(text);
        expect((await viaChannel(cmt(sms, ctx, false), 'cmt')).text).toBe(text);
        // A listing has no <dcs>: the bridge reads each listed message again with +CMGR (inbox.ts);
        // its GSM-7 text still reads back from the listing when on one line.
        if (!text.includes('\n')) expect(parseCmglText(cmglText(3, sms, ctx), { charset: 'GSM' }).map((r) => deliver(r).text)).toEqual([text]);
      }),
      { numRuns: 150 },
    );
  });

  it.each(PROFILE_NAMES)('%s: UCS2 text in +CMGR and +CMT, by its <dcs>', async (name) => {
    const ctx: FormatContext = { charset: 'GSM', details: true, profile: getProfile(name) };
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 70 }), async (text) => {
        const sms = stored(text, 'ucs2', ctx.profile);
        expect((await viaChannel(cmgrText(sms, ctx), 'cmgr')).text).toBe(text);
        expect((await viaChannel(cmt(sms, ctx, false), 'cmt')).text).toBe(text);
      }),
      { numRuns: 60 },
    );
  });
});
