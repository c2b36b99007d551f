import { describe, expect, it } from 'vitest';
import { formatTraceNote, formatTraceWire, isTraceJsonl, parseAnyTranscript, parseTraceJsonl } from '../../src/transcript/trace-jsonl.js';

const at = new Date('2025-01-31T12:00:00.123Z');
const wire = (dir: 'tx' | 'rx', bytes: string | Buffer) => formatTraceWire(dir, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, at);

describe('JSON-lines trace format', () => {
  it('writes a command with its CR as JSON escapes, no hex when every byte is printable or CR/LF/TAB', () => {
    expect(wire('tx', 'AT+CMGS="000"\r')).toBe('{"t":"2025-01-31T12:00:00.123Z","dir":"tx","text":"AT+CMGS=\\"000\\"\\r"}');
    expect(wire('rx', '\r\n+CMTI: "SM",3\r\n')).toBe('{"t":"2025-01-31T12:00:00.123Z","dir":"rx","text":"\\r\\n+CMTI: \\"SM\\",3\\r\\n"}');
  });

  it('keeps the prompt exact, trailing space included', () => {
    const line = wire('rx', '\r\n> ');
    expect(line).toBe('{"t":"2025-01-31T12:00:00.123Z","dir":"rx","text":"\\r\\n> "}');
    expect(parseTraceJsonl(line).entries).toEqual([{ kind: 'modem', bytes: Buffer.from('\r\n> ') }]);
  });

  it('adds hex for Ctrl-Z, ESC, NUL and bytes above 0x7e, and escapes DEL and C1 controls in text', () => {
    expect(wire('tx', 'pong\x1a')).toBe('{"t":"2025-01-31T12:00:00.123Z","dir":"tx","text":"pong\\u001a","hex":"706f6e671a"}');
    expect(wire('tx', '\x1b')).toContain('"text":"\\u001b","hex":"1b"');
    const binary = Buffer.from([0x00, 0x7f, 0x85, 0xe9, 0xff]);
    const line = wire('rx', binary);
    expect(line).toContain('"text":"\\u0000\\u007f\\u0085éÿ"');
    expect(line).toContain('"hex":"007f85e9ff"');
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('reads back every byte value exactly, with hex or text alone', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const line = wire('rx', all);
    expect(parseTraceJsonl(line).entries).toEqual([{ kind: 'modem', bytes: all }]);
    const { hex: _hex, ...textOnly } = JSON.parse(line) as Record<string, unknown>;
    expect(parseTraceJsonl(JSON.stringify(textOnly)).entries).toEqual([{ kind: 'modem', bytes: all }]);
  });

  it('one object a line: CR and LF inside the bytes never break a line', () => {
    const line = wire('rx', '\r\n+CMGR: "REC UNREAD","000"\r\nline one\nline two\r\n\r\nOK\r\n');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('marks a redacted entry and reads notes as comments, the first as the title', () => {
    const text = [formatTraceNote('smsbridge 1.0.0 session', at), formatTraceWire('tx', Buffer.from('****\x1a', 'latin1'), at, true), ''].join('\n');
    expect(text).toContain('"redacted":true');
    const t = parseTraceJsonl(text);
    expect(t.title).toBe('smsbridge 1.0.0 session');
    expect(t.entries).toEqual([{ kind: 'comment', text: 'smsbridge 1.0.0 session' }, { kind: 'host', bytes: Buffer.from('****\x1a') }]);
  });

  it('leaves out a torn last line but refuses a bad line elsewhere', () => {
    const good = wire('tx', 'AT\r');
    expect(parseTraceJsonl(`${good}\n{"t":"2025-01-31T1`).entries).toEqual([
      { kind: 'host', bytes: Buffer.from('AT\r') },
      { kind: 'comment', text: 'trace line 2 is torn (cut off while written) and left out' },
    ]);
    expect(() => parseTraceJsonl(`{"t":"x\n${good}\n`)).toThrow(/trace line 1: not JSON/);
    expect(() => parseTraceJsonl('{"t":"x","dir":"up","text":""}')).toThrow(/dir must be/);
    expect(() => parseTraceJsonl('{"t":"x","dir":"tx","text":"","hex":"abc"}')).toThrow(/hex must be/);
  });

  it('tells a trace from a transcript', () => {
    expect(isTraceJsonl(`\n${wire('tx', 'AT\r')}\n`)).toBe(true);
    expect(isTraceJsonl('# title: t\n> AT\\r\n')).toBe(false);
    expect(parseAnyTranscript('> AT\\r\n< \\r\\nOK\\r\\n\n').format).toBe('transcript');
    const jsonl = parseAnyTranscript(`${wire('tx', 'AT\r')}\n${wire('rx', '\r\nOK\r\n')}\n`);
    expect(jsonl.format).toBe('jsonl');
    expect(jsonl.entries).toEqual([{ kind: 'host', bytes: Buffer.from('AT\r') }, { kind: 'modem', bytes: Buffer.from('\r\nOK\r\n') }]);
  });
});
