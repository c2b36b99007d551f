import { parseTranscript, type Transcript, type TranscriptEntry } from './transcript.js';

/**
 * The AT trace format (docs/trace.md): one JSON object a line.
 *
 *   {"t":"2025-01-31T12:00:00.123Z","dir":"tx","text":"AT+CMGR=3\r"}
 *   {"t":"2025-01-31T12:00:00.140Z","dir":"rx","text":"\r\n> "}
 *   {"t":"2025-01-31T12:00:00.141Z","dir":"tx","text":"pong\u001a","hex":"706f6e671a"}
 *   {"t":"2025-01-31T12:00:00.000Z","note":"smsbridge 1.0.0 session"}
 *
 * `text` holds one character per byte (latin1), so it is exact on its own; JSON escapes the
 * control characters (`\r`, `\n`, `\u001a`) and this writer also escapes DEL and C1 controls.
 * `hex` is added when a byte is neither printable ASCII nor CR, LF or TAB (Ctrl-Z, ESC, NUL,
 * bytes ≥ 0x80), and then it is the one a reader trusts. `redacted: true` marks an entry whose
 * SMS text was replaced by `*`, byte for byte (log.redactPayloads). A line with `note` and no
 * `dir` is a remark: the session start, a rotation, entries lost to a write error.
 */
export interface TraceWire {
  t: string;
  dir: 'tx' | 'rx';
  text: string;
  hex?: string;
  redacted?: true;
}

export interface TraceNote {
  t: string;
  note: string;
}

export type TraceLine = TraceWire | TraceNote;

/** True for CR, LF, TAB and 0x20–0x7e: bytes a reader sees as they are. */
const plain = (b: number) => b === 0x0d || b === 0x0a || b === 0x09 || (b >= 0x20 && b < 0x7f);

/** One trace line (no newline) for bytes that crossed the port. */
export function formatTraceWire(direction: 'tx' | 'rx', bytes: Buffer, at: Date, redacted = false): string {
  const record: TraceWire = { t: at.toISOString(), dir: direction, text: bytes.toString('latin1') };
  if (!bytes.every(plain)) record.hex = bytes.toString('hex');
  if (redacted) record.redacted = true;
  // JSON.stringify escapes U+0000–U+001F; DEL and the C1 controls would be invisible in a terminal.
  return JSON.stringify(record).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatTraceNote(note: string, at: Date): string {
  return JSON.stringify({ t: at.toISOString(), note } satisfies TraceNote);
}

/** The bytes of a trace entry: `hex` when present, else `text` one byte per character. */
export function traceBytes(record: TraceWire): Buffer {
  return record.hex !== undefined ? Buffer.from(record.hex, 'hex') : Buffer.from(record.text, 'latin1');
}

/** Reads a JSON-lines trace as a transcript: tx entries are the host's, rx the modem's, notes comments. */
export function parseTraceJsonl(text: string): Transcript {
  const transcript: Transcript = { entries: [] };
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `trace line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      // A power cut may tear the last line (no newline after it): noted and left out, not guessed at.
      if (index === lines.length - 1) {
        transcript.entries.push({ kind: 'comment', text: `${where} is torn (cut off while written) and left out` });
        return;
      }
      throw new Error(`${where}: not JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null) throw new Error(`${where}: expected an object`);
    const record = value as Partial<TraceWire & TraceNote>;
    if (record.dir === undefined && typeof record.note === 'string') {
      if (transcript.title === undefined) transcript.title = record.note;
      transcript.entries.push({ kind: 'comment', text: record.note });
      return;
    }
    if (record.dir !== 'tx' && record.dir !== 'rx') throw new Error(`${where}: dir must be "tx" or "rx"`);
    if (typeof record.text !== 'string') throw new Error(`${where}: text must be a string`);
    if (record.hex !== undefined && (typeof record.hex !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(record.hex))) {
      throw new Error(`${where}: hex must be pairs of hex digits`);
    }
    const entry: TranscriptEntry = { kind: record.dir === 'tx' ? 'host' : 'modem', bytes: traceBytes(record as TraceWire) };
    transcript.entries.push(entry);
  });
  return transcript;
}

/** A JSON-lines trace starts (after blank lines) with `{`; a transcript with `>`, `<` or `#`. */
export function isTraceJsonl(text: string): boolean {
  return /^\s*\{/.test(text);
}

/** Reads either format, telling which it was. */
export function parseAnyTranscript(text: string): Transcript & { format: 'jsonl' | 'transcript' } {
  return isTraceJsonl(text) ? { ...parseTraceJsonl(text), format: 'jsonl' } : { ...parseTranscript(text), format: 'transcript' };
}
