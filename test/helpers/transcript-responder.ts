import { readFileSync } from 'node:fs';
import { Subject } from 'rxjs';
import { AtChannel } from '../../src/at/at-channel.js';
import type { AtCommand } from '../../src/at/command.js';
import { parseTranscript } from '../../src/transcript/transcript.js';
import { MemoryTransport } from '../../src/transport/memory-transport.js';
import { modemUrcs } from '../../src/modem/profiles.js';
import type { SmsModem } from '../../src/sms/sms-modem.js';

/**
 * A modem made of a transcript's answers: whatever the code writes, in whatever order, gets the
 * modem entries that followed the same bytes in the transcript (the last answer repeats once the
 * transcript's are used up). Writes the transcript never saw get OK and are listed in `unknown`.
 */
export class TranscriptResponder {
  readonly transport = new MemoryTransport();
  readonly channel = new AtChannel(this.transport, { urcs: modemUrcs() });
  readonly unknown: string[] = [];
  readonly #answers = new Map<string, Buffer[][]>();
  readonly #ready = new Subject<{ storage?: string; needsAck: boolean }>();

  readonly modem: SmsModem & { ready: (s: { storage?: string; needsAck: boolean }) => void } = {
    send: <T>(command: AtCommand<T>, options?: { signal?: AbortSignal }) => this.channel.send(command, options),
    urc$: this.channel.urc$,
    ready$: this.#ready.asObservable(),
    ready: (s) => this.#ready.next(s),
  };

  constructor(
    file: string,
    overrides: Record<string, string | string[]> = {},
    /** Answers writes the transcript never saw (default: OK, or the prompt for a send). */
    private readonly fallback?: (written: string) => string | undefined,
  ) {
    const transcript = parseTranscript(readFileSync(new URL(`../../fixtures/transcripts/${file}`, import.meta.url), 'utf8'));
    let key: string | undefined;
    for (const entry of transcript.entries) {
      if (entry.kind === 'host') {
        key = entry.bytes.toString('latin1');
        const list = this.#answers.get(key) ?? [];
        list.push([]);
        this.#answers.set(key, list);
      } else if (entry.kind === 'modem' && key !== undefined) {
        this.#answers.get(key)!.at(-1)!.push(entry.bytes);
      }
    }
    for (const [command, answer] of Object.entries(overrides)) {
      this.#answers.set(command, (Array.isArray(answer) ? answer : [answer]).map((a) => [Buffer.from(a, 'latin1')]));
    }
    this.transport.writes$.subscribe((bytes) => this.#answer(bytes.toString('latin1')));
  }

  /** Every write so far, as text. */
  get written(): string[] {
    return this.transport.written.map((b) => b.toString('latin1'));
  }

  /** Sends bytes from the modem as if unsolicited. */
  emit(bytes: string): void {
    setImmediate(() => this.transport.receive(bytes));
  }

  #answer(written: string): void {
    if (written === '\x1b') return;
    const list = this.#answers.get(written);
    if (!list || list.length === 0) {
      this.unknown.push(written);
      const answer = this.fallback?.(written);
      if (answer !== undefined) {
        this.emit(answer);
        return;
      }
      const prompt = /^AT\+CMG[SW]=/.test(written);
      this.emit(written.endsWith('\x1a') ? '\r\n+CMGS: 0\r\n\r\nOK\r\n' : prompt ? '\r\n> ' : '\r\nOK\r\n');
      return;
    }
    const chunks = list.length > 1 ? list.shift()! : list[0]!;
    let delay = Promise.resolve();
    for (const chunk of chunks) delay = delay.then(() => new Promise((r) => setImmediate(() => r(this.transport.receive(chunk)))));
  }
}
