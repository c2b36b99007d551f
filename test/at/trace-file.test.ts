import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Traffic } from '../../src/at/traced-transport.js';
import { BodyRedactor, TraceFile, traceTransports } from '../../src/at/trace-file.js';
import { memoryLogger } from '../../src/log.js';
import { parseTraceJsonl } from '../../src/transcript/trace-jsonl.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'smsbridge-trace-'));
  dirs.push(d);
  return d;
};
const at = new Date('2025-01-31T12:00:00.000Z');
const tx = (text: string): Traffic => ({ direction: 'tx', bytes: Buffer.from(text, 'latin1'), at });
const rx = (text: string): Traffic => ({ direction: 'rx', bytes: Buffer.from(text, 'latin1'), at });
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('TraceFile rotation', () => {
  it('keeps every file at or under maxBytes and at most `files` files', () => {
    const dir = tempDir();
    const path = join(dir, 'trace.jsonl');
    const trace = new TraceFile(path, { maxBytes: 1000, files: 3 });
    // ~70-byte entries, 200 of them: 14 kB through 1 kB files.
    for (let i = 0; i < 200; i++) trace.record(i % 2 ? rx(`\r\n+CSQ: ${i},99\r\n`) : tx(`AT+CSQ\r`));
    trace.close();
    expect(readdirSync(dir).sort()).toEqual(['trace.jsonl', 'trace.jsonl.1', 'trace.jsonl.2']);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(1000);
    expect(trace.rotations).toBeGreaterThan(10);
    // The newest entry is last in the live file; the kept files are the most recent, in order.
    expect(lines(path).at(-1)).toContain('+CSQ: 199,99');
    const all = [`${path}.2`, `${path}.1`, path].flatMap(lines).map((l) => JSON.parse(l) as { text: string });
    const numbers = all.map((e) => /CSQ: (\d+)/.exec(e.text)?.[1]).filter(Boolean).map(Number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers.at(-1)).toBe(199);
  });

  it('rotates early at a command write once 15/16 full, so a file starts with a command', () => {
    const dir = tempDir();
    const path = join(dir, 'trace.jsonl');
    // An exchange is ~330 bytes: it fits in the last 1/16 of a 16000-byte file.
    const trace = new TraceFile(path, { maxBytes: 16_000, files: 2 });
    for (let i = 0; i < 200; i++) {
      trace.record(tx('AT+CMGS="000"\r'));
      trace.record(rx('\r\n> '));
      trace.record(tx('pong\x1a'));
      trace.record(rx('\r\n+CMGS: 5\r\n\r\nOK\r\n'));
    }
    trace.close();
    expect(trace.rotations).toBeGreaterThan(2);
    for (const file of [path, `${path}.1`]) {
      const first = JSON.parse(lines(file)[0]!) as { text: string };
      expect(first.text).toBe('AT+CMGS="000"\r');
    }
  });

  it('starts every file with the note, and a single file (files: 1) is truncated rather than kept', () => {
    const dir = tempDir();
    const path = join(dir, 'trace.jsonl');
    const trace = new TraceFile(path, { maxBytes: 300, files: 1, note: 'smsbridge test session' });
    for (let i = 0; i < 20; i++) trace.record(tx(`AT+CMGR=${i}\r`));
    trace.close();
    expect(readdirSync(dir)).toEqual(['trace.jsonl']);
    expect(JSON.parse(lines(path)[0]!)).toMatchObject({ note: 'smsbridge test session (continued)' });
    expect(statSync(path).size).toBeLessThanOrEqual(300);
  });

  it('appends to an existing file and counts its size', () => {
    const dir = tempDir();
    const path = join(dir, 'trace.jsonl');
    writeFileSync(path, 'x'.repeat(990) + '\n');
    const trace = new TraceFile(path, { maxBytes: 1000, files: 2 });
    trace.record(tx('AT\r'));
    trace.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('x'.repeat(990) + '\n');
    expect(lines(path)).toHaveLength(1);
  });

  it('defaults: 5 MiB, 3 files', () => {
    const dir = tempDir();
    const path = join(dir, 'trace.jsonl');
    const trace = new TraceFile(path);
    const chunk = rx(`\r\n${'+CMGL: 1,"REC READ","000",,"25/01/31,12:00:00+00"\r\nhello '.repeat(40)}\r\n`);
    const size = Buffer.byteLength(JSON.stringify({ t: at.toISOString(), dir: 'rx', text: chunk.bytes.toString('latin1') })) + 1;
    const perFile = Math.floor((5 * 1024 * 1024) / size);
    for (let i = 0; i < perFile * 4; i++) trace.record(chunk);
    trace.close();
    expect(readdirSync(dir).sort()).toEqual(['trace.jsonl', 'trace.jsonl.1', 'trace.jsonl.2']);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(statSync(`${path}.1`).size).toBeGreaterThan(5 * 1024 * 1024 - size);
  });
});

describe('TraceFile write errors', () => {
  it('never throws into the channel: logs once, drops entries, notes the loss once it can write again', () => {
    const dir = tempDir();
    const log = memoryLogger();
    const broken = new TraceFile(join(dir, 'no-such-dir', 'trace.jsonl'), { log });
    for (let i = 0; i < 50; i++) expect(() => broken.record(tx('AT\r'))).not.toThrow();
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
    expect(log.entries[0]!.msg).toMatch(/cannot write the AT trace/);
    expect(broken.dropped).toBe(50);
    broken.close();
  });

  it('recovers after the retry delay and writes how many entries were lost', async () => {
    const { vi } = await import('vitest');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const dir = tempDir();
      const sub = join(dir, 'later');
      const path = join(sub, 'trace.jsonl');
      const log = memoryLogger();
      const trace = new TraceFile(path, { log });
      trace.record(tx('AT\r'));
      trace.record(tx('AT\r'));
      mkdirSync(sub);
      trace.record(tx('AT\r')); // within the retry delay: dropped without trying
      vi.setSystemTime(Date.now() + 6_000);
      trace.record(tx('ATI\r'));
      trace.close();
      const written = lines(path).map((l) => JSON.parse(l) as { note?: string; text?: string });
      expect(written).toEqual([expect.objectContaining({ note: '3 trace entries lost to write errors' }), expect.objectContaining({ text: 'ATI\r' })]);
      expect(log.entries.map((e) => e.level)).toEqual(['warn', 'info']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an unwritable existing file does not stop the traffic subscription', () => {
    if (process.getuid?.() === 0) return; // root writes anyway
    const dir = tempDir();
    const path = join(dir, 'trace.jsonl');
    writeFileSync(path, '');
    chmodSync(path, 0o400);
    const traffic$ = new Subject<Traffic>();
    const seen: Traffic[] = [];
    traffic$.subscribe((t) => seen.push(t));
    traceTransports(path, { log: memoryLogger() })({ traffic$ });
    traffic$.next(tx('AT\r'));
    traffic$.next(rx('\r\nOK\r\n'));
    expect(seen).toHaveLength(2);
    expect(existsSync(path)).toBe(true);
  });
});

describe('BodyRedactor', () => {
  const redact = (r: BodyRedactor, t: Traffic) => r.apply(t.direction, t.bytes);
  it('hides a body written after the prompt but keeps its length and Ctrl-Z', () => {
    const r = new BodyRedactor();
    expect(redact(r, tx('AT+CMGS="000"\r')).redacted).toBe(false);
    expect(redact(r, tx('secret reply\x1a'))).toEqual({ bytes: Buffer.from('************\x1a'), redacted: true });
    expect(redact(r, tx('\x1b')).redacted).toBe(false);
  });

  it('hides the line after +CMGR:, +CMGL: and +CMT: headers, across chunk boundaries, and nothing else', () => {
    const r = new BodyRedactor();
    const chunks = ['\r\n+CMGR: "REC UNREAD","000",,"25/01/31,12:00:00+00"\r', '\nsecr', 'et text\r\n\r\nOK\r\n', '\r\n+CMGL: 1,"REC READ","000"\r\nabc\r\n+CMGL: 2,"REC READ","000"\r\n', 'xyz\r\nOK\r\n', '\r\n+CMT: "000",,"25/01/31"\r\nhi\r\n', '\r\n+CMTI: "SM",3\r\n'];
    const out = chunks.map((c) => redact(r, rx(c)).bytes.toString('latin1')).join('');
    expect(out).toBe(chunks.join('').replace('secret text', '***********').replace('abc', '***').replace('xyz', '***').replace('\r\nhi', '\r\n**'));
  });

  it('hides a body echoed after the prompt by a modem with echo on', () => {
    const r = new BodyRedactor();
    expect(redact(r, rx('\r\n> pong')).bytes.toString('latin1')).toBe('\r\n> ****');
    expect(redact(r, rx('\x1a\r\n+CMGS: 5\r\n\r\nOK\r\n')).bytes.toString('latin1')).toBe('\x1a\r\n+CMGS: 5\r\n\r\nOK\r\n');
  });

  it('a redacted trace file marks the entries and frames like the live one', () => {
    const dir = tempDir();
    const path = join(dir, 'trace.jsonl');
    const traffic$ = new Subject<Traffic>();
    traceTransports(path, { redactBodies: true })({ traffic$ });
    traffic$.next(tx('AT+CMGS="000"\r'));
    traffic$.next(rx('\r\n> '));
    traffic$.next(tx('pong\x1a'));
    traffic$.next(rx('\r\n+CMGS: 5\r\n\r\nOK\r\n'));
    const entries = lines(path).map((l) => JSON.parse(l) as { redacted?: boolean; text: string });
    expect(entries.map((e) => e.redacted ?? false)).toEqual([false, false, true, false]);
    expect(parseTraceJsonl(readFileSync(path, 'utf8')).entries[2]).toEqual({ kind: 'host', bytes: Buffer.from('****\x1a') });
  });
});
