import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, splitParams } from '../../src/sim/command-line.js';
import { fromSeptets, packSeptets, toSeptets, unpackSeptets } from '../../src/sim/gsm7.js';
import { buildDeliver, buildSubmit, encodeAddress, parseSubmit } from '../../src/sim/sim-pdu.js';
import { formatScts } from '../../src/sim/sms-format.js';

describe('simulator command-line parser', () => {
  it.each([
    ['AT', []],
    ['ATE0', [['E', 'exec', '0']]],
    ['ate1v1', [['E', 'exec', '1'], ['V', 'exec', '1']]],
    ['AT&F', [['&F', 'exec', '']]],
    ['ATS0=0', [['S0', 'set', '0']]],
    ['ATS3?', [['S3', 'read', '']]],
    ['ATI9', [['I', 'exec', '9']]],
    ['AT+CMGF=1', [['+CMGF', 'set', '1']]],
    ['AT+CMGF?', [['+CMGF', 'read', '']]],
    ['AT+CNMI=?', [['+CNMI', 'test', '']]],
    ['AT+CMGS="a;b"', [['+CMGS', 'set', '"a;b"']]],
    ['AT + cpms = "SM" , "ME"', [['+CPMS', 'set', '"SM","ME"']]],
    ['AT+CMGF=1;+CSDH=1', [['+CMGF', 'set', '1'], ['+CSDH', 'set', '1']]],
    ['AT^CURC=0', [['^CURC', 'set', '0']]],
    ['AT#CCID', [['#CCID', 'exec', '']]],
  ])('splits %j into commands', (line, expected) => {
    expect(parseCommandLine(line)!.map((c) => [c.name, c.op, c.args])).toEqual(expected);
  });

  it('finds no command in a line without the AT prefix', () => {
    expect(parseCommandLine('\x1b')).toBeUndefined();
    expect(parseCommandLine('hello')).toBeUndefined();
  });

  it('splits parameters, keeping quoted commas and absent values', () => {
    expect(splitParams('"a,b",,3')).toEqual([{ quoted: true, value: 'a,b' }, undefined, { quoted: false, value: '3' }]);
    expect(splitParams('')).toEqual([]);
  });
});

describe('simulator GSM-7 and PDU codec', () => {
  it('round-trips any GSM-7 text through septets and packing', () => {
    const alphabet = [...'@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà^{}\\[~]|€'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 160 }), fc.integer({ min: 0, max: 6 }), (chars, fill) => {
        const text = chars.join('');
        const septets = toSeptets(text);
        expect(fromSeptets(unpackSeptets(packSeptets(septets, fill), septets.length, fill))).toBe(text);
      }),
    );
  });

  it('builds the SMS-DELIVER of transcript 03 byte for byte', () => {
    const { pdu, tpduLength } = buildDeliver({
      smsc: '+447700900000',
      from: '000',
      text: 'ping',
      encoding: 'gsm7',
      scts: new Date(Date.UTC(2024, 9, 24, 20, 12, 17)),
      tzQuarters: 0,
    });
    expect(pdu.toString('hex').toUpperCase()).toBe('079144770009000004038100F000004201420221710004F0B4FB0C');
    expect(tpduLength).toBe(19);
  });

  it('encodes the address 000 as three unknown-type digits, not an international 0', () => {
    expect(encodeAddress('000').toString('hex').toUpperCase()).toBe('038100F0');
    expect(encodeAddress('+15551230000').toString('hex').toUpperCase()).toBe('0B915155210300F0');
    expect(encodeAddress('Play').toString('hex').toUpperCase()).toBe('07D05076380F');
  });

  it('parses the SMS-SUBMIT of transcript 09 and a UCS2 one it built itself', () => {
    expect(parseSubmit(Buffer.from('1100038100F00000AA04F0B7FB0C', 'hex'))).toEqual({
      ok: true,
      submit: { fo: 0x11, mr: 0, to: '000', toa: 0x81, pid: 0, dcs: 0, encoding: 'gsm7', text: 'pong', statusReportRequested: false },
    });
    const { pdu } = buildSubmit({ to: '+15551230000', text: 'żółw', encoding: 'ucs2', fo: 0x31, vp: 167, mr: 7 });
    expect(parseSubmit(pdu.subarray(1))).toMatchObject({ ok: true, submit: { to: '+15551230000', text: 'żółw', statusReportRequested: true, mr: 7 } });
    expect(parseSubmit(Buffer.from('04038100F0', 'hex'))).toEqual({ ok: false, reason: 'not an SMS-SUBMIT' });
    expect(parseSubmit(Buffer.from('1100038100', 'hex'))).toMatchObject({ ok: false });
  });

  it('reads the concatenation header of a multi-part SUBMIT', () => {
    // UDH 05 00 03 2A 02 01, then "hi" after one fill bit.
    const parsed = parseSubmit(Buffer.from('5100038100F00000AA0A050003' + '2A0201' + 'D0D405', 'hex'));
    expect(parsed).toMatchObject({ ok: true, submit: { part: { ref: 0x2a, total: 2, seq: 1 } } });
  });

  it('formats service-centre timestamps in signed quarter hours', () => {
    const instant = new Date(Date.UTC(2024, 9, 24, 20, 12, 17));
    expect(formatScts(instant, 0)).toBe('24/10/24,20:12:17+00');
    expect(formatScts(instant, 52)).toBe('24/10/25,09:12:17+52');
    expect(formatScts(instant, -32)).toBe('24/10/24,12:12:17-32');
  });
});
