/**
 * AT framing, bytes in and frames out, with no I/O (docs/design.md: pure cores).
 *
 * A modem answers in lines wrapped as `\r\n<text>\r\n` (ITU-T V.250 §5.7.1 with ATV1), but real
 * modems also send lone `\r`, doubled `\r\r\n`, blank lines and NUL padding (docs/modem-behaviour.md §1),
 * so any run of CR/LF ends a line and empty lines are dropped. The one frame that has no line end
 * is the SMS prompt `\r\n> ` (3GPP TS 27.005 §3.5.1): it is recognised as soon as a line holds
 * exactly `> `, which a readline parser never reports.
 *
 * The output does not depend on how the bytes were split into chunks: every decision is taken on
 * the accumulated line, never on chunk boundaries.
 */
export type Frame =
  | { kind: 'line'; text: string }
  | { kind: 'prompt' }
  | { kind: 'overflow'; dropped: number };

export const DEFAULT_MAX_LINE = 4096;

const CR = 0x0d;
const LF = 0x0a;

export class AtFramer {
  readonly #maxLine: number;
  #line: number[] = [];
  /** After an overflow, bytes are discarded until the next line end. */
  #discarding = 0;

  constructor(options: { maxLine?: number } = {}) {
    this.#maxLine = options.maxLine ?? DEFAULT_MAX_LINE;
  }

  /** Feeds a chunk and returns the frames it completes. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        this.#endLine(frames);
        continue;
      }
      if (this.#discarding > 0) {
        this.#discarding++;
        continue;
      }
      this.#line.push(byte);
      if (byte === 0x20 && isPrompt(this.#line)) {
        frames.push({ kind: 'prompt' });
        this.#line = [];
      } else if (this.#line.length > this.#maxLine) {
        // Garbage without line ends must not grow memory: drop it and say so.
        this.#discarding = this.#line.length;
        this.#line = [];
      }
    }
    return frames;
  }

  /** Bytes held for an unfinished line (what a recorder would lose on close). */
  get pending(): number {
    return this.#line.length;
  }

  reset(): void {
    this.#line = [];
    this.#discarding = 0;
  }

  #endLine(frames: Frame[]): void {
    if (this.#discarding > 0) {
      frames.push({ kind: 'overflow', dropped: this.#discarding });
      this.#discarding = 0;
      return;
    }
    if (this.#line.length === 0) return;
    // latin1 maps each byte to one code unit, so nothing is lost before the SMS layer decodes it.
    // NULs are kept: under AT+CSCS="GSM" 0x00 is the character '@' (23.038), which only the channel
    // can tell from padding (Huawei E3131 pads bodies; docs/modem-behaviour.md §3), by the body's <length>.
    const text = Buffer.from(this.#line).toString('latin1');
    this.#line = [];
    // A line of spaces is kept: it may be a message body (the channel drops it elsewhere); so are
    // VT and FF, which are `Ø` and `ø` under AT+CSCS="GSM" (23.038).
    if (text === '') return;
    frames.push({ kind: 'line', text });
  }
}

/** `> `, after any NUL padding (NULs are otherwise kept: see #endLine). */
function isPrompt(line: readonly number[]): boolean {
  const n = line.length;
  if (n < 2 || line[n - 2] !== 0x3e) return false;
  for (let i = 0; i < n - 2; i++) if (line[i] !== 0x00) return false;
  return true;
}
