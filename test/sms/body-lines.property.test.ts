import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtChannel } from '../../src/at/at-channel.js';
import { at } from '../../src/at/command.js';
import type { Urc } from '../../src/at/urc.js';
import { modemUrcs } from '../../src/modem/profiles.js';
import { parseCmtPduHeader } from '../../src/sms/pdu-mode-header.js';
import { decodePdu, encodeSubmit } from '../../src/sms/pdu.js';
import { cmgr, cmgsText } from '../../src/sms/sms-commands.js';
import { parseCmtText } from '../../src/sms/text-format.js';
import { MemoryTransport } from '../../src/transport/memory-transport.js';

/**
 * Issue 17, item 3: a body line is never read as a prompt, a final result or a URC. Bodies are made
 * of what the AT layer would otherwise act on: the prompt `> `, final results, a URC, and text
 * (docs/modem-behaviour.md §1; the SMS command `> ping 1` once ran as `ping 1`).
 */
const token = fc.constantFrom('> ', '>', 'OK', 'ERROR', '+CMTI: "SM",3', '+CMS ERROR: 500', '+CME ERROR: 14', 'ping 1', 'RING', '+CREG: 1');
/** One line of body: tokens joined by nothing or a space, never empty, no line end (a text-mode body line). */
const bodyLine = fc
  .array(fc.tuple(token, fc.constantFrom('', ' ')), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.map(([t, sep]) => t + sep).join(''))
  .filter((line) => line.trim() !== '');
/** Bytes split at arbitrary points, as a serial port delivers them. */
const cuts = fc.array(fc.nat(), { maxLength: 6 });

function feed(transport: MemoryTransport, bytes: string, at: number[]): void {
  const points = [...new Set(at.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    if (to > from) transport.receive(bytes.slice(from, to));
    from = to;
  }
}

function setup() {
  const transport = new MemoryTransport();
  const channel = new AtChannel(transport, { urcs: modemUrcs() });
  const urcs: Urc[] = [];
  channel.urc$.subscribe((u) => urcs.push(u));
  return { transport, channel, urcs };
}

describe('a body line is never taken for protocol', () => {
  it('text mode, +CMGR: the one body line is the message, whatever it reads like', async () => {
    await fc.assert(
      fc.asyncProperty(bodyLine, cuts, async (body, split) => {
        const { transport, channel, urcs } = setup();
        const read = channel.send(cmgr(3, 'text'));
        feed(transport, `\r\n+CMGR: "REC READ","000",,"24/10/24,20:12:17+00"\r\n${body}\r\n\r\nOK\r\n`, split);
        const record = await read;
        expect(record?.kind === 'deliver' ? record.text : undefined).toBe(body);
        expect(urcs).toEqual([]);
        expect(transport.writtenText).toBe('AT+CMGR=3\r');
      }),
      { numRuns: 150 },
    );
  });

  it('text mode with AT+CSDH=1, +CMGR: a body of several such lines comes back whole, framed by its <length>', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(bodyLine, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\r\n'), cuts, async (lines, end, split) => {
        const { transport, channel, urcs } = setup();
        const body = lines.join(end);
        const read = channel.send(cmgr(3, 'text'));
        feed(transport, `\r\n+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,0,"+447700900000",145,${body.length}\r\n${body}\r\n\r\nOK\r\n`, split);
        const record = await read;
        expect(record?.kind === 'deliver' ? record.text : undefined).toBe(lines.join('\n'));
        expect(urcs).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('text mode, +CMT: the body is the message even while a send waits for its prompt; with AT+CSDH=1 over several lines, and the URC after it is a URC', async () => {
    // Without AT+CSDH=1 a body is one line; with it, as many as its <length> spans.
    const message = fc.oneof(
      bodyLine.map((line) => ({ header: '+CMT: "000",,"24/10/24,20:12:17+00"', body: line })),
      fc.array(bodyLine, { minLength: 1, maxLength: 5 }).map((lines) => {
        const body = lines.join('\n');
        return { header: `+CMT: "000",,"24/10/24,20:12:17+00",129,4,0,0,"+447700900000",145,${body.length}`, body };
      }),
    );
    await fc.assert(
      fc.asyncProperty(message, cuts, async ({ header, body }, split) => {
        const { transport, channel, urcs } = setup();
        const send = channel.send(cmgsText('000', 'pong'));
        feed(transport, `\r\n${header}\r\n${body}\r\n\r\n+CMTI: "SM",9\r\n`, split);
        // Only the modem's own prompt, after the URCs, lets the reply's body out.
        expect(transport.writtenText).toBe('AT+CMGS="000"\r');
        feed(transport, '\r\n> ', split);
        feed(transport, '\r\n+CMGS: 7\r\n\r\nOK\r\n', split);
        expect(await send).toBe(7);
        expect(transport.writtenText).toBe('AT+CMGS="000"\rpong\x1a');
        const [cmt, cmti, ...rest] = urcs;
        expect(cmt?.type === 'CMT' ? parseCmtText(cmt.line, cmt.data ?? '', { charset: 'GSM' }).text : undefined).toBe(body);
        expect(cmti).toMatchObject({ type: 'CMTI', index: 9 });
        expect(rest).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('PDU mode, +CMGR: a body of any of these lines, several lines too, comes back whole from the PDU', async () => {
    const body = fc.array(bodyLine, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n'));
    await fc.assert(
      fc.asyncProperty(body, cuts, fc.boolean(), async (text, split, sameLine) => {
        const { transport, channel, urcs } = setup();
        const { pdu, tpduLength } = encodeSubmit({ to: '000', text });
        const read = channel.send(cmgr(2, 'pdu'));
        // Both layouts: the PDU on its own line, or after the <length> on the header line (ModemManager).
        const answer = sameLine ? `\r\n+CMGR: 2,,${tpduLength} ${pdu}\r\n\r\nOK\r\n` : `\r\n+CMGR: 2,,${tpduLength}\r\n${pdu}\r\n\r\nOK\r\n`;
        feed(transport, answer, split);
        const record = await read;
        expect(record?.kind === 'submit' ? record.text : undefined).toBe(text);
        expect(urcs).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('PDU mode, +CMT: the URC takes the PDU line and nothing else, even while a send waits for its prompt', async () => {
    await fc.assert(
      fc.asyncProperty(bodyLine, cuts, async (text, split) => {
        const { transport, channel, urcs } = setup();
        const send = channel.send(at('AT+CMGS=9', { body: '0011', parse: () => 'sent' }));
        const { pdu, tpduLength } = encodeSubmit({ to: '000', text });
        feed(transport, `\r\n+CMT: ,${tpduLength}\r\n${pdu}\r\n`, split);
        feed(transport, '\r\n> ', split);
        feed(transport, '\r\n+CMGS: 1\r\n\r\nOK\r\n', split);
        expect(await send).toBe('sent');
        const [urc] = urcs;
        if (urc?.type !== 'CMT') throw new Error('no +CMT');
        const record = decodePdu(urc.data ?? '', { tpduLength: parseCmtPduHeader(urc.line).length });
        expect(record.kind === 'submit' ? record.text : undefined).toBe(text);
        expect(urcs).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  });

  it('a final result after a PDU header whose PDU never came settles the read instead of being taken for the PDU', async () => {
    const { transport, channel } = setup();
    const read = channel.send(cmgr(1, 'pdu'));
    transport.receive('\r\n+CMGR: 1,,147\r\n\r\nOK\r\n');
    await expect(read).rejects.toMatchObject({ code: 'PARSE_ERROR', message: expect.stringMatching(/has no PDU line/) });
  });
});
