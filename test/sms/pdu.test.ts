import fc from 'fast-check';
import { parse as nodePduParse, Deliver, Report, Submit } from 'node-pdu';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../src/errors.js';
import { decodePdu, encodeRelativeValidity, encodeSubmit, relativeValidityMinutes } from '../../src/sms/pdu.js';
import type { DeliverRecord, StatusReportRecord, SubmitRecord } from '../../src/sms/types.js';

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof BridgeError ? error.code : `not a BridgeError: ${String(error)}`;
  }
  return undefined;
}

const asDeliver = (hex: string): DeliverRecord => {
  const record = decodePdu(hex);
  if (record.kind !== 'deliver') throw new Error(`expected a deliver, got ${record.kind}`);
  return record;
};
const asSubmit = (hex: string): SubmitRecord => {
  const record = decodePdu(hex);
  if (record.kind !== 'submit') throw new Error(`expected a submit, got ${record.kind}`);
  return record;
};
const asReport = (hex: string): StatusReportRecord => {
  const record = decodePdu(hex);
  if (record.kind !== 'status-report') throw new Error(`expected a status report, got ${record.kind}`);
  return record;
};

describe('encodeSubmit', () => {
  it('reproduces the SUBMIT of transcript 09: "pong" to 000 with VP 0xAA (4 days), length 14', () => {
    expect(encodeSubmit({ to: '000', text: 'pong', validityMinutes: 4 * 24 * 60 })).toEqual({
      pdu: '001100038100F00000AA04F0B7FB0C',
      tpduLength: 14,
      encoding: 'gsm7',
      userDataLength: 4,
    });
  });

  it('reproduces python-gsmmodem\'s "Hello World!" SUBMIT without a validity period', () => {
    expect(encodeSubmit({ to: '+27820001111', text: 'Hello World!' }).pdu).toBe('0001000B917228001011F100000CC8329BFD065DDF72363904');
  });

  it('reproduces python-gsmmodem\'s UCS2 SUBMIT with a 52-week validity (TPDU part)', () => {
    const encoded = encodeSubmit({ to: '+123456789', text: '世界您好！', encoding: 'ucs2', validityMinutes: 52 * 7 * 24 * 60 });
    expect(encoded.pdu).toBe('00' + '1100099121436587F90008F40A4E16754C60A8597DFF01');
    expect(encoded.tpduLength).toBe(23);
  });

  it('gives 000 type of address 0x81, not the international number 0 (node-pdu 2.1.1 bug)', () => {
    const { pdu } = encodeSubmit({ to: '000', text: 'x' });
    expect(pdu.slice(6, 14)).toBe('038100F0');
    expect(new Submit('000', 'x').toString()).toContain('0191F0'); // node-pdu: 1 digit, 0x91, "0"
  });

  it('gives + numbers type of address 0x91 and odd digit counts an F filler', () => {
    expect(encodeSubmit({ to: '+447700900123', text: 'x' }).pdu.slice(6, 22)).toBe('0C91447700091032');
    expect(encodeSubmit({ to: '12345', text: 'x' }).pdu.slice(6, 16)).toBe('05812143F5');
  });

  it('keeps é and € in GSM-7, € as ESC + 0x65 counted as 2 septets (node-pdu forces UCS2)', () => {
    const encoded = encodeSubmit({ to: '000', text: 'é€' });
    // DCS 00, UDL 3 septets: 0x05, 0x1B, 0x65 packed.
    expect(encoded.pdu.slice(-10)).toBe('0003854D19');
    expect(asSubmit(encoded.pdu)).toMatchObject({ text: 'é€', encoding: 'gsm7', dcs: 0 });
    expect(new Submit('000', 'é€').dataCodingScheme.getValue()).toBe(8);
  });

  it('counts extension characters as 2 septets at the 160 edge (node-pdu does not)', () => {
    expect(encodeSubmit({ to: '000', text: `${'a'.repeat(158)}€` }).userDataLength).toBe(160);
    expect(errorCode(() => encodeSubmit({ to: '000', text: `${'a'.repeat(159)}€` }))).toBe('SMS_TOO_LONG');
  });

  it('never splits: 161 septets are refused, not sent in two parts (node-pdu splits at 133)', () => {
    expect(encodeSubmit({ to: '000', text: 'a'.repeat(160) }).tpduLength).toBe(9 + 140);
    expect(errorCode(() => encodeSubmit({ to: '000', text: 'a'.repeat(161) }))).toBe('SMS_TOO_LONG');
  });

  it('refuses unencodable characters instead of turning them into spaces', () => {
    expect(errorCode(() => encodeSubmit({ to: '000', text: 'hi 😀' }))).toBe('SMS_UNENCODABLE');
    expect(errorCode(() => encodeSubmit({ to: '000', text: 'naïve' }))).toBe('SMS_UNENCODABLE');
    expect(errorCode(() => encodeSubmit({ to: '000', text: 'a\x1ab' }))).toBe('SMS_CONTROL_CHAR');
  });

  it('sends UCS2 only when asked, up to 70 units', () => {
    const encoded = encodeSubmit({ to: '000', text: 'ping ✓', encoding: 'ucs2' });
    expect(encoded.pdu).toBe('000100038100F000080C00700069006E006700202713');
    expect(errorCode(() => encodeSubmit({ to: '000', text: '中'.repeat(71), encoding: 'ucs2' }))).toBe('SMS_TOO_LONG');
  });

  it('sets TP-SRR when a status report is wanted', () => {
    expect(encodeSubmit({ to: '000', text: 'x', statusReport: true }).pdu.slice(0, 4)).toBe('0021');
    expect(encodeSubmit({ to: '000', text: 'x', statusReport: true, validityMinutes: 60 }).pdu.slice(0, 4)).toBe('0031');
  });

  it.each(['', 'abc', '+', '12-34', '+44 7700', '1'.repeat(21)])('refuses the destination %j with PDU_INVALID', (to) => {
    expect(errorCode(() => encodeSubmit({ to, text: 'x' }))).toBe('PDU_INVALID');
  });
});

describe('relative validity period (23.040 §9.2.3.12.1)', () => {
  it.each([
    [1, 0],
    [5, 0],
    [30, 5],
    [12 * 60, 143],
    [16 * 60, 151],
    [24 * 60, 167],
    [3 * 24 * 60, 169],
    [4 * 24 * 60, 170],
    [30 * 24 * 60, 196],
    [5 * 7 * 24 * 60, 197],
    [63 * 7 * 24 * 60, 255],
  ])('%i minutes → %i', (minutes, vp) => {
    expect(encodeRelativeValidity(minutes)).toBe(vp);
  });

  it('never rounds down', () => {
    expect(relativeValidityMinutes(encodeRelativeValidity(721))).toBe(750);
  });

  it.each([0, -5, Number.NaN, 63 * 7 * 24 * 60 + 1])('refuses %d minutes', (minutes) => {
    expect(() => encodeRelativeValidity(minutes)).toThrow(RangeError);
  });
});

describe('decodePdu: SMS-DELIVER', () => {
  it('decodes transcript 03: "ping" from 000 at 2024-10-24T20:12:17Z', () => {
    const record = asDeliver('079144770009000004038100F000004201420221710004F0B4FB0C');
    expect(record).toMatchObject({ sender: '000', senderType: 0x81, text: 'ping', encoding: 'gsm7', dcs: 0, smsc: '+447700900000', timezoneKnown: true });
    expect(record.timestamp.toISOString()).toBe('2024-10-24T20:12:17.000Z');
    expect(record.raw.pdu).toBe('079144770009000004038100F000004201420221710004F0B4FB0C');
  });

  it('decodes a PDU whose +CMGR <length> disagrees, keeping that length in raw; the PDU’s own lengths still decide', () => {
    expect(decodePdu('079144770009000004038100F000004201420221710004F0B4FB0C', { tpduLength: 19 }).raw).toEqual({ pdu: '079144770009000004038100F000004201420221710004F0B4FB0C' });
    const counted = decodePdu('079144770009000004038100F000004201420221710004F0B4FB0C', { tpduLength: 27 });
    expect(counted).toMatchObject({ kind: 'deliver', text: 'ping', raw: { headerLength: 27 } });
    // One octet short or one too many is still refused: TP-UDL must end the PDU exactly.
    expect(errorCode(() => decodePdu('079144770009000004038100F000004201420221710004F0B4FB', { tpduLength: 19 }))).toBe('PDU_INVALID');
    expect(errorCode(() => decodePdu('079144770009000004038100F000004201420221710004F0B4FB0C00', { tpduLength: 19 }))).toBe('PDU_INVALID');
  });

  it('decodes the classic "hellohello" vector (national number, +2 h zone)', () => {
    const record = asDeliver('07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37');
    expect(record).toMatchObject({ sender: '27838890001', senderType: 0xc8, text: 'hellohello', smsc: '+27381000015' });
    expect(record.timestamp.toISOString()).toBe('1999-03-29T13:16:59.000Z');
  });

  it.each([
    ['06917228195339040B917228214365F700003130805120618005D4F29C2E03', '+27821234567', 'Test2', '2013-03-08T13:02:16.000Z'],
    [
      '07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E',
      '+85291234567',
      'It is easy to read text messages via AT commands.',
      '2007-04-12T15:25:42.000Z',
    ],
    ['06917228195339040B917228214365F70000313062315352800A800D8A5E98D337A910', '+27821234567', '@{tést}!', '2013-03-26T11:35:25.000Z'],
  ])('decodes python-gsmmodem vector %#', (hex, sender, text, iso) => {
    const record = asDeliver(hex);
    expect(record).toMatchObject({ sender, text });
    expect(record.timestamp.toISOString()).toBe(iso);
  });

  it('decodes a concatenation header and the text after its fill bits', () => {
    const record = asDeliver(
      '0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20',
    );
    expect(record).toMatchObject({
      sender: '2781188',
      smsc: '+2781191',
      udh: { reference: 0xc3, total: 1, sequence: 1 },
      text: 'Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. ',
    });
  });

  it('decodes a 16-bit-reference concatenation header in UCS2', () => {
    // UDH 06 08 04 1234 02 01, then "hi" in UCS2; UDL = 7 + 4 octets.
    const record = asDeliver('00440381000F000842014202217100' + '0B' + '060804123402010068' + '0069');
    expect(record).toMatchObject({ text: 'hi', encoding: 'ucs2', udh: { reference: 0x1234, total: 2, sequence: 1 } });
  });

  it('ignores a concatenation element whose sequence number is 0 (23.040 §9.2.3.24.1)', () => {
    expect(asDeliver('00440381000F000842014202217100' + '0B' + '060804123402000068' + '0069').udh).toBeUndefined();
  });

  it('decodes an alphanumeric sender', () => {
    expect(asDeliver('00040ED04669D0397C26A7000042014202217100' + '04F0B4FB0C')).toMatchObject({ sender: 'FRANCOIS', senderType: 0xd0, text: 'ping' });
  });

  it('keeps 8-bit data as bytes', () => {
    const record = asDeliver('00040381000F000442014202217100' + '03' + '00FF7F');
    expect(record).toMatchObject({ encoding: '8bit', text: '00FF7F' });
    expect([...(record.data ?? [])]).toEqual([0x00, 0xff, 0x7f]);
  });
});

describe('decodePdu: SMS-SUBMIT', () => {
  it.each([
    ['07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701', { recipient: '+31628870634', messageReference: 13, text: 'www.diafaan.com', smsc: '+31624000000' }],
    ['0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E9ED301', { recipient: '+27820001111', text: 'Timestamp validity test' }],
    ['07914346466554F601000B914316565811F9000806304253F68449', { recipient: '+34616585119', text: 'あ叶葉', encoding: 'ucs2' }],
    ['0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421', { recipient: '+27821234567', text: '48656C6C6F20776F726C6421', encoding: '8bit' }],
  ])('decodes python-gsmmodem vector %#', (hex, expected) => {
    expect(asSubmit(hex)).toMatchObject({ kind: 'submit', ...expected });
  });

  it('decodes the SUBMIT of transcript 09', () => {
    expect(asSubmit('001100038100F00000AA04F0B7FB0C')).toMatchObject({ recipient: '000', recipientType: 0x81, text: 'pong', messageReference: 0 });
  });
});

describe('decodePdu: SMS-STATUS-REPORT', () => {
  it('decodes ModemManager\'s report: TP-Status 0x30, the SMSC is still trying', () => {
    const record = asReport('07914356060013F1065A098136397339F7219011700463802190117004638030');
    expect(record).toMatchObject({ messageReference: 90, recipient: '639337937', recipientType: 0x81, st: 0x30, delivered: false, pending: true, failed: false });
    expect(record.scts.toISOString()).toBe('2012-09-11T05:40:36.000Z');
    expect(record.dischargeTime.toISOString()).toBe('2012-09-11T05:40:36.000Z');
  });

  it('decodes python-gsmmodem\'s delivered report', () => {
    const record = asReport('0006D60B911326880736F4111011719551401110117195714000');
    expect(record).toMatchObject({ messageReference: 214, recipient: '+31628870634', st: 0, delivered: true, failed: false });
    expect(record.scts.toISOString()).toBe('2011-01-11T16:59:15.000Z');
    expect(record.dischargeTime.toISOString()).toBe('2011-01-11T16:59:17.000Z');
  });

  it('decodes a permanent failure', () => {
    expect(asReport('0006D60B911326880736F4111011719551401110117195714041')).toMatchObject({ st: 0x41, failed: true, delivered: false });
  });
});

describe('decodePdu refuses invalid PDUs with PDU_INVALID', () => {
  it.each([
    ['', 'empty'],
    ['zz', 'not hex'],
    ['079144770009000004038100F000004201420221710004F0B4FB0', 'odd length'],
    ['079144770009000004038100F000004201420221710004F0B4FB', 'one octet short'],
    ['079144770009000004038100F000004201420221710004F0B4FB0C00', 'one octet too many'],
    ['0791447700090000', 'only the SMSC'],
    ['0F9144770009000004038100F000004201420221710004F0B4FB0C', 'SMSC length past the end'],
    ['0003038100F0', 'reserved message type'],
    ['00040381000F00004231420221710004F0B4FB0C', 'impossible date (month 13)'],
    ['00040381000F0000420142022171000AF0B4FB0C', 'UDL longer than the data'],
    ['00440381000F00084201420221710004' + '09000000', 'header longer than the user data'],
    ['00440381000F00004201420221710003' + '050003C30101', 'GSM-7 UDL shorter than its header'],
    ['0041010C910661345542F60008A0050003000301306F3044', 'python-gsmmodem\'s UCS2 PDU whose UDL is too long'],
    ['0006D60B911326880736F411101171955140111011719571', 'status report without TP-Status'],
  ])('%s (%s)', (hex) => {
    expect(errorCode(() => decodePdu(hex))).toBe('PDU_INVALID');
  });

  it('names the PDU in the message', () => {
    try {
      decodePdu('0003038100F0');
    } catch (error) {
      expect((error as Error).message).toContain('"0003038100F0"');
    }
  });
});

describe('round trips', () => {
  const gsmText = fc.array(fc.constantFrom(...'@£$éüabcXYZ019 .,!?\n{}[]~^|\\€ΔΩ'), { maxLength: 80 }).map((c) => c.join(''));
  const number = fc.tuple(fc.boolean(), fc.stringMatching(/^\d{1,15}$/)).map(([plus, digits]) => (plus ? `+${digits}` : digits));

  it('encodeSubmit → decodePdu gives back recipient and GSM-7 text', () => {
    fc.assert(
      fc.property(number, gsmText, fc.option(fc.integer({ min: 1, max: 600_000 }), { nil: undefined }), fc.boolean(), (to, text, validityMinutes, statusReport) => {
        const encoded = encodeSubmit({ to, text, statusReport, ...(validityMinutes === undefined ? {} : { validityMinutes }) });
        const record = decodePdu(encoded.pdu, { tpduLength: encoded.tpduLength });
        expect(record).toMatchObject({ kind: 'submit', recipient: to, text, encoding: 'gsm7' });
      }),
    );
  });

  it('encodeSubmit → decodePdu gives back UCS2 text, surrogate pairs included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (raw) => {
        const text = raw.replace(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, '');
        if (text.length > 70) return;
        const encoded = encodeSubmit({ to: '000', text, encoding: 'ucs2' });
        expect(decodePdu(encoded.pdu)).toMatchObject({ kind: 'submit', text, encoding: 'ucs2' });
      }),
    );
  });

  it('node-pdu, as an independent decoder, reads our plain-ASCII SUBMITs the same way', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9 .,!?]{0,160}$/), (text) => {
        const parsed = nodePduParse(encodeSubmit({ to: '000', text, validityMinutes: 5760 }).pdu);
        expect(parsed).toBeInstanceOf(Submit);
        expect((parsed as Submit).address.phone).toBe('000');
        expect((parsed as Submit).data.getText()).toBe(text);
      }),
    );
  });

  it('agrees with node-pdu on the fields it decodes right', () => {
    const deliver = nodePduParse('079144770009000004038100F000004201420221710004F0B4FB0C') as Deliver;
    expect(deliver).toBeInstanceOf(Deliver);
    expect(asDeliver('079144770009000004038100F000004201420221710004F0B4FB0C').timestamp.getTime() / 1000).toBe(deliver.serviceCenterTimeStamp.time);
    const report = nodePduParse('0006D60B911326880736F4111011719551401110117195714000') as Report;
    expect(report).toBeInstanceOf(Report);
    expect(asReport('0006D60B911326880736F4111011719551401110117195714000')).toMatchObject({ messageReference: report.reference, st: report.status });
  });
});
