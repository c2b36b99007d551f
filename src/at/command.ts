import type { TrailingRule } from './text-body.js';

/**
 * An AT command as data (docs/design.md, ModemManager "command sequences are data"): what to write,
 * which info lines belong to it, how long to wait, the body that follows the `> ` prompt, and a
 * pure parser of its info lines. Helpers named after the spec mnemonics build these.
 */
export interface AtCommand<T = AtResponse> {
  /** The command line without the terminating CR, e.g. `AT+CMGR=3`. */
  readonly text: string;
  /**
   * The prefix of the command's information lines, e.g. `+CMGR:`. Lines with this prefix always
   * belong to the command, even when the same prefix is also a URC (`+CREG:`, `+CPIN:`).
   * Undefined for commands whose answers carry no prefix (`ATI`, `AT+CGSN`): then every line that
   * is not a known URC belongs to the command. Several for a chained line (`AT+CMSS=4;+CMGR=5`).
   */
  readonly prefix?: string | readonly string[];
  /**
   * Info lines that follow a prefixed line and belong to it even if they look like a URC or a
   * final result (the SMS body after `+CMGR:`). A function can read the rule off the header: a
   * count, or `{ chars }` from the `<length>` of a text-mode header with AT+CSDH=1 (src/at/text-body.ts).
   */
  readonly trailingLines?: TrailingRule | ((prefixedLine: string) => TrailingRule);
  /**
   * What an owed trailing line looks like. A line that does not fit is not the body: the owed lines
   * are given up and the line is routed as usual, so an `OK` where a PDU was due settles the command
   * instead of being taken for the PDU (a PDU is hex; 27.005 §4.1). Without it every line fits.
   */
  readonly trailingLineFits?: (line: string) => boolean;
  /**
   * The answer may end without a final result: an old Wavecom firmware answers `AT+CPIN?` with
   * `+CPIN: READY` and no `OK` (docs/modem-behaviour.md §1). Once a line with the prefix came, the
   * timeout settles the command with what came (final `''`) instead of failing it. The command still
   * waits for a final result first, so a late `OK` is never left for the next command.
   */
  readonly finalResultOptional?: boolean;
  /** Milliseconds to wait for the final result (and for the prompt). */
  readonly timeoutMs?: number;
  /**
   * Sent after the `\r\n> ` prompt, terminated with Ctrl-Z (3GPP TS 27.005 §3.5.1).
   * When set, the command waits for the prompt before anything else.
   */
  readonly body?: string;
  /** Milliseconds to wait for the final result once the body is written (a send takes seconds). */
  readonly bodyTimeoutMs?: number;
  /**
   * Goes ahead of the commands waiting in the queue (never ahead of the one in flight): an
   * acknowledgement the network times out on (+CNMA, 27.005 §3.4.4) must not wait behind reads.
   */
  readonly urgent?: boolean;
  /** Pure parser of the response; throwing here rejects the command with PARSE_ERROR. */
  readonly parse?: (response: AtResponse) => T;
}

export interface AtResponse {
  /** The command's information lines (echo and final result removed), in order. */
  readonly lines: readonly string[];
  /** The final result line, e.g. `OK`. */
  readonly final: string;
}

export const CTRL_Z = '\x1a';
export const ESC = '\x1b';
export const DEFAULT_TIMEOUT_MS = 5_000;
/** ModemManager allows minutes for a send; the network, not the modem, decides. */
export const DEFAULT_SEND_TIMEOUT_MS = 120_000;

/** Derives the info prefix from the command text: `AT+CMGR=3` → `+CMGR:`, `AT^CURC=0` → `^CURC:`. */
export function derivePrefix(text: string): string | undefined {
  const match = /^AT([+^$%#][A-Za-z0-9]+)/i.exec(text.trim());
  return match ? `${match[1]!.toUpperCase()}:` : undefined;
}

/** Builds a command from raw text, deriving its prefix unless given. */
export function at<T = AtResponse>(text: string, options: Omit<AtCommand<T>, 'text'> = {}): AtCommand<T> {
  const prefix = 'prefix' in options ? options.prefix : derivePrefix(text);
  const command: AtCommand<T> = { ...options, text };
  return prefix === undefined ? command : { ...command, prefix };
}

/** Info lines that start with the command's prefix, with the prefix and following spaces removed. */
export function valuesOf(response: AtResponse, prefix: string): string[] {
  return response.lines.filter((l) => l.trimStart().startsWith(prefix)).map((l) => l.trimStart().slice(prefix.length).trim());
}
