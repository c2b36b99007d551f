import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeBytes, formatTranscript, parseTranscript, unescapeBytes } from '../../src/transcript/transcript.js';

const dir = new URL('../../fixtures/transcripts/', import.meta.url);

describe('transcript format', () => {
  it('reads direction, bytes and C escapes', () => {
    const t = parseTranscript('# title: t\n> AT+CMGS="000"\\r\n< \\r\\n>\\x20\n> pong\\x1a\n');
    expect(t.title).toBe('t');
    expect(t.entries.filter((e) => e.kind !== 'comment')).toEqual([
      { kind: 'host', bytes: Buffer.from('AT+CMGS="000"\r') },
      { kind: 'modem', bytes: Buffer.from('\r\n> ') },
      { kind: 'host', bytes: Buffer.from('pong\x1a') },
    ]);
  });

  it('escapes a trailing space as \\x20 so it stays visible', () => {
    expect(escapeBytes(Buffer.from('\r\n> '))).toBe('\\r\\n>\\x20');
    expect(escapeBytes(Buffer.from('a b\\\x00'))).toBe('a b\\\\\\x00');
  });

  it('refuses a line with no direction', () => {
    expect(() => parseTranscript('AT\n')).toThrow(/line 1/);
    expect(() => unescapeBytes('\\q')).toThrow(/bad escape/);
  });

  it.each(readdirSync(dir).filter((f) => f.endsWith('.at')))('round-trips shared transcript %s byte for byte', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const parsed = parseTranscript(text);
    expect(parsed.title).toBeDefined();
    expect(formatTranscript(parsed)).toBe(text);
  });
});
