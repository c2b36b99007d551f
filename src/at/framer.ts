/**
 * AT framing, bytes in and frames out, with no I/O (docs/design.md: pure cores).
 *
 * A modem answers in lines wrapped as `\r\n<text>\r\n` (ITU-T V.250 §5.7.1 with ATV1), but real
 * modems also send lone `\r`, doubled `\r\r\n`, blank lines and NUL padding (docs/modem-behaviour.md §1),
 * so any run of CR/LF ends a line and empty lines are dropped. The one frame that has no line end
 * is the SMS prompt `\r\n> ` (3GPP TS 27.005 §3.5.1): it is recognised as soon as a line holds
 * exactly `> `, which a readline parser never reports — but only while the caller says a prompt is
 * expected (a command that writes a body after it is waiting). Any other time `> ` is the start of
 * an ordinary line: a text-mode SMS whose body is `> ping 1` must reach the parser as that text,
 * not as a prompt followed by `ping 1` (oFono's gatsyntax.c enters its PROMPT state only after a
 * command that asks for one; docs/modem-behaviour.md §1).
 *
 * The output does not depend on how the bytes were split into chunks: every decision is taken on
 * the accumulated line and the caller's answer at that byte, never on chunk boundaries.
 */
export type Frame =
  | { kind: 'line'; text: string }
  | { kind: 'prompt' }
  | { kind: 'overflow'; dropped: number };

export const DEFAULT_MAX_LINE = 4096;

export interface AtFramerOptions {
  maxLine?: number;
  /**
   * Asked when a line holds exactly `> `: is a prompt expected now? The AT channel answers for the
   * command in flight. The default (always) suits a framer over a recorded modem stream, which has
   * no command to ask.
   */
  promptExpected?: () => boolean;
}

const CR = 0x0d;
const LF = 0x0a;

export class AtFramer {
  readonly #maxLine: number;
  readonly #promptExpected: () => boolean;
  #line: number[] = [];
  /** After an overflow, bytes are discarded until the next line end. */
  #discarding = 0;
  /** Line-end bytes since the last line: a blank line between two lines is two LFs (or two lone CRs). */
  #lfs = 0;
  #crs = 0;
  #afterBlank = false;

  constructor(options: AtFramerOptions = {}) {
    this.#maxLine = options.maxLine ?? DEFAULT_MAX_LINE;
    this.#promptExpected = options.promptExpected ?? (() => true);
  }

  /** Feeds a chunk and returns the frames it completes. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.pushEach(chunk, (frame) => frames.push(frame));
    return frames;
  }

  /**
   * Feeds a chunk and hands over each frame as soon as it is complete, so the caller's state (and
   * so its answer to `promptExpected`) is current for the bytes that follow in the same chunk.
   */
  pushEach(chunk: Uint8Array, emit: (frame: Frame) => void): void {
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        this.#endLine(emit);
        if (byte === LF) this.#lfs++;
        else this.#crs++;
        continue;
      }
      if (this.#discarding > 0) {
        this.#discarding++;
        continue;
      }
      this.#line.push(byte);
      if (byte === 0x20 && isPrompt(this.#line) && this.#promptExpected()) {
        emit({ kind: 'prompt' });
        this.#line = [];
      } else if (this.#line.length > this.#maxLine) {
        // Garbage without line ends must not grow memory: drop it and say so.
        this.#discarding = this.#line.length;
        this.#line = [];
      }
    }
  }

  /**
   * Whether the line just handed over came after a blank line (`\r\n\r\n`, V.250 §5.7.1: a final
   * result follows the information text that way) rather than after one line end (`\n` inside an
   * SMS body). Valid while the line is being handed over; the channel ends a text body on it.
   */
  get afterBlankLine(): boolean {
    return this.#afterBlank;
  }

  /** Bytes held for an unfinished line (what a recorder would lose on close). */
  get pending(): number {
    return this.#line.length;
  }

  reset(): void {
    this.#line = [];
    this.#discarding = 0;
    this.#lfs = 0;
    this.#crs = 0;
  }

  #endLine(emit: (frame: Frame) => void): void {
    if (this.#discarding > 0) {
      emit({ kind: 'overflow', dropped: this.#discarding });
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
    // LFs count; a modem that ends lines with a lone CR has only CRs. `\r\r\n` is one line end.
    this.#afterBlank = this.#lfs >= 2 || (this.#lfs === 0 && this.#crs >= 2);
    this.#lfs = 0;
    this.#crs = 0;
    emit({ kind: 'line', text });
  }
}

/** `> `, after any NUL padding (NULs are otherwise kept: see #endLine). */
function isPrompt(line: readonly number[]): boolean {
  const n = line.length;
  if (n < 2 || line[n - 2] !== 0x3e) return false;
  for (let i = 0; i < n - 2; i++) if (line[i] !== 0x00) return false;
  return true;
}
