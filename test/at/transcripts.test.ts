import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayTranscript, type ReplayResult } from '../../src/at/replay.js';
import { recordTraffic } from '../../src/at/recorder.js';
import { TracedTransport } from '../../src/at/traced-transport.js';
import { AtChannel } from '../../src/at/at-channel.js';
import { at } from '../../src/at/command.js';
import { parseTranscript } from '../../src/transcript/transcript.js';
import { modemUrcs } from '../../src/modem/profiles.js';
import { MemoryTransport } from '../../src/transport/memory-transport.js';

const load = (name: string) => parseTranscript(readFileSync(new URL(`../../fixtures/transcripts/${name}`, import.meta.url), 'utf8'));
// As the bridge and `smsbridge replay` run them: with every vendor's unsolicited lines known.
const replay = (name: string) => replayTranscript(load(name), { urcs: modemUrcs() });

/** Each command as `text → final` or `text → CODE`, so tests read like the transcript. */
const outcomes = (r: ReplayResult) => r.commands.map((c) => `${c.command} → ${c.response?.final ?? c.error?.code}`);
const linesOf = (r: ReplayResult, command: string) => r.commands.find((c) => c.command === command)?.response?.lines;

describe('shared transcripts replayed through the AT channel', () => {
  it('01: echo of ATE0 is ignored, +CMTI between commands is a URC, +CMGR gives header and body', async () => {
    const r = await replay('01-quectel-ec25-text-cmti-000.at');
    expect(r.mismatches).toEqual([]);
    expect(outcomes(r).every((o) => o.endsWith('OK'))).toBe(true);
    expect(r.urcs).toEqual([{ type: 'CMTI', storage: 'SM', index: 3, line: '+CMTI: "SM",3' }]);
    expect(linesOf(r, 'AT+CMGR=3')).toEqual(['+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', 'ping']);
    expect(linesOf(r, 'AT+CPMS="SM","SM","SM"')).toEqual(['+CPMS: 2,50,2,50,2,50']);
  });

  it('02: the boot burst is typed as boot URCs, commands without answers time out, an empty slot reads as bare OK', async () => {
    const r = await replay('02-quectel-eg25-boot-urc-burst.at');
    expect(r.urcs.map((u) => u.type === 'BOOT' ? `BOOT:${u.stage}` : u.type)).toEqual([
      'BOOT:ready', 'CFUN', 'CPIN', 'VENDOR', 'BOOT:sms-ready', 'BOOT:phonebook-ready',
    ]);
    expect(outcomes(r)).toEqual(['AT → AT_TIMEOUT', 'AT → AT_TIMEOUT', 'AT → OK', 'ATE0 → OK', 'AT+CMGF=1 → OK', 'AT+CMGR=0 → OK', 'AT+CMGD=0,4 → OK']);
    expect(linesOf(r, 'AT+CMGR=0')).toEqual([]);
  });

  it('03: a PDU-mode +CMGR gives the header and the PDU line', async () => {
    const r = await replay('03-quectel-ec25-pdu-receive-000.at');
    expect(r.urcs).toMatchObject([{ type: 'CMTI', storage: 'SM', index: 0 }]);
    expect(linesOf(r, 'AT+CMGR=0')).toEqual(['+CMGR: 0,,19', '079144770009000004038100F000004201420221710004F0B4FB0C']);
  });

  it('04: the send waits for the 4-byte prompt, writes the body with Ctrl-Z and reads the message reference', async () => {
    const r = await replay('04-quectel-send-text-to-000.at');
    expect(r.mismatches).toEqual([]);
    expect(r.frames).toContainEqual({ kind: 'prompt' });
    expect(linesOf(r, 'AT+CMGS="000"')).toEqual(['+CMGS: 13']);
  });

  it('05: with echo on, the echoed command, prompt and body do not disturb the send', async () => {
    const r = await replay('05-simcom-sim7600-send-echo-on.at');
    expect(r.mismatches).toEqual([]);
    expect(outcomes(r)).toEqual(['AT+CMGF=1 → OK', 'AT+CMGS="000" → OK']);
    expect(linesOf(r, 'AT+CMGS="000"')).toEqual(['+CMGS: 5']);
  });

  it('06: +CMS ERROR after the body fails the send with 350, numeric and verbose alike', async () => {
    const r = await replay('06-quectel-ec25-cms-350-and-verbose.at');
    const sends = r.commands.filter((c) => c.command === 'AT+CMGS="000"');
    expect(sends.map((c) => [c.error?.code, c.error?.number])).toEqual([['CMS_ERROR', 350], ['CMS_ERROR', 500]]);
    expect(sends[1]?.error?.lines).toEqual(['+CMS ERROR: unknown error']);
  });

  it('07: a delete with a delflag fails with CMS 500 and the bare index succeeds', async () => {
    const r = await replay('07-cinterion-mc55i-cmgd-delflag-500.at');
    expect(r.commands.map((c) => c.error?.number ?? c.response?.final)).toEqual([500, 'OK']);
  });

  it('08: +CMTI after AT+CPIN? is a URC and AT+CPIN? still resolves READY; Huawei noise is typed', async () => {
    const r = await replay('08-huawei-e303-cmti-inside-command.at');
    expect(linesOf(r, 'AT+CPIN?')).toEqual(['+CPIN: READY']);
    expect(r.urcs.map((u) => (u.type === 'VENDOR' ? u.prefix : u.type))).toEqual(['CMTI', '^RSSI', '^BOOT']);
    expect(linesOf(r, 'AT+CMGR=0')).toEqual(['+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', 'ping']);
  });

  it('09: URCs before the prompt and before +CMGS do not disturb a PDU send', async () => {
    const r = await replay('09-zte-urcs-around-prompt.at');
    expect(r.mismatches).toEqual([]);
    expect(linesOf(r, 'AT+CMGS=14')).toEqual(['+CMGS: 7']);
    expect(r.urcs.filter((u) => u.type === 'VENDOR')).toHaveLength(4);
  });

  it('10: +QIND: PB DONE glued to OK is not lost and AT+CREG? keeps its answer', async () => {
    const r = await replay('10-quectel-eg25-pb-done-glued-to-ok.at');
    expect(linesOf(r, 'AT+CREG?')).toEqual(['+CREG: 0,1']);
    expect(r.urcs.at(-1)).toMatchObject({ type: 'BOOT', stage: 'phonebook-ready', line: '+QIND: PB DONE' });
  });

  it('11: ^SMMEMFULL is a storage-full event and a write into full storage fails with CMS 322', async () => {
    const r = await replay('11-huawei-storage-full.at');
    expect(r.urcs.map((u) => u.type)).toEqual(['SMS_FULL', 'CMTI']);
    expect(r.commands.find((c) => c.command === 'AT+CMGW="000"')?.error?.number).toBe(322);
  });

  it('12: the command in flight during a reset never completes, the boot URCs are typed, and re-init works', async () => {
    const r = await replay('12-simcom-sim800-reset-mid-session.at');
    expect(outcomes(r)[0]).toBe('AT+CMGR=1 → AT_TIMEOUT');
    expect(r.urcs.map((u) => (u.type === 'BOOT' ? u.stage : u.type))).toEqual(['ready', 'CFUN', 'CPIN', 'call-ready', 'sms-ready']);
    expect(linesOf(r, 'AT+CMGF?')).toEqual(['+CMGF: 0']);
    expect(r.commands.at(-1)?.response?.lines[1]).toBe('reboot');
  });

  it('13: the SIMCom reboot burst before any command is typed, then a receive works', async () => {
    const r = await replay('13-simcom-sim7600-reboot-then-receive.at');
    expect(r.urcs.slice(0, 4).map((u) => (u.type === 'BOOT' ? u.stage : u.type))).toEqual(['ready', 'CPIN', 'sms-ready', 'phonebook-ready']);
    expect(r.urcs.at(-1)).toMatchObject({ type: 'CMTI', storage: 'SM', index: 0 });
    expect(linesOf(r, 'AT+CMGR=0')?.[1]).toBe('ping');
  });

  it('14: CSDH=1 headers and hex bodies reach the SMS layer intact', async () => {
    const r = await replay('14-text-mode-ucs2-hex.at');
    const reads = r.commands.filter((c) => c.command === 'AT+CMGR=4');
    expect(reads.map((c) => c.response?.lines[1])).toEqual(['00700069006E006700202713', '00700069006E006700202713']);
    expect(linesOf(r, 'AT+CSCS?')).toEqual(['+CSCS: "GSM"']);
  });

  it('15: a CMGL listing keeps every header and body line in order', async () => {
    const r = await replay('15-simcom-sim800-startup-cmgl-sweep.at');
    expect(linesOf(r, 'AT+CMGL="ALL"')).toEqual([
      '+CMGL: 1,"REC READ","000","","24/10/24,19:58:02+00"', 'status',
      '+CMGL: 2,"REC UNREAD","000","","24/10/24,20:01:44+00"', 'reboot',
      '+CMGL: 3,"REC UNREAD","Play","","23/02/09,13:07:04+04"', 'Nie masz srodkow na koncie',
    ]);
  });

  it('16: +CDSI after a send is a URC and the status report reads with its fields', async () => {
    const r = await replay('16-telit-delivery-report-cdsi.at');
    expect(r.urcs).toMatchObject([{ type: 'CDSI', storage: 'SR', index: 0 }]);
    expect(linesOf(r, 'AT+CMGS="+15551230000"')).toEqual(['+CMGS: 42']);
    expect(linesOf(r, 'AT+CMGR=0')).toEqual(['+CMGR: "REC UNREAD",6,42,"+15551230000",145,"24/10/24,20:30:05+00","24/10/24,20:30:09+00",0']);
    // The delete with its own select (V.250 §5.4.1): the select's +CPMS line is the line's answer, not a URC.
    expect(linesOf(r, 'AT+CPMS="SR";+CMGD=0')).toEqual(['+CPMS: 1,20,0,50,0,50']);
    expect(r.mismatches).toEqual([]);
  });

  it('17: the Quectel +CDSI "SM" quirk reads as bare OK, and +CDS arrives as a one-line text report', async () => {
    const r = await replay('17-quectel-ec25-cdsi-sm-quirk.at');
    expect(linesOf(r, 'AT+CMGR=0')).toEqual([]);
    expect(r.urcs.map((u) => u.type)).toEqual(['CDSI', 'CDS']);
    expect(r.urcs[1]).toMatchObject({ header: '6,79,"+15551230000",145,"24/10/24,20:41:12+00","24/10/24,20:41:15+00",0' });
  });

  it('18: CNMI query and test answers are the commands own lines', async () => {
    const r = await replay('18-ublox-sara-r4-cnmi-off-by-default.at');
    expect(linesOf(r, 'AT+CNMI?')).toEqual(['+CNMI: 0,0,0,0,0']);
    expect(linesOf(r, 'AT+CNMI=?')).toEqual(['+CNMI: (0-2),(0-3),(0-3),(0-2),(0-1)']);
    expect(r.urcs).toMatchObject([{ type: 'CMTI', index: 5 }]);
  });

  it('19: the quoted-alpha PDU header is kept and +CMT pushes header and body with no OK', async () => {
    const r = await replay('19-telit-pdu-quoted-alpha-and-cmt.at');
    expect(linesOf(r, 'AT+CMGR=1')?.[0]).toBe('+CMGR: 0,"",19');
    expect(r.urcs).toEqual([{ type: 'CMT', header: '"000",,"24/10/24,20:12:17+00"', data: 'ping', line: '+CMT: "000",,"24/10/24,20:12:17+00"' }]);
  });

  it('20: SIM busy is a CME 14 error, numeric or verbose, then a plain ERROR, then OK', async () => {
    const r = await replay('20-ublox-sara-r422s-sim-busy.at');
    const busy = r.commands.filter((c) => c.command === 'AT&C1').map((c) => [c.error?.code, c.error?.number]);
    expect(busy).toEqual([['CME_ERROR', 14], ['CME_ERROR', 14], ['AT_ERROR', undefined]]);
    expect(linesOf(r, 'ATI9')).toEqual(['01.24,A01.00']);
    expect(outcomes(r).at(-1)).toBe('AT → OK');
  });
});

describe('recorder', () => {
  it('writes a live session in the transcript format, so it replays as a fixture unchanged', async () => {
    const transport = new MemoryTransport();
    const traced = new TracedTransport(transport);
    const channel = new AtChannel(traced, { urcs: modemUrcs() });
    const lines: string[] = [];
    recordTraffic(traced.traffic$, (l) => lines.push(l), { title: 'recorded', source: 'test' });
    const send = channel.send(at('AT+CMGS="000"', { body: 'pong' }));
    transport.receive('\r\n> ');
    transport.receive('\r\n+CMGS: 13\r\n\r\nOK\r\n');
    await send;
    const text = lines.join('\n') + '\n';
    expect(text).toBe('# title: recorded\n# source: test\n> AT+CMGS="000"\\r\n< \\r\\n>\\x20\n> pong\\x1a\n< \\r\\n+CMGS: 13\\r\\n\\r\\nOK\\r\\n\n');
    const replayed = await replayTranscript(parseTranscript(text), { urcs: modemUrcs() });
    expect(replayed.mismatches).toEqual([]);
    expect(replayed.commands[0]?.response?.lines).toEqual(['+CMGS: 13']);
  });
});
