import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceFile } from '../../src/at/trace-file.js';
import { cliArgs } from '../helpers/cli.js';

function smsbridge(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgs(...args), { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsbridge-replay-trace-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a JSON-lines trace with the real writer: [direction, bytes] pairs. */
function trace(name: string, entries: ['tx' | 'rx', string][]): string {
  const path = join(dir, name);
  const file = new TraceFile(path, { note: 'smsbridge test session' });
  for (const [direction, text] of entries) file.record({ direction, bytes: Buffer.from(text, 'latin1'), at: new Date() });
  file.close();
  return path;
}

describe('smsbridge replay of a JSON-lines trace', () => {
  it('detects the format and prints writes, frames, URCs and results', async () => {
    const path = trace('session.jsonl', [
      ['tx', '\x1b'],
      ['tx', 'AT\r'],
      ['rx', '\r\nOK\r\n'],
      ['rx', '\r\n+CMTI: "ME",4\r\n'],
      ['tx', 'AT+CMGR=4\r'],
      ['rx', '\r\n+CMGR: "REC UNREAD","000",,"25/01/31,12:00:00+00"\r\nstatus\r\n\r\nOK\r\n'],
      ['tx', 'AT+CMGS="000"\r'],
      ['rx', '\r\n> '],
      ['tx', 'ok\x1a'],
      ['rx', '\r\n+CMGS: 7\r\n\r\nOK\r\n'],
    ]);
    const { code, stdout } = await smsbridge('replay', path);
    expect(code).toBe(0);
    expect(stdout).toContain('# smsbridge test session');
    expect(stdout).toContain('URC CMTI {"storage":"ME","index":4}');
    expect(stdout).toContain('« prompt "> "');
    expect(stdout).toContain('» ok\\x1a');
    expect(stdout).toContain('= AT+CMGS="000" → OK ["+CMGS: 7"]');
    expect(stdout).not.toContain('mismatch');
  });

  it('a trace that starts at a > prompt ends (it used to hang) and reports what does not fit, exit 1', async () => {
    const path = trace('cut.jsonl', [
      ['rx', '\r\n> '],
      ['tx', 'ok\x1a'],
      ['rx', '\r\n+CMGS: 7\r\n\r\nOK\r\n'],
      ['tx', 'AT+CSQ\r'],
      ['rx', '\r\n+CSQ: 20,99\r\n\r\nOK\r\n'],
    ]);
    const { code, stdout } = await smsbridge('replay', '--json', path);
    expect(code).toBe(1);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toContainEqual({ kind: 'result', command: 'AT+CSQ', response: { lines: ['+CSQ: 20,99'], final: 'OK' } });
    // With no command waiting for a prompt, `> ` is an ordinary line (issue 17: a text body `> ping 1`
    // is not a prompt), so no ESC is written for it; the body written after it fits nothing.
    expect(events).toContainEqual({ kind: 'frame', frame: { kind: 'line', text: '> ' } });
    expect(events.filter((e) => 'mismatch' in e)).toEqual([{ mismatch: 'host entry ok\\x1a is not a command and follows no prompt' }]);
  });

  it('a bad line in the middle of a trace is a usage error naming the line', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"t":"x","dir":"tx","text":"AT\\r"}\n{nope\n{"t":"x","dir":"rx","text":"OK"}\n');
    const { code, stderr } = await smsbridge('replay', path);
    expect(code).toBe(2);
    expect(stderr).toMatch(/trace line 2: not JSON/);
  });
});
