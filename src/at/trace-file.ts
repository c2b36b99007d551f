import { closeSync, fstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { Observable, Subscription } from '../rx.js';
import { silentLogger, type Logger } from '../log.js';
import { formatTraceNote, formatTraceWire } from '../transcript/trace-jsonl.js';
import type { Traffic } from './traced-transport.js';
import { CTRL_Z } from './command.js';

export const DEFAULT_TRACE_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TRACE_FILES = 3;
/** After a write error, the file is tried again no sooner than this. */
const RETRY_MS = 5_000;

export interface TraceFileOptions {
  /** A file is rotated before it would grow past this (default 5 MiB). */
  maxBytes?: number;
  /** Files kept, the live one included: `trace.jsonl`, `trace.jsonl.1`, … (default 3). */
  files?: number;
  /** Replace SMS texts by `*` (bodies written after `> `, and the line after +CMGR:/+CMGL:/+CMT:). */
  redactBodies?: boolean;
  /** A note written at the top of every file (e.g. `smsbridge 1.2.0 session`). */
  note?: string;
  log?: Logger;
  clock?: () => Date;
}

/**
 * The AT trace as a file (docs/trace.md): every write and every chunk read, one JSON line each,
 * written with one synchronous write(2) per entry on a descriptor kept open. Nothing is buffered
 * in the process, so a SIGKILL loses nothing that had crossed the port (a power cut still loses
 * what the kernel had not flushed: no fsync). Files rotate by size and are bounded in number.
 * A write error never reaches the bridge: it is logged once, the entry is dropped, and the file is
 * tried again a few seconds later.
 */
export class TraceFile {
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #files: number;
  readonly #redact: boolean;
  readonly #note: string | undefined;
  readonly #log: Logger;
  readonly #clock: () => Date;
  #fd: number | undefined;
  #size = 0;
  #retryAt = 0;
  #dropped = 0;
  #closed = false;
  #rotations = 0;

  constructor(path: string, options: TraceFileOptions = {}) {
    this.#path = path;
    this.#maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_TRACE_MAX_BYTES);
    this.#files = Math.max(1, Math.floor(options.files ?? DEFAULT_TRACE_FILES));
    this.#redact = options.redactBodies ?? false;
    this.#note = options.note;
    this.#log = options.log ?? silentLogger;
    this.#clock = options.clock ?? (() => new Date());
    if (this.#note !== undefined) this.#append(formatTraceNote(this.#note, this.#clock()), false);
  }

  get path(): string {
    return this.#path;
  }

  /** Entries lost to write errors since the last successful write. */
  get dropped(): number {
    return this.#dropped;
  }

  /** How many times the file was rotated. */
  get rotations(): number {
    return this.#rotations;
  }

  /**
   * Records a transport's traffic until it completes (each reopened port brings a new one).
   * The subscriber never throws: an exception in it would surface as an uncaught error.
   */
  attach(traffic$: Observable<Traffic>): Subscription {
    const redactor = this.#redact ? new BodyRedactor() : undefined;
    return traffic$.subscribe((t) => {
      try {
        this.record(t, redactor);
      } catch {
        // record() handles its own errors; this is a last guard for the port's sake.
      }
    });
  }

  /** Writes one traffic entry (redacted when a redactor is given). */
  record(t: Traffic, redactor?: BodyRedactor): void {
    const shown = redactor ? redactor.apply(t.direction, t.bytes) : { bytes: t.bytes, redacted: false };
    this.#append(formatTraceWire(t.direction, shown.bytes, t.at, shown.redacted), t.direction === 'tx' && isCommandLine(t.bytes));
  }

  note(text: string): void {
    this.#append(formatTraceNote(text, this.#clock()), false);
  }

  close(): void {
    this.#closed = true;
    this.#closeFd();
  }

  /**
   * Appends a line. A file rotates before the line that would take it past maxBytes, or earlier,
   * once it is 15/16 full, at a command write, so that a file usually starts at a command rather
   * than in the middle of an exchange (a prompt whose command is in the file before).
   */
  #append(line: string, commandStart: boolean): void {
    if (this.#closed) return;
    const data = Buffer.from(`${line}\n`, 'utf8');
    try {
      if (this.#fd === undefined) {
        if (Date.now() < this.#retryAt) {
          this.#dropped++;
          return;
        }
        this.#open();
      }
      const early = this.#maxBytes - Math.floor(this.#maxBytes / 16);
      if (this.#size > 0 && (this.#size + data.length > this.#maxBytes || (commandStart && this.#size >= early))) {
        this.#rotate();
      }
      if (this.#dropped > 0) {
        const lost = this.#dropped;
        this.#dropped = 0;
        this.#log.info({ path: this.#path, lost }, 'the AT trace is writable again');
        this.#writeAll(Buffer.from(`${formatTraceNote(`${lost} trace entries lost to write errors`, this.#clock())}\n`, 'utf8'));
      }
      this.#writeAll(data);
    } catch (error) {
      this.#fail(error);
    }
  }

  #open(): void {
    this.#fd = openSync(this.#path, 'a', 0o640);
    this.#size = fstatSync(this.#fd).size;
  }

  #writeAll(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.#fd!, data, offset, data.length - offset);
    this.#size += data.length;
  }

  #rotate(): void {
    this.#closeFd();
    const name = (i: number) => (i === 0 ? this.#path : `${this.#path}.${i}`);
    removeIfThere(name(this.#files - 1));
    for (let i = this.#files - 2; i >= 0; i--) renameIfThere(name(i), name(i + 1));
    this.#rotations++;
    this.#open();
    if (this.#note !== undefined) this.#writeAll(Buffer.from(`${formatTraceNote(`${this.#note} (continued)`, this.#clock())}\n`, 'utf8'));
  }

  #fail(error: unknown): void {
    if (this.#dropped === 0) {
      // Logged once per outage: a full disk must not flood the log at every chunk.
      this.#log.warn({ path: this.#path, err: error instanceof Error ? error.message : String(error) }, 'cannot write the AT trace; the bridge goes on without it until it can');
    }
    this.#dropped++;
    this.#closeFd();
    this.#retryAt = Date.now() + RETRY_MS;
  }

  #closeFd(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } catch {
      // already gone
    }
    this.#fd = undefined;
  }
}

/** One trace file for the whole run (`smsbridge run --trace`). */
export function openTraceFile(path: string, options: TraceFileOptions = {}): TraceFile {
  return new TraceFile(path, options);
}

/**
 * What the wiring calls with each TracedTransport (src/at/traced-transport.ts) as the port is
 * (re)opened: every transport's traffic goes to one rotated trace file.
 */
export function traceTransports(path: string, options: TraceFileOptions = {}): (transport: { traffic$: Observable<Traffic> }) => void {
  const file = openTraceFile(path, options);
  return (transport) => void file.attach(transport.traffic$);
}

/** A write that is a command line (ends with CR): the start of an exchange. */
function isCommandLine(bytes: Buffer): boolean {
  return bytes.length > 1 && bytes[bytes.length - 1] === 0x0d;
}

const CR = 0x0d;
const LF = 0x0a;
const CTRL_Z_BYTE = CTRL_Z.charCodeAt(0);
const STAR = 0x2a;
/** Headers followed by one line of SMS data (text or PDU). */
const BODY_HEADERS = ['+CMGR:', '+CMGL:', '+CMT:'];

/**
 * Hides SMS texts in traffic, keeping every other byte and the length, so a redacted trace frames
 * exactly as the live one did: a write ending in Ctrl-Z is a body (everything before the Ctrl-Z
 * becomes `*`), and on the modem side the line after a +CMGR:, +CMGL: or +CMT: header is the
 * message, as is a body echoed after the `> ` prompt. Line state is kept across chunks. A text with a line break in it is hidden up to the
 * break only.
 */
export class BodyRedactor {
  /** The start of the current modem line (enough to match a header). */
  #line = '';
  #bodyNext = false;
  #inBody = false;

  apply(direction: 'tx' | 'rx', bytes: Buffer): { bytes: Buffer; redacted: boolean } {
    if (direction === 'tx') {
      if (bytes.length < 2 || bytes[bytes.length - 1] !== CTRL_Z_BYTE) return { bytes, redacted: false };
      const out = Buffer.alloc(bytes.length, STAR);
      out[out.length - 1] = CTRL_Z_BYTE;
      return { bytes: out, redacted: true };
    }
    let out: Buffer | undefined;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === CR || b === LF) {
        if (this.#inBody) {
          this.#inBody = false;
        } else if (this.#line !== '') {
          const line = this.#line.trimStart();
          this.#bodyNext = BODY_HEADERS.some((h) => line.startsWith(h));
        }
        this.#line = '';
        continue;
      }
      if (this.#line === '' && !this.#inBody && this.#bodyNext) {
        this.#inBody = true;
        this.#bodyNext = false;
      }
      if (this.#inBody) {
        if (b === CTRL_Z_BYTE) {
          this.#inBody = false;
          continue;
        }
        out ??= Buffer.from(bytes);
        out[i] = STAR;
      } else if (this.#line.length < 8) {
        this.#line += String.fromCharCode(b);
        // After the prompt, a modem with echo on repeats the body: hidden up to the line end or Ctrl-Z.
        if (this.#line === '> ') {
          this.#line = '';
          this.#inBody = true;
        }
      }
    }
    return out ? { bytes: out, redacted: true } : { bytes, redacted: false };
  }
}

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
