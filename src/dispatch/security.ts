/**
 * Who may command the device, and (optionally) proof that the server sent the command.
 *
 * Allow-list: Super SIM commands come from `000`; anything else is refused before any parsing, and
 * nothing is sent back: a reply to an arbitrary number costs money and tells a prober that a
 * device answers at this number.
 *
 * Signed commands (docs/signed-commands.md): `<payload> <counter>.<tag>` where
 * tag = first 16 hex digits of HMAC-SHA256(key, `<counter>.<payload>`). Hex because digits and
 * a–f are the same in GSM-7 and ASCII, so no modem character set (AT+CSCS) can alter them.
 * The counter must grow per sender; acceptance is injected so it can be stored atomically.
 */
import { crypto } from '../crypto-on-demand.js';
import type { InboundCommand, RefusalReason } from './types.js';

export const DEFAULT_ALLOW: readonly string[] = ['000'];
/** Hex digits of the HMAC kept: 64 bits, ample when every guess costs an SMS and burns nothing. */
export const TAG_LENGTH = 16;
/** Largest counter: 15 digits stay below 2^53, so the number is exact in JS and SQLite. */
export const MAX_COUNTER_DIGITS = 15;

/** Accepts `counter` for `sender` only if it is greater than the last accepted one; atomically. */
export type AcceptCounter = (sender: string, counter: number, commandId: number) => boolean;

export interface SecurityOptions {
  /** Senders allowed to command the device, compared exactly. Default `['000']`. */
  allow?: readonly string[];
  /** Shared key (UTF-8 text or bytes). When set, every command must be signed. */
  key?: string | Uint8Array;
  /** Required with `key`. The store's `acceptCounter`; `memoryCounters()` for tests. */
  acceptCounter?: AcceptCounter;
}

export type SecurityVerdict =
  | { ok: true; /** The text to route: the payload, without the signature. */ text: string; counter?: number }
  | { ok: false; reason: RefusalReason; message: string };

const SIGNED = new RegExp(`^([\\s\\S]*\\S) (0|[1-9][0-9]{0,${MAX_COUNTER_DIGITS - 1}})\\.([0-9a-fA-F]{${TAG_LENGTH}})$`);

export function commandTag(key: string | Uint8Array, payload: string, counter: number): string {
  return crypto().createHmac('sha256', key).update(`${counter}.${payload}`, 'utf8').digest('hex').slice(0, TAG_LENGTH);
}

/** The text a server sends: `<payload> <counter>.<tag>`. */
export function signCommand(key: string | Uint8Array, payload: string, counter: number): string {
  if (!Number.isSafeInteger(counter) || counter < 0 || String(counter).length > MAX_COUNTER_DIGITS) {
    throw new RangeError(`counter must be an integer from 0 to ${'9'.repeat(MAX_COUNTER_DIGITS)}, got ${counter}`);
  }
  if (payload.trim() === '' || payload !== payload.trimEnd()) throw new RangeError('payload must be non-empty and not end with white space');
  return `${payload} ${counter}.${commandTag(key, payload, counter)}`;
}

/** Splits a signed text; undefined when it has no well-formed suffix. Trailing white space is ignored. */
export function parseSigned(text: string): { payload: string; counter: number; tag: string } | undefined {
  const match = SIGNED.exec(text.trimEnd());
  if (match === null) return undefined;
  const [, payload = '', counter = '', tag = ''] = match;
  return { payload, counter: Number(counter), tag: tag.toLowerCase() };
}

export class CommandSecurity {
  private readonly allow: ReadonlySet<string>;
  private readonly key: Buffer | undefined;
  private readonly acceptCounter: AcceptCounter | undefined;

  constructor(options: SecurityOptions = {}) {
    this.allow = new Set(options.allow ?? DEFAULT_ALLOW);
    this.key = options.key === undefined ? undefined : Buffer.from(options.key);
    if (this.key !== undefined && this.key.length === 0) throw new TypeError('the signing key is empty');
    if (this.key !== undefined && options.acceptCounter === undefined) throw new TypeError('signed commands need acceptCounter (replay protection)');
    this.acceptCounter = options.acceptCounter;
  }

  get signed(): boolean {
    return this.key !== undefined;
  }

  isAllowed(sender: string): boolean {
    return this.allow.has(sender);
  }

  /** Decides whether the command may run. Counters are only consumed by commands whose tag is right. */
  check(command: InboundCommand): SecurityVerdict {
    if (!this.isAllowed(command.sender)) return { ok: false, reason: 'sender-not-allowed', message: `sender ${command.sender} is not allowed` };
    if (this.key === undefined || this.acceptCounter === undefined) return { ok: true, text: command.text };

    const signed = parseSigned(command.text);
    if (signed === undefined) return { ok: false, reason: 'unsigned', message: 'command has no <counter>.<tag> suffix' };
    const expected = Buffer.from(commandTag(this.key, signed.payload, signed.counter), 'ascii');
    if (!crypto().timingSafeEqual(expected, Buffer.from(signed.tag, 'ascii'))) return { ok: false, reason: 'bad-tag', message: 'signature tag does not match' };
    if (!this.acceptCounter(command.sender, signed.counter, command.id)) {
      return { ok: false, reason: 'replayed-counter', message: `counter ${signed.counter} is not greater than the last accepted one` };
    }
    return { ok: true, text: signed.payload, counter: signed.counter };
  }
}

/** Counter acceptance kept in memory: for tests and agents without a store. Forgets on restart. */
export function memoryCounters(): AcceptCounter {
  const last = new Map<string, number>();
  return (sender, counter) => {
    const previous = last.get(sender);
    if (previous !== undefined && counter <= previous) return false;
    last.set(sender, counter);
    return true;
  };
}
