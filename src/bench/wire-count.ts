import type { Observable } from '../rx.js';
import { CTRL_Z, ESC } from '../at/command.js';
import type { CloseReason, Transport } from '../transport/transport.js';

/**
 * What the host wrote to the modem, counted by kind: a command line (`AT+CMGR=3\r`, by its
 * name), a body after a `> ` prompt (text or PDU ending in Ctrl-Z, 27.005 §3.5.1), counted as
 * `+CMGS>` / `+CMGW>` after the command that asked for it, or an escape (ESC).
 * Each command line and each body is one AT exchange: it gets its own answer from the modem.
 */
export class WireCounter {
  readonly commands = new Map<string, number>();
  escapes = 0;
  bytesOut = 0;
  bytesIn = 0;
  #last = '';

  /** A copy of the counts, to subtract a later one from. */
  snapshot(): WireSnapshot {
    return summarise(new Map(this.commands), this.escapes, this.bytesOut, this.bytesIn);
  }

  tx(bytes: Buffer): void {
    this.bytesOut += bytes.length;
    const text = bytes.toString('latin1');
    if (text.endsWith(CTRL_Z)) this.#count(`${this.#last}>`);
    else if (text === ESC) this.escapes++;
    else if (/^AT/i.test(text)) {
      this.#last = /^AT\s*([+^#$%&]?[A-Z]*)/i.exec(text)?.[1]?.toUpperCase() || 'AT';
      this.#count(this.#last);
    }
  }

  #count(name: string): void {
    this.commands.set(name, (this.commands.get(name) ?? 0) + 1);
  }

  rx(bytes: Buffer): void {
    this.bytesIn += bytes.length;
  }
}

export interface WireSnapshot {
  /** Command lines by name, and bodies as `<name>>`. */
  commands: Map<string, number>;
  /** Command lines only. */
  lines: number;
  bodies: number;
  /** Lines plus bodies: each is answered by the modem on its own. */
  exchanges: number;
  escapes: number;
  bytesOut: number;
  bytesIn: number;
}

function summarise(commands: Map<string, number>, escapes: number, bytesOut: number, bytesIn: number): WireSnapshot {
  let lines = 0;
  let bodies = 0;
  for (const [name, n] of commands) {
    if (name.endsWith('>')) bodies += n;
    else lines += n;
  }
  return { commands, lines, bodies, exchanges: lines + bodies, escapes, bytesOut, bytesIn };
}

/** The counts between two snapshots. */
export function wireDelta(before: WireSnapshot, after: WireSnapshot): WireSnapshot {
  const commands = new Map<string, number>();
  for (const [name, n] of after.commands) {
    const d = n - (before.commands.get(name) ?? 0);
    if (d > 0) commands.set(name, d);
  }
  return summarise(commands, after.escapes - before.escapes, after.bytesOut - before.bytesOut, after.bytesIn - before.bytesIn);
}

/**
 * A Transport decorator that counts what crosses it (warthog618/modem trace.go: a ReadWriter
 * wrapper, so the count is the same for the in-memory stream and the serial port).
 */
export class CountingTransport implements Transport {
  readonly #inner: Transport;
  readonly #counter: WireCounter;
  readonly data$: Observable<Buffer>;
  readonly close$: Observable<CloseReason>;

  constructor(inner: Transport, counter: WireCounter) {
    this.#inner = inner;
    this.#counter = counter;
    this.close$ = inner.close$;
    inner.data$.subscribe((chunk) => counter.rx(chunk));
    this.data$ = inner.data$;
  }

  get isOpen(): boolean {
    return this.#inner.isOpen;
  }

  write(data: Buffer | string): Promise<void> {
    this.#counter.tx(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    return this.#inner.write(data);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
