// The SMS lines of the shared transcripts, fed through the pure parsers: what the inbox and outbox
// will get from each modem once the AT layer has framed the lines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePdu } from '../../src/sms/pdu.js';
import { parseCmgrPduHeader } from '../../src/sms/pdu-mode-header.js';
import { parseCdsText, parseCmglText, parseCmgrText, parseCmtText } from '../../src/sms/text-format.js';
import { parseTranscript } from '../../src/transcript/transcript.js';

/** The lines the modem sent after the first host entry starting with `command`, without blanks and the final OK. */
function answerLines(file: string, command: string, occurrence = 0): string[] {
  const { entries } = parseTranscript(readFileSync(new URL(`../../fixtures/transcripts/${file}`, import.meta.url), 'utf8'));
  const starts = entries.flatMap((e, i) => (e.kind === 'host' && e.bytes.toString('latin1').startsWith(command) ? [i] : []));
  const start = starts[occurrence];
  if (start === undefined) throw new Error(`${file} has no ${command}`);
  const bytes: string[] = [];
  for (const entry of entries.slice(start + 1)) {
    if (entry.kind === 'host') break;
    if (entry.kind === 'modem') bytes.push(entry.bytes.toString('latin1'));
  }
  const lines = bytes.join('').split('\r\n').filter((l) => l !== '');
  return lines.at(-1) === 'OK' ? lines.slice(0, -1) : lines;
}

describe('shared transcripts through the parsers', () => {
  it('01: text-mode +CMGR from 000', () => {
    const [header = '', ...body] = answerLines('01-quectel-ec25-text-cmti-000.at', 'AT+CMGR=3');
    expect(parseCmgrText(header, body, { charset: 'GSM' })).toMatchObject({ kind: 'deliver', sender: '000', text: 'ping', timestamp: new Date('2024-10-24T20:12:17Z') });
  });

  it.each([
    ['03-quectel-ec25-pdu-receive-000.at', 'AT+CMGR=0'],
    ['19-telit-pdu-quoted-alpha-and-cmt.at', 'AT+CMGR=1'],
  ])('%s: PDU-mode +CMGR from 000', (file, command) => {
    const [header = '', pdu = ''] = answerLines(file, command);
    const { length, stat } = parseCmgrPduHeader(header);
    expect(stat).toBe('REC UNREAD');
    expect(decodePdu(pdu, { tpduLength: length })).toMatchObject({ kind: 'deliver', sender: '000', text: 'ping', timestamp: new Date('2024-10-24T20:12:17Z') });
  });

  it('13: +52 quarter hours and "" alpha', () => {
    const [header = '', ...body] = answerLines('13-simcom-sim7600-reboot-then-receive.at', 'AT+CMGR=0');
    expect(parseCmgrText(header, body).timestamp).toEqual(new Date('2024-10-24T18:12:17Z'));
  });

  it('14: the same UCS2 message under CSCS "GSM" and "UCS2"', () => {
    const [gsmHeader = '', ...gsmBody] = answerLines('14-text-mode-ucs2-hex.at', 'AT+CMGR=4', 0);
    const [ucs2Header = '', ...ucs2Body] = answerLines('14-text-mode-ucs2-hex.at', 'AT+CMGR=4', 1);
    const first = parseCmgrText(gsmHeader, gsmBody, { charset: 'GSM' });
    const second = parseCmgrText(ucs2Header, ucs2Body, { charset: 'UCS2' });
    expect(first).toMatchObject({ status: 'REC UNREAD', sender: '000', text: 'ping ✓', smsc: '+447700900000' });
    expect(second).toMatchObject({ status: 'REC READ', sender: '000', text: 'ping ✓', smsc: '+447700900000' });
  });

  it('15: the startup sweep lists three messages', () => {
    const records = parseCmglText(answerLines('15-simcom-sim800-startup-cmgl-sweep.at', 'AT+CMGL'));
    expect(records.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(records.map((r) => (r.kind === 'deliver' ? r.text : ''))).toEqual(['status', 'reboot', 'Nie masz srodkow na koncie']);
  });

  it('16: a text status report read from "SR"', () => {
    const [header = '', ...body] = answerLines('16-telit-delivery-report-cdsi.at', 'AT+CMGR=0');
    expect(parseCmgrText(header, body)).toMatchObject({ kind: 'status-report', messageReference: 42, delivered: true });
  });

  it('17: +CDS delivered inline', () => {
    // The report follows the second send's body (a host entry of its own, after the prompt).
    const [cds = ''] = answerLines('17-quectel-ec25-cdsi-sm-quirk.at', 'test\x1a', 1).filter((l) => l.startsWith('+CDS:'));
    expect(parseCdsText(cds)).toMatchObject({ kind: 'status-report', messageReference: 79, recipient: '+15551230000', delivered: true });
  });

  it('19: +CMT direct delivery', () => {
    // AT+CNMI's own OK comes first; the +CMT URC arrives after it, with no OK of its own.
    const lines = answerLines('19-telit-pdu-quoted-alpha-and-cmt.at', 'AT+CNMI');
    const [header = '', body = ''] = lines.slice(lines.findIndex((l) => l.startsWith('+CMT:')));
    expect(parseCmtText(header, body)).toMatchObject({ sender: '000', text: 'ping' });
  });
});
