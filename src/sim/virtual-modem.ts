/**
 * The virtual modem: a byte-level AT modem behind a Node Duplex, with vendor profiles,
 * latency and fault injection. Framing follows 3GPP TS 27.007 §4 / V.250 §5 and the quirks
 * catalogue §1: echo byte by byte (on by default, the CR included), answers as
 * `\r\n<info>\r\n` blocks then `\r\n<final>\r\n`, and the `\r\n> ` prompt with no line end.
 */
import { Duplex } from 'node:stream';
import { Subject, type Observable } from 'rxjs';
import { registrationLine } from './commands-general.js';
import type { OutboxEntry, Outcome } from './command-context.js';
import { ModemCore, type CoreCounters, type IncomingSms } from './modem-core.js';
import { getProfile, type Profile, type ProfileName, type MemName } from './profiles.js';
import { STAT_TEXT } from './sms-storage.js';

export type { OutboxEntry } from './command-context.js';
export type { IncomingSms } from './modem-core.js';

export interface VirtualModemOptions {
  /** Vendor profile (default `generic`). */
  profile?: ProfileName;
  /**
   * Delay before every answer, in ms (default 0: answers are written synchronously): after each
   * command line, and after each body ended by Ctrl-Z behind a `> ` prompt (+CMGS/+CMGW), which
   * is an exchange of its own (see `stats.lines` and `stats.bodies`).
   */
  latencyMs?: number;
  /**
   * How long a send takes, from the end of its line (+CMSS) or body (+CMGS) to its result
   * (default 0; real modems take seconds). Not added to the latency: a send's result comes after
   * the larger of the two, so a send still costs one exchange when both are equal.
   */
  sendLatencyMs?: number;
  /** Per-command latency by name (`+CMGL`, `+COPS`, `I`), overriding `latencyMs`. */
  commandLatencyMs?: Record<string, number>;
  /** When set, the SIM starts PIN-locked until `AT+CPIN="<pin>"`. */
  pin?: string;
  /** PIN attempts the SIM has left (default 3); 0 means it wants its PUK. */
  pinAttempts?: number;
  /** Clock for timestamps (default `() => new Date()`). */
  clock?: () => Date;
  /** First message reference handed out by +CMGS (default 1); increments per send, mod 256. */
  firstMessageReference?: number;
  /** Delay before a requested status report arrives (default 0). */
  statusReportDelayMs?: number;
  /**
   * Delay before the network delivers a message again (default 0): one held while storage was
   * full, once space frees; one whose +CMT/+CDS got no AT+CNMA in time, AT+CNMA=2 (RP-ERROR),
   * or was lost to a reset while unacknowledged.
   */
  redeliveryDelayMs?: number;
  /**
   * With AT+CSMS=1: how long the network waits for AT+CNMA after a +CMT/+CDS before it takes
   * an RP-ERROR, and the modem sets CNMI <mt> and <ds> to 0 (27.005 §3.4.4). Default: the
   * profile's `cnmaTimeoutMs` where its manual states one (Telit 17 s), else 15 000 ms, inside
   * 3GPP TS 24.011 §10's 12–20 s for TR2M.
   */
  cnmaTimeoutMs?: number;
  /**
   * For tests that watch what the host does: called with each command line just before the modem
   * carries it out, with the storage it reads and deletes from (AT+CPMS mem1) at that moment.
   */
  onCommandLine?: (line: string, state: { readStorage: MemName }) => void;
  /** Delay between a reboot/replug and the boot URCs; the modem ignores input until then (default 0). */
  bootDelayMs?: number;
  /**
   * After the boot URCs, how long SMS commands still fail with the profile's "not ready" error
   * before its SMS-ready marker (`+QIND: SMS DONE`, `SMS Ready`…) is printed (default 0).
   */
  smsReadyDelayMs?: number;
  /** +CREG <stat> (default 5, roaming: a Super SIM always roams). */
  registration?: number;
  /** Operator name in +COPS? (default "vodafone UK"). */
  operator?: string;
  /** RSSI in +CSQ (default 20). */
  rssi?: number;
  /** Periodic vendor URC noise (Huawei ^RSSI) on when the profile has it (default true). */
  noise?: boolean;
}

export interface StoredMessage {
  mem: 'SM' | 'ME' | 'SR';
  index: number;
  kind: 'deliver' | 'submit' | 'status';
  stat: (typeof STAT_TEXT)[number];
  /** Sender (deliver), destination (submit) or recipient (status report). */
  address: string;
  text: string;
  pdu: string;
}

export interface ModemStats extends CoreCounters {
  commands: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  connections: number;
  /** Exchanges as the host paid for them: command lines taken (one per CR, however many commands it chains) and bodies ended after a `> `. */
  lines: number;
  bodies: number;
  /** Milliseconds spent working on lines and bodies (the latency waits, as they really lasted). */
  busyMs: number;
}

export type FailResult = string | { cms: number } | { cme: number };

/** The network's wait for an RP-ACK when no manual states it: inside TR2M's 12–20 s (3GPP TS 24.011 §10). */
export const DEFAULT_CNMA_TIMEOUT_MS = 15_000;

const CR = 0x0d;
const LF = 0x0a;
const BS = 0x08;
const CTRL_Z = 0x1a;
const ESC = 0x1b;

export class VirtualModem {
  readonly profile: Profile;
  readonly #core: ModemCore;
  readonly #options: VirtualModemOptions;
  readonly #sent = new Subject<OutboxEntry>();
  readonly #plug = new Subject<boolean>();
  readonly #acknowledged = new Subject<void>();
  /** Each RP-ACK the network gets after the push (AT+CSMS=1 and AT+CNMA): `stats.deliveries` moved. */
  readonly acknowledged$: Observable<void> = this.#acknowledged.asObservable();
  /** Every SMS the device sent, in order. */
  readonly sent$: Observable<OutboxEntry> = this.#sent.asObservable();
  /** false when the port disappears (unplug), true when it is back. */
  readonly plug$: Observable<boolean> = this.#plug.asObservable();

  #stream: Duplex | undefined;
  #plugged = true;
  #silent = false;
  /** Powering up: input is ignored, as a real module's UART is dead until it prints RDY. */
  #booting = false;
  #bootEpoch = 0;
  #dropNext = false;
  #latency: number;
  #commandLatency: Record<string, number>;
  #line = '';
  #body = '';
  #prompt: ((body: string) => Outcome) | undefined;
  /** The command line that opened the prompt: its body costs that line's latency. */
  #promptLine = '';
  #queue: string[] = [];
  #busy = false;
  #epoch = 0;
  #heldUrcs: string[][] = [];
  #promptUrcs: string[] = [];
  #timers = new Set<NodeJS.Timeout>();
  #noise: NodeJS.Timeout | undefined;
  #noiseTurn = 0;
  #idleWaiters: (() => void)[] = [];
  #bytes = { in: 0, out: 0, connections: 0, lines: 0, bodies: 0, busyMs: 0 };

  constructor(options: VirtualModemOptions = {}) {
    this.#options = options;
    this.profile = getProfile(options.profile ?? 'generic');
    this.#latency = options.latencyMs ?? 0;
    this.#commandLatency = { ...options.commandLatencyMs };
    this.#core = new ModemCore(
      this.profile,
      {
        clock: options.clock ?? (() => new Date()),
        ...(options.pin !== undefined ? { pin: options.pin } : {}),
        ...(options.pinAttempts !== undefined ? { pinAttempts: options.pinAttempts } : {}),
        firstMessageReference: options.firstMessageReference ?? 1,
        statusReportDelayMs: options.statusReportDelayMs ?? 0,
        redeliveryDelayMs: options.redeliveryDelayMs ?? 0,
        cnmaTimeoutMs: options.cnmaTimeoutMs ?? this.profile.cnmaTimeoutMs ?? DEFAULT_CNMA_TIMEOUT_MS,
        registration: options.registration ?? 5,
        operator: options.operator ?? 'vodafone UK',
        rssi: options.rssi ?? 20,
      },
      {
        urc: (lines) => this.#urc(lines),
        schedule: (fn, ms) => this.#schedule(fn, ms),
        sent: (entry) => this.#sent.next(entry),
        acknowledged: () => this.#acknowledged.next(),
        restart: () => this.reboot(),
      },
    );
  }

  // ---- host side -----------------------------------------------------------------------
  /** A fresh host-side stream; a second call replaces (and closes) the first. */
  connect(): Duplex {
    if (!this.#plugged) throw new Error('the virtual modem is unplugged');
    this.#closeStream();
    const stream: Duplex = new Duplex({
      read() {},
      write: (chunk: Buffer, _encoding, callback) => {
        if (this.#stream === stream) this.#receive(chunk);
        callback();
      },
    });
    this.#stream = stream;
    this.#bytes.connections++;
    this.#startNoise();
    return stream;
  }

  get isPlugged(): boolean {
    return this.#plugged;
  }

  // ---- network side --------------------------------------------------------------------
  /** The network delivers an SMS: stored + `+CMTI`, or `+CMT`, per AT+CNMI; held while storage is full. */
  deliver(sms: IncomingSms): void {
    this.#core.deliver(sms);
  }

  get outbox(): readonly OutboxEntry[] {
    return this.#core.outbox;
  }

  /** What is in the modem's memories now. */
  stored(): readonly StoredMessage[] {
    return (['SM', 'ME', 'SR'] as const).flatMap((mem) =>
      this.#core.storage.list(mem).map(({ index, sms }) => ({
        mem,
        index,
        kind: sms.kind,
        stat: STAT_TEXT[sms.stat],
        address: sms.kind === 'deliver' ? sms.from : sms.kind === 'submit' ? sms.to : sms.recipient,
        text: sms.kind === 'status' ? '' : sms.text,
        pdu: sms.pdu.toString('hex').toUpperCase(),
      })),
    );
  }

  /** The SIM's PIN and PUK counters. */
  get simCounters(): { pin: number; puk: number } {
    return { pin: this.#core.pinAttempts, puk: this.#core.pukAttempts };
  }

  get stats(): ModemStats {
    return {
      commands: Object.fromEntries(this.#core.commandCounts),
      ...this.#core.counters,
      bytesIn: this.#bytes.in,
      bytesOut: this.#bytes.out,
      connections: this.#bytes.connections,
      lines: this.#bytes.lines,
      bodies: this.#bytes.bodies,
      busyMs: this.#bytes.busyMs,
    };
  }

  /** Resolves once no command, prompt answer or scheduled network event is pending. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  // ---- faults --------------------------------------------------------------------------
  /** Writes raw bytes to the host, as line noise would. */
  injectGarbage(bytes: Buffer | string): void {
    this.#write(typeof bytes === 'string' ? bytes : bytes.toString('latin1'), true);
  }

  /** Swallows the next final answer (information lines and result code). */
  dropNextResponse(): void {
    this.#dropNext = true;
  }

  /** Latency for every answer, or for one command name (`+CMGL`). */
  setLatency(ms: number, command?: string): void {
    if (command === undefined) this.#latency = ms;
    else this.#commandLatency[command.toUpperCase()] = ms;
  }

  /**
   * The next command matching `command` (a prefix like `AT+CMGS` / `+CMGS`, or a RegExp
   * tested against `AT<command>`) answers `result` instead. A send fails after its body.
   */
  failNext(command: RegExp | string, result: FailResult): void {
    this.#core.failures.push({ pattern: command, result });
  }

  /** The next `count` commands answer `+CME ERROR: 14` (SIM busy), as right after power-on (transcript 20). */
  simBusy(count: number): void {
    this.#core.simBusyCommands = count;
  }

  /**
   * Resets: the pending answer is lost, boot URCs follow (none when `silent`: some modules reset
   * without a word), settings revert, storage stays.
   */
  reboot(options: { silent?: boolean } = {}): void {
    this.#abortPending();
    this.#core.powerCycle();
    this.#boot(options.silent ?? false);
  }

  /** The port disappears (the stream closes) and, after `ms`, comes back from a power-cycled modem. */
  unplug(ms?: number): void {
    if (!this.#plugged) return;
    this.#plugged = false;
    this.#abortPending();
    this.#stopNoise();
    this.#closeStream();
    this.#plug.next(false);
    if (ms !== undefined) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.replug();
      }, ms);
      this.#timers.add(timer);
    }
  }

  /** Brings an unplugged modem back (power-cycled). */
  replug(): void {
    if (this.#plugged) return;
    this.#plugged = true;
    this.#core.powerCycle();
    this.#plug.next(true);
    this.#boot();
    this.#settle();
  }

  /** Writes a URC right after the next `> ` prompt (or now, if a prompt is open). */
  urcDuringPrompt(line: string): void {
    if (this.#prompt) this.#write(`\r\n${line}\r\n`);
    else this.#promptUrcs.push(line);
  }

  /** The network delivers the last SMS again, byte for byte. */
  deliverDuplicate(): void {
    this.#core.deliverDuplicate();
  }

  /** Fills the receive memory; new messages are then held by the network until space frees. */
  fillStorage(): void {
    this.#core.fillStorage();
  }

  /** A modem that stops answering (no echo, no answers, no URCs) until `silence(false)`. */
  silence(on: boolean): void {
    this.#silent = on;
  }

  /** Changes the network registration; +CREG/+CGREG/+CEREG URCs go out where enabled. */
  setRegistration(stat: number): void {
    this.#core.registration = stat;
    const s = this.#core.settings;
    for (const [name, n] of [['+CREG', s.creg], ['+CGREG', s.cgreg], ['+CEREG', s.cereg]] as const)
      if (n > 0) this.#urc([registrationLine(name, n, stat, false)]);
  }

  /** Stops timers and closes the stream. */
  dispose(): void {
    this.#stopNoise();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#closeStream();
    this.#settle();
  }

  // ---- bytes in ------------------------------------------------------------------------
  #receive(chunk: Buffer): void {
    this.#bytes.in += chunk.length;
    if (this.#silent || this.#booting) return;
    for (const byte of chunk) {
      if (this.#prompt) this.#promptByte(byte);
      else this.#commandByte(byte);
    }
  }

  #commandByte(byte: number): void {
    if (this.#core.settings.echo) this.#write(String.fromCharCode(byte));
    if (byte === CR) {
      this.#queue.push(this.#line);
      this.#line = '';
      this.#pump();
    } else if (byte === BS) this.#line = this.#line.slice(0, -1);
    else if (byte !== LF && this.#line.length < 2048) this.#line += String.fromCharCode(byte);
  }

  /** Body after `> ` (27.005 §3.5.1): Ctrl-Z sends, ESC aborts, CR re-prompts (Telit p.643). */
  #promptByte(byte: number): void {
    if (this.#core.settings.echo) this.#write(String.fromCharCode(byte));
    if (byte === CTRL_Z || byte === ESC) {
      if (byte === CTRL_Z) this.#bytes.bodies++;
      const handler = this.#prompt!;
      const body = this.#body;
      this.#prompt = undefined;
      this.#body = '';
      this.#busy = true;
      if (byte === ESC) this.#finish([{ final: 'OK' }], 0);
      else this.#payload(handler, body);
      return;
    }
    // A host ending its command line with CR LF (PICO does) must not start the body with LF.
    if (byte === LF && this.#body === '') return;
    this.#body += String.fromCharCode(byte);
    if (byte === CR) this.#write('\r\n> ');
  }

  /**
   * A body ended by Ctrl-Z is answered after the same latency as a command line (27.005 §3.5.1:
   * the TA only then sends or stores it). A send's result waits for the rest of sendLatencyMs
   * after that, so a reset in between loses the answer of a send that did go out.
   */
  #payload(handler: (body: string) => Outcome, body: string): void {
    const latency = this.#latencyFor(this.#promptLine);
    const run = () => {
      const outcome = handler(body);
      const slow = !('prompt' in outcome) && outcome.slow === true;
      this.#finish([outcome], slow ? Math.max(0, (this.#options.sendLatencyMs ?? 0) - latency) : 0);
    };
    if (latency > 0) this.#schedule(run, latency, true);
    else run();
  }

  #pump(): void {
    if (this.#busy || this.#prompt || this.#queue.length === 0) {
      this.#settle();
      return;
    }
    const line = this.#queue.shift()!;
    if (line.trim() !== '') this.#bytes.lines++;
    this.#busy = true;
    const delay = this.#latencyFor(line);
    const run = () => {
      this.#options.onCommandLine?.(line, { readStorage: this.#core.settings.cpms[0] });
      const result = this.#core.execute(line);
      if (result === undefined) {
        this.#busy = false;
        this.#pump();
      } else this.#respond(line, result.outcomes, delay);
    };
    if (delay > 0) this.#schedule(run, delay, true);
    else run();
  }

  #latencyFor(line: string): number {
    const name = /AT\s*([+^#$%&]?[A-Z]+)/i.exec(line)?.[1]?.toUpperCase();
    return (name !== undefined ? this.#commandLatency[name] : undefined) ?? this.#latency;
  }

  /** Writes the answer of a command line, or opens the prompt. */
  #respond(line: string, outcomes: Outcome[], waited: number): void {
    const last = outcomes[outcomes.length - 1];
    if (last && 'prompt' in last) {
      // Open the prompt before writing it: a host may answer with the body synchronously.
      this.#prompt = last.prompt;
      this.#promptLine = line;
      this.#busy = false;
      this.#write(infoBlocks(outcomes.slice(0, -1)));
      this.#write('\r\n> ');
      for (const line of this.#promptUrcs.splice(0)) this.#write(`\r\n${line}\r\n`);
      this.#settle();
      return;
    }
    // AT+CMSS sends from storage: its result comes sendLatencyMs after the line, latency included.
    const slow = outcomes.some((o) => !('prompt' in o) && o.slow === true);
    this.#finish(outcomes, slow ? Math.max(0, (this.#options.sendLatencyMs ?? 0) - waited) : 0);
  }

  #finish(outcomes: Outcome[], delay: number): void {
    const epoch = this.#epoch;
    const done = () => {
      if (epoch !== this.#epoch) return;
      const final = outcomes[outcomes.length - 1];
      const text = infoBlocks(outcomes) + (final && !('prompt' in final) ? `\r\n${final.final}\r\n` : '');
      if (this.#dropNext) this.#dropNext = false;
      else this.#write(text);
      this.#busy = false;
      for (const o of outcomes) if (!('prompt' in o)) o.after?.();
      for (const lines of this.#heldUrcs.splice(0)) this.#write(block(lines));
      this.#pump();
    };
    if (delay > 0) this.#schedule(done, delay, true);
    else done();
  }

  // ---- bytes out -----------------------------------------------------------------------
  #urc(lines: string[]): void {
    // URCs wait while the prompt is open (27.005 §3.4.1 buffers them while the link is reserved).
    if (this.#prompt) this.#heldUrcs.push(lines);
    else this.#write(block(lines));
  }

  #write(text: string, evenIfSilent = false): void {
    if (text === '' || (this.#silent && !evenIfSilent) || !this.#stream) return;
    this.#bytes.out += text.length;
    this.#stream.push(Buffer.from(text, 'latin1'));
  }

  /** Power-up: deaf for bootDelayMs, then the boot URCs up to the SMS-ready marker, which comes smsReadyDelayMs later. */
  #boot(silent = false): void {
    const epoch = ++this.#bootEpoch;
    const urcs = silent ? [] : this.profile.bootUrcs;
    const marker = this.profile.smsReadyUrc === undefined ? -1 : urcs.indexOf(this.profile.smsReadyUrc);
    const early = marker < 0 ? urcs : urcs.slice(0, marker);
    const late = marker < 0 ? [] : urcs.slice(marker);
    const bootMs = this.#options.bootDelayMs ?? 0;
    const smsMs = this.#options.smsReadyDelayMs ?? 0;
    const print = (lines: readonly string[]) => lines.forEach((line) => this.#write(`\r\n${line}\r\n`));
    this.#booting = bootMs > 0;
    this.#core.smsNotReady = smsMs > 0;
    this.#schedule(() => {
      if (epoch !== this.#bootEpoch) return;
      this.#booting = false;
      print(smsMs > 0 ? early : urcs);
    }, bootMs);
    if (smsMs > 0)
      this.#schedule(() => {
        if (epoch !== this.#bootEpoch) return;
        this.#core.smsNotReady = false;
        print(late);
      }, bootMs + smsMs);
  }

  #abortPending(): void {
    this.#epoch++;
    this.#queue = [];
    this.#line = '';
    this.#body = '';
    this.#prompt = undefined;
    this.#busy = false;
    this.#heldUrcs = [];
    this.#dropNext = false;
  }

  #closeStream(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) {
      stream.push(null);
      stream.destroy();
    }
  }

  #startNoise(): void {
    const noise = this.profile.noise;
    if (!noise || this.#options.noise === false || this.#noise) return;
    this.#noise = setInterval(() => {
      if (!this.#core.settings.curc || this.#prompt || this.#busy) return;
      this.#write(block([noise.lines[this.#noiseTurn++ % noise.lines.length]!]));
    }, noise.intervalMs);
    this.#noise.unref();
  }

  #stopNoise(): void {
    if (this.#noise) clearInterval(this.#noise);
    this.#noise = undefined;
  }

  // ---- timers and idleness -------------------------------------------------------------
  #schedule(fn: () => void, ms: number, guarded = false): () => void {
    const epoch = this.#epoch;
    const since = performance.now();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      // The guarded waits are the modem working on a line or a body.
      if (guarded) this.#bytes.busyMs += performance.now() - since;
      if (!guarded || epoch === this.#epoch) fn();
      this.#settle();
    }, ms);
    this.#timers.add(timer);
    return () => {
      if (!this.#timers.delete(timer)) return;
      clearTimeout(timer);
      this.#settle();
    };
  }

  #isIdle(): boolean {
    return !this.#busy && this.#queue.length === 0 && this.#timers.size === 0;
  }

  #settle(): void {
    if (!this.#isIdle()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}

function block(lines: readonly string[]): string {
  return `\r\n${lines.join('\r\n')}\r\n`;
}

function infoBlocks(outcomes: Outcome[]): string {
  return outcomes.map((o) => ('prompt' in o || !o.info?.length ? '' : block(o.info))).join('');
}
