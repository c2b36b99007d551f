import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtFramer, type Frame } from '../../src/at/framer.js';
import { parseTranscript } from '../../src/transcript/transcript.js';

const frame = (bytes: string | Buffer, maxLine?: number): Frame[] =>
  new AtFramer(maxLine === undefined ? {} : { maxLine }).push(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);

const chunked = (bytes: Buffer, cuts: number[], maxLine?: number): Frame[] => {
  const framer = new AtFramer(maxLine === undefined ? {} : { maxLine });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const frames: Frame[] = [];
  let from = 0;
  for (const to of [...points, bytes.length]) {
    frames.push(...framer.push(bytes.subarray(from, to)));
    from = to;
  }
  return frames;
};

const line = (text: string): Frame => ({ kind: 'line', text });

const dir = new URL('../../fixtures/transcripts/', import.meta.url);
const modemStreams = readdirSync(dir)
  .filter((f) => f.endsWith('.at'))
  .map((file) => {
    const t = parseTranscript(readFileSync(new URL(file, dir), 'utf8'));
    const bytes = Buffer.concat(t.entries.flatMap((e) => (e.kind === 'modem' ? [e.bytes] : [])));
    return [file, bytes] as const;
  });

describe('AtFramer', () => {
  it.each([
    ['CR LF framing', '\r\n+CPMS: 2,50\r\n\r\nOK\r\n', [line('+CPMS: 2,50'), line('OK')]],
    ['a lone CR ends a line', 'OK\r', [line('OK')]],
    ['a doubled CR CR LF ends one line', '+CLAC\r\r\nOK\r\r\n', [line('+CLAC'), line('OK')]],
    ['a lone LF ends a line', 'OK\n', [line('OK')]],
    ['blank lines are dropped', '\r\n\r\n\r\nOK\r\n\r\n', [line('OK')]],
    ['whitespace-only lines are kept for the channel (a body of spaces)', '\r\n  \r\nOK\r\n', [line('  '), line('OK')]],
    // NULs are the channel's to judge: padding (Huawei) or `@` under CSCS "GSM", by the body's <length>.
    ['NUL padding is kept for the channel', 'Hii\x00\x00\x00\r\nOK\r\n', [line('Hii\x00\x00\x00'), line('OK')]],
    ['NULs before a line are kept too', '\x00\x00OK\r\n', [line('\x00\x00OK')]],
    ['a line of NULs only is a line (the body "@@")', '\x00\x00\r\n', [line('\x00\x00')]],
    ['an inner NUL is kept: under CSCS "GSM" it is @', 'mail a\x00b.c\r\n', [line('mail a\x00b.c')]],
    ['NULs before the prompt do not hide it', '\r\n\x00> ', [{ kind: 'prompt' }]],
    ['a leading space is kept for the classifier', ' WAVECOM MODEM\r\n', [line(' WAVECOM MODEM')]],
    ['the echo of a command is a line of its own', 'ATE0\r\r\nOK\r\n', [line('ATE0'), line('OK')]],
    ['the SMS prompt has no line end', '\r\n> ', [{ kind: 'prompt' }]],
    ['the prompt after an echoed command', 'AT+CMGS="000"\r\r\n> ', [line('AT+CMGS="000"'), { kind: 'prompt' }]],
    ['URC lines just before the prompt', '\r\n+ZPASR: "UMTS"\r\n\r\n> ', [line('+ZPASR: "UMTS"'), { kind: 'prompt' }]],
    ['a URC glued to OK in one chunk', '\r\nOK\r\n\r\n+CMTI: "ME",1\r\n', [line('OK'), line('+CMTI: "ME",1')]],
    ['a greater-than inside a line is not a prompt', 'a > b\r\n', [line('a > b')]],
    ['a line starting with > and more text is not a prompt', '>x\r\n', [line('>x')]],
    ['bytes above 0x7f pass through as latin1', 'caf\xe9\r\n', [line('caf\xe9')]],
  ])('%s', (_title, input, expected) => {
    expect(frame(input)).toEqual(expected);
  });

  // The prompt is a prompt only while a command waits for one (docs/modem-behaviour.md §1).
  it.each([
    ['expected: `> ` alone is the prompt', true, '\r\n> ', [{ kind: 'prompt' }]],
    ['not expected: `> ` waits for its line end like any text', false, '\r\n> ', []],
    ['not expected: a body `> ping 1` is one line', false, '+CMGR: "REC READ","000",,"24/10/24,20:12:17+00"\r\n> ping 1\r\nOK\r\n', [line('+CMGR: "REC READ","000",,"24/10/24,20:12:17+00"'), line('> ping 1'), line('OK')]],
    ['not expected: a lone `> ` line is text', false, '> \r\nOK\r\n', [line('> '), line('OK')]],
    ['expected: the body `> ping 1` would be split, which is why it is asked', true, '> ping 1\r\n', [{ kind: 'prompt' }, line('ping 1')]],
  ] as const)('%s', (_title, expected, input, frames) => {
    const framer = new AtFramer({ promptExpected: () => expected });
    expect(framer.push(Buffer.from(input, 'latin1'))).toEqual(frames);
  });

  it('asks about the prompt at the byte it completes, so frames handed out earlier in the chunk can change the answer', () => {
    let waiting = false;
    const framer = new AtFramer({ promptExpected: () => waiting });
    const seen: Frame[] = [];
    framer.pushEach(Buffer.from('\r\n> a\r\nGO\r\n> '), (frame) => {
      seen.push(frame);
      if (frame.kind === 'line' && frame.text === 'GO') waiting = true;
    });
    expect(seen).toEqual([line('> a'), line('GO'), { kind: 'prompt' }]);
  });

  it('holds an unfinished line until its end arrives', () => {
    const framer = new AtFramer();
    expect(framer.push(Buffer.from('+CMTI: "SM"'))).toEqual([]);
    expect(framer.pending).toBe(11);
    expect(framer.push(Buffer.from(',3\r\n'))).toEqual([line('+CMTI: "SM",3')]);
  });

  it('drops a line longer than the limit, reports it once, and frames the next line', () => {
    const garbage = 'x'.repeat(100);
    expect(frame(`${garbage}\r\nOK\r\n`, 10)).toEqual([{ kind: 'overflow', dropped: 100 }, line('OK')]);
  });

  it('keeps memory bounded while garbage without line ends keeps coming', () => {
    const framer = new AtFramer({ maxLine: 64 });
    for (let i = 0; i < 1000; i++) framer.push(Buffer.alloc(1024, 0x41));
    expect(framer.pending).toBeLessThanOrEqual(64);
    expect(framer.push(Buffer.from('\r\nOK\r\n'))).toEqual([{ kind: 'overflow', dropped: 1024 * 1000 }, line('OK')]);
  });

  it.each(modemStreams)('gives the same frames for %s whatever the split point', (_file, bytes) => {
    const whole = frame(bytes);
    expect(whole.length).toBeGreaterThan(0);
    for (let cut = 0; cut <= bytes.length; cut++) expect(chunked(bytes, [cut])).toEqual(whole);
  });

  it('gives the same frames for every transcript under random chunking', () => {
    fc.assert(
      fc.property(fc.constantFrom(...modemStreams), fc.array(fc.nat(), { maxLength: 40 }), ([, bytes], cuts) => {
        expect(chunked(bytes, cuts)).toEqual(frame(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same frames for random bytes and garbage under random chunking, never holding more than the limit', () => {
    const noise = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
    const pieces = fc.array(fc.oneof(noise, fc.constantFrom(...['\r\n', '\r\n> ', 'OK\r\n', '\x00', '>', ' '].map((s) => Buffer.from(s)))), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(pieces, fc.array(fc.nat(), { maxLength: 30 }), (parts, cuts) => {
        const bytes = Buffer.concat(parts);
        const framer = new AtFramer({ maxLine: 64 });
        framer.push(bytes);
        expect(framer.pending).toBeLessThanOrEqual(64);
        expect(chunked(bytes, cuts, 64)).toEqual(frame(bytes, 64));
      }),
      { numRuns: 500 },
    );
  });
});
