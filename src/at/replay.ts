import { firstValueFrom, Subject } from '../rx.js';
import { BridgeError } from '../errors.js';
import type { Logger } from '../log.js';
import { escapeBytes, type Transcript, type TranscriptEntry } from '../transcript/transcript.js';
import type { Transport } from '../transport/transport.js';
import { TransportSignals } from '../transport/transport-signals.js';
import { AtChannel } from './at-channel.js';
import { TracedTransport } from './traced-transport.js';
import { at, CTRL_Z, type AtResponse } from './command.js';
import type { Frame } from './framer.js';
import type { UrcRegistry, Urc } from './urc.js';

type Wire = Extract<TranscriptEntry, { kind: 'host' | 'modem' }>;

/**
 * A fake port that plays the modem side of a transcript: each host entry must match what the code
 * writes next, and the modem entries after it are then sent, one chunk each, as they arrived.
 */
export class ReplayTransport implements Transport {
  readonly #entries: Wire[];
  readonly #signals = new TransportSignals();
  readonly #idle = new Subject<void>();
  #next = 0;
  #emitting = false;
  #scheduled = false;
  readonly mismatches: string[] = [];

  readonly data$ = this.#signals.data$;
  readonly close$ = this.#signals.close$;
  /** Fires when every modem entry before the next host entry has been delivered and handled. */
  readonly idle$ = this.#idle.asObservable();

  constructor(transcript: Transcript) {
    this.#entries = transcript.entries.filter((e): e is Wire => e.kind !== 'comment');
  }

  get isOpen(): boolean {
    return this.#signals.isOpen;
  }

  /** The host entry the modem waits for, or undefined at the end. */
  get expected(): Buffer | undefined {
    const entry = this.#entries[this.#next];
    return entry?.kind === 'host' ? entry.bytes : undefined;
  }

  /** True while modem entries are still being delivered. */
  get busy(): boolean {
    return this.#emitting;
  }

  get finished(): boolean {
    return this.#next >= this.#entries.length && !this.#emitting;
  }

  /**
   * Steps over the host entry the modem waits for, which the code will never write (a body whose
   * command is before the start of the trace), and plays the modem entries after it. Without this
   * the cursor stays on it for good: nothing after it is played and idle$ never fires again.
   */
  skip(): boolean {
    if (this.expected === undefined) return false;
    this.#next++;
    this.#emitModem();
    return true;
  }

  /** Sends the modem entries that open the transcript (boot URCs before any command). */
  start(): void {
    this.#emitModem();
  }

  write(data: Buffer | string): Promise<void> {
    if (!this.isOpen) return Promise.reject(new BridgeError('PORT_CLOSED', 'replay transport is closed'));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const expected = this.expected;
    if (expected === undefined || !expected.equals(bytes)) {
      this.mismatches.push(`wrote ${escapeBytes(bytes)}, transcript expects ${expected ? escapeBytes(expected) : 'nothing more'}`);
      // Nothing will be played for this write: say so (idle$), so a command waiting on it gives up now.
      this.#emitModem();
      return Promise.resolve();
    }
    this.#next++;
    this.#emitModem();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.#signals.finish({ disconnected: false });
  }

  #emitModem(): void {
    this.#emitting = true;
    if (this.#scheduled) return;
    this.#scheduled = true;
    // One macrotask per chunk, like reads from a real port; the code under test runs in between.
    setImmediate(() => {
      this.#scheduled = false;
      const entry = this.#entries[this.#next];
      if (entry?.kind === 'modem' && this.isOpen) {
        this.#next++;
        this.#signals.data(entry.bytes);
        this.#emitModem();
        return;
      }
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        if (this.#entries[this.#next]?.kind === 'modem' && this.isOpen) {
          this.#emitModem();
          return;
        }
        this.#emitting = false;
        this.#idle.next();
      });
    });
  }
}

export interface ReplayedCommand {
  command: string;
  body?: string;
  response?: AtResponse;
  error?: BridgeError;
}

export type ReplayEvent =
  | { kind: 'write'; bytes: Buffer }
  | { kind: 'frame'; frame: Frame }
  | { kind: 'urc'; urc: Urc }
  | { kind: 'result'; command: ReplayedCommand };

export interface ReplayResult {
  /** Everything in the order it happened: writes, frames, URCs and command results. */
  events: ReplayEvent[];
  frames: Frame[];
  urcs: Urc[];
  commands: ReplayedCommand[];
  mismatches: string[];
}

/**
 * Replays a transcript through the real AT channel: the host entries become commands (a body
 * after a prompt becomes the command's body; any other write, such as the session's ESC, is
 * written raw as it was), the modem entries are played back, and the result
 * says what the channel made of them. A command the transcript never answers (the modem reset
 * under it) fails with AT_TIMEOUT once the transcript moves on.
 */
export async function replayTranscript(
  transcript: Transcript,
  options: { urcs?: UrcRegistry; log?: Logger } = {},
): Promise<ReplayResult> {
  const transport = new ReplayTransport(transcript);
  const traced = new TracedTransport(transport);
  const channel = new AtChannel(traced, options);
  const result: ReplayResult = { events: [], frames: [], urcs: [], commands: [], mismatches: transport.mismatches };
  traced.traffic$.subscribe((t) => t.direction === 'tx' && result.events.push({ kind: 'write', bytes: t.bytes }));
  channel.frame$.subscribe((frame) => {
    result.frames.push(frame);
    result.events.push({ kind: 'frame', frame });
  });
  channel.urc$.subscribe((urc) => {
    result.urcs.push(urc);
    result.events.push({ kind: 'urc', urc });
  });

  const hosts = transcript.entries.filter((e): e is Wire => e.kind === 'host');
  const waitIdle = () => firstValueFrom(transport.idle$);
  const firstIdle = waitIdle();
  transport.start();
  await firstIdle;

  for (let i = 0; i < hosts.length; i++) {
    const text = hosts[i]!.bytes.toString('latin1');
    if (!text.endsWith('\r') && !text.endsWith(CTRL_Z) && transport.expected?.equals(hosts[i]!.bytes)) {
      // A raw write outside any command (the session's ESC before its first AT): written as it was.
      const idle = waitIdle();
      await channel.writeRaw(text);
      await idle;
      continue;
    }
    if (!text.endsWith('\r')) {
      result.mismatches.push(`host entry ${escapeBytes(hosts[i]!.bytes)} is not a command and follows no prompt`);
      if (!transport.busy && transport.expected?.equals(hosts[i]!.bytes)) {
        const idle = waitIdle();
        transport.skip();
        await idle;
      }
      continue;
    }
    const next = hosts[i + 1]?.bytes.toString('latin1');
    const body = next !== undefined && next.endsWith(CTRL_Z) ? next.slice(0, -1) : undefined;
    if (body !== undefined) i++;
    const controller = new AbortController();
    const replayed: ReplayedCommand = { command: text.slice(0, -1), ...(body === undefined ? {} : { body }) };
    result.commands.push(replayed);
    const done = channel
      .send(at(text.slice(0, -1), { timeoutMs: 60_000, ...(body === undefined ? {} : { body }) }), { signal: controller.signal })
      .then((response) => void (replayed.response = response))
      .catch((error: BridgeError) => void (replayed.error = error))
      .finally(() => result.events.push({ kind: 'result', command: replayed }));
    // When the transcript has said all it will say for this command, a pending command never completes.
    const stalled = transport.idle$.subscribe(() => {
      const expected = transport.expected?.toString('latin1');
      const waitingForOurBody = body !== undefined && expected === body + CTRL_Z;
      if (!waitingForOurBody) {
        controller.abort(new BridgeError('AT_TIMEOUT', 'the transcript gives no final result for this command'));
      }
    });
    await done;
    stalled.unsubscribe();
    // Keep the wire order: what the modem sent before the next host entry arrives first.
    while (transport.busy) await waitIdle();
  }
  // Trailing modem entries (a URC after the last answer). A host entry left over was never written
  // (the replay lost step with the trace): it is a mismatch, stepped over, never waited for.
  while (!transport.finished) {
    const idle = waitIdle();
    if (!transport.busy) {
      result.mismatches.push(`host entry ${escapeBytes(transport.expected!)} was never written`);
      transport.skip();
    }
    await idle;
  }
  await channel.close();
  return result;
}
