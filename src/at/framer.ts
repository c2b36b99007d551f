/**
 * AT framing, bytes in and frames out, with no I/O (docs/design.md: pure cores).
 *
 * A modem answers in lines wrapped as `\r\n<text>\r\n` (ITU-T V.250 §5.7.1 with ATV1), but real
 * modems also send lone `\r`, doubled `\r\r\n`, blank lines and NUL padding (docs/modem-behaviour.md §1),
 * so any run of CR/LF ends a line and blank lines are dropped. The one frame that has no line end
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
const NUL = 0x00;

export class AtFramer {
  readonly #maxLine: number;
  readonly #promptExpected: () => boolean;
  #line: number[] = [];
  /** After an overflow, bytes are discarded until the next line end. */
  #discarding = 0;

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
        continue;
      }
      // NUL padding (Huawei E3131 bodies; docs/modem-behaviour.md §3) is dropped at either end of a line;
      // an inner NUL is kept, because under AT+CSCS="GSM" it is the character '@' (23.038).
      if (byte === NUL && this.#line.length === 0) continue;
      if (this.#discarding > 0) {
        this.#discarding++;
        continue;
      }
      this.#line.push(byte);
      if (this.#line.length === 2 && this.#line[0] === 0x3e && this.#line[1] === 0x20 && this.#promptExpected()) {
        emit({ kind: 'prompt' });
        this.#line = [];
      } else if (this.#line.length > this.#maxLine) {
        // Garbage without line ends must not grow memory: drop it and say so.
        this.#discarding = this.#line.length;
        this.#line = [];
      }
    }
  }

  /** Bytes held for an unfinished line (what a recorder would lose on close). */
  get pending(): number {
    return this.#line.length;
  }

  reset(): void {
    this.#line = [];
    this.#discarding = 0;
  }

  #endLine(emit: (frame: Frame) => void): void {
    if (this.#discarding > 0) {
      emit({ kind: 'overflow', dropped: this.#discarding });
      this.#discarding = 0;
      return;
    }
    if (this.#line.length === 0) return;
    // latin1 maps each byte to one code unit, so nothing is lost before the SMS layer decodes it.
    let end = this.#line.length;
    while (end > 0 && this.#line[end - 1] === NUL) end--;
    const text = Buffer.from(this.#line.slice(0, end)).toString('latin1');
    this.#line = [];
    if (text.trim() === '') return;
    emit({ kind: 'line', text });
  }
}
