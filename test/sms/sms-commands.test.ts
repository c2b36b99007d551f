import { describe, expect, it } from 'vitest';
import { AtChannel } from '../../src/at/at-channel.js';
import type { Urc } from '../../src/at/urc.js';
import { modemUrcs } from '../../src/modem/profiles.js';
import { cmgd, cmgdMany, cmgr, deletesThen, selectThen } from '../../src/sms/sms-commands.js';
import { MemoryTransport } from '../../src/transport/memory-transport.js';

/** A channel whose modem answers the next line with `answer`; what it wrote, and the URCs it saw. */
function modem(answer: string) {
  const transport = new MemoryTransport();
  const channel = new AtChannel(transport, { urcs: modemUrcs() });
  const urcs: Urc[] = [];
  channel.urc$.subscribe((u) => urcs.push(u));
  transport.writes$.subscribe(() => setImmediate(() => transport.receive(answer)));
  return { channel, urcs, written: () => transport.writtenText };
}

const CPMS = '\r\n+CPMS: 1,20,0,50,0,50\r\n';
const PDU = '079144770009000004038100F000004201420221710004F0B4FB0C'; // transcript 03's "ping" from 000

describe('selectThen: a command with its own AT+CPMS on its line (V.250 §5.4.1)', () => {
  it.each([
    ['one delete', 'AT+CPMS="SR";+CMGD=0', () => selectThen('SR', cmgd(0))],
    ['several deletes', 'AT+CPMS="SR";+CMGD=3;+CMGD=4', () => selectThen('SR', cmgdMany([3, 4]))],
    ['deletes in front of a read', 'AT+CPMS="SR";+CMGD=3;+CMGR=5', () => selectThen('SR', deletesThen([3], cmgr(5, 'pdu')))],
  ])('%s: %s', (_what, text, command) => {
    expect(command().text).toBe(text);
  });

  it('takes the +CPMS answer as the line\'s own, not as a URC, and hands the delete an answer without it', async () => {
    const m = modem(`${CPMS}\r\nOK\r\n`);
    expect(await m.channel.send(selectThen('SR', cmgd(0)))).toEqual({ lines: [], final: 'OK' });
    expect(m.written()).toBe('AT+CPMS="SR";+CMGD=0\r');
    expect(m.urcs).toEqual([]);
  });

  it.each([
    ['PDU', 'pdu' as const, `${CPMS}\r\n+CMGR: 0,,19\r\n${PDU}\r\n\r\nOK\r\n`],
    ['text', 'text' as const, `${CPMS}\r\n+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"\r\nping\r\n\r\nOK\r\n`],
  ])('parses a read behind the select and the deletes in %s mode, its body rule untouched by the +CPMS line', async (_what, mode, answer) => {
    const m = modem(answer);
    const record = await m.channel.send(selectThen('SR', deletesThen([3], cmgr(5, mode))));
    expect(record).toMatchObject({ kind: 'deliver', sender: '000', text: 'ping', index: 5 });
    expect(m.urcs).toEqual([]);
  });

  it('fails the whole line when the select is refused: nothing after it ran (V.250 §5.4.2)', async () => {
    const m = modem('\r\n+CMS ERROR: 302\r\n');
    await expect(m.channel.send(selectThen('XX', cmgd(0)))).rejects.toMatchObject({ code: 'CMS_ERROR', number: 302 });
  });
});
