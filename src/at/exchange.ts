import { BridgeError } from '../errors.js';
import { CTRL_Z, DEFAULT_SEND_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, ESC, type AtCommand, type AtResponse } from './command.js';
import type { FinalResult } from './final-result.js';
import { owes, takeBodyLine, type BodyProgress } from './text-body.js';

/**
 * The life of one command as a small pure state machine (zwave-js SerialAPICommandMachine): it
 * takes what the modem said and answers with what to write and whether the command is settled.
 * The channel owns the port and the timers; this owns the rules.
 *
 *   written ──prompt──▶ body-written ──final──▶ settled
 *      │                      │
 *      └───────final──────────┴──────────────▶ settled
 */
export type ExchangeState = 'written' | 'body-written' | 'settled';

export type ExchangeStep =
  | { kind: 'none' }
  | { kind: 'write'; data: string; timeoutMs: number }
  | { kind: 'settled'; response: AtResponse; write?: string }
  | { kind: 'failed'; error: BridgeError; write?: string };

export class Exchange {
  readonly command: AtCommand<unknown>;
  #state: ExchangeState = 'written';
  readonly #lines: string[] = [];
  /** The body still owed to the last prefixed line (the SMS after `+CMGR:`): its rule, and what it took. */
  #body?: BodyProgress;

  constructor(command: AtCommand<unknown>) {
    this.command = command;
  }

  get state(): ExchangeState {
    return this.#state;
  }

  get timeoutMs(): number {
    return this.command.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** True while a body was written and its result is awaited: nothing else may be sent then. */
  get awaitingSendResult(): boolean {
    return this.#state === 'body-written';
  }

  /** True while the command waits for the `> ` prompt: the framer recognises it only then. */
  get expectsPrompt(): boolean {
    return this.#state === 'written' && this.command.body !== undefined;
  }

  /** Whether the line is the modem echoing what we wrote (ATE1 default; docs/modem-behaviour.md §1). */
  isEcho(line: string): boolean {
    const text = line.trim();
    if (this.#state === 'written') return text.toUpperCase() === this.command.text.trim().toUpperCase();
    // SIMCom echoes the body and its Ctrl-Z after the prompt (transcript 05).
    if (this.#state === 'body-written') return text.includes(CTRL_Z) || text === this.command.body?.trim();
    return false;
  }

  /**
   * Whether the line belongs to this command rather than to a URC. An owed trailing line that does
   * not look like one (`trailingLineFits`) ends the wait for it: the line is then routed as usual.
   */
  claims(line: string, afterBlankLine = false): boolean {
    if (this.#body !== undefined) {
      if (this.#owes(line, afterBlankLine)) return true;
      // The body ended: a later, shorter line must not be taken for it (a <length> that overcounts).
      this.#body = undefined;
    }
    return this.#isPrefixed(line);
  }

  /** Whether the body owed to a prefixed line is still being taken (raw lines, NULs kept). */
  get takingBody(): boolean {
    return this.#body !== undefined;
  }

  addLine(line: string, afterBlankLine = false): void {
    // A body line is body even when it starts like a header (`+CMGR: …` typed into an SMS).
    if (this.#body !== undefined && this.#owes(line, afterBlankLine)) {
      if (takeBodyLine(this.#body, line)) this.#body = undefined;
    } else if (this.#isPrefixed(line)) {
      const trailing = this.command.trailingLines ?? 0;
      const rule = typeof trailing === 'function' ? trailing(line) : trailing;
      this.#body = rule === 0 ? undefined : { rule, lines: 0, chars: 0 };
    }
    this.#lines.push(line);
  }

  /** An owed body line that also looks like one (`trailingLineFits`: a PDU is hex). */
  #owes(line: string, afterBlankLine: boolean): boolean {
    return this.#body !== undefined && owes(this.#body, line, afterBlankLine) && (this.command.trailingLineFits?.(line) ?? true);
  }

  #isPrefixed(line: string): boolean {
    const prefix = this.command.prefix;
    if (prefix === undefined) return false;
    const start = line.trimStart().toUpperCase();
    return typeof prefix === 'string' ? start.startsWith(prefix.toUpperCase()) : prefix.some((p) => start.startsWith(p.toUpperCase()));
  }

  onPrompt(): ExchangeStep {
    if (this.#state !== 'written' || this.command.body === undefined) {
      // A prompt nobody asked for: leave it with ESC so the modem does not swallow the next command.
      return { kind: 'write', data: ESC, timeoutMs: this.timeoutMs };
    }
    this.#state = 'body-written';
    return {
      kind: 'write',
      data: this.command.body + CTRL_Z,
      timeoutMs: this.command.bodyTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
    };
  }

  onFinal(result: FinalResult, line: string): ExchangeStep {
    const before = this.#state;
    this.#state = 'settled';
    const response: AtResponse = { lines: [...this.#lines], final: line.trim() };
    if (result.kind === 'ok') {
      if (this.command.body !== undefined && before === 'written') {
        return { kind: 'failed', error: this.#error('AT_ERROR', 'OK came without the > prompt: the body was not sent', response, before) };
      }
      return { kind: 'settled', response };
    }
    if (result.kind === 'error') return { kind: 'failed', error: this.#error('AT_ERROR', result.text, response, before) };
    const code = result.kind === 'cme' ? 'CME_ERROR' : 'CMS_ERROR';
    const label = result.kind === 'cme' ? '+CME ERROR' : '+CMS ERROR';
    const detail = [result.number, result.name].filter((x) => x !== undefined).join(' ');
    const error = new BridgeError(code, `${this.command.text}: ${label}: ${detail || 'unspecified'}`, {
      command: this.command.text,
      lines: [...response.lines, response.final],
      ...(result.number === undefined ? {} : { number: result.number }),
      ...this.#bodyFlag(before),
    });
    return { kind: 'failed', error };
  }

  onTimeout(): ExchangeStep {
    const before = this.#state;
    if (this.command.finalResultOptional === true && before === 'written' && this.#hasPrefixedLine()) {
      this.#state = 'settled';
      return { kind: 'settled', response: { lines: [...this.#lines], final: '' } };
    }
    const waitingForPrompt = before === 'written' && this.command.body !== undefined;
    this.#state = 'settled';
    const what = waitingForPrompt ? 'the > prompt' : 'final result';
    const error = this.#error('AT_TIMEOUT', `no ${what} within ${this.timeoutMs} ms`, { lines: this.#lines, final: '' }, before);
    // Waiting for the prompt, ESC cancels safely; after the body, writing anything may abort the send.
    return waitingForPrompt ? { kind: 'failed', error, write: ESC } : { kind: 'failed', error };
  }

  /** Ends the exchange for a reason outside the modem's answers (abort, port closed, modem reset). */
  abandon(error: BridgeError): ExchangeStep {
    const before = this.#state;
    const waitingForPrompt = before === 'written' && this.command.body !== undefined;
    this.#state = 'settled';
    const flagged =
      this.command.body === undefined || error.bodyWritten !== undefined
        ? error
        : new BridgeError(error.code, error.message, {
            ...(error.command === undefined ? {} : { command: error.command }),
            ...(error.lines === undefined ? {} : { lines: error.lines }),
            ...(error.number === undefined ? {} : { number: error.number }),
            ...this.#bodyFlag(before),
            cause: error.cause,
          });
    return waitingForPrompt ? { kind: 'failed', error: flagged, write: ESC } : { kind: 'failed', error: flagged };
  }

  #hasPrefixedLine(): boolean {
    return this.#lines.some((line) => this.#isPrefixed(line));
  }

  /** Whether a failed command's body had gone out (commands without a body carry no flag). */
  #bodyFlag(state: ExchangeState): { bodyWritten?: boolean } {
    return this.command.body === undefined ? {} : { bodyWritten: state === 'body-written' };
  }

  #error(code: 'AT_ERROR' | 'AT_TIMEOUT', message: string, response: AtResponse, state?: ExchangeState): BridgeError {
    const lines = response.final ? [...response.lines, response.final] : [...response.lines];
    return new BridgeError(code, `${this.command.text}: ${message}`, { command: this.command.text, lines, ...(state ? this.#bodyFlag(state) : {}) });
  }
}

