/**
 * The modem without its wires: settings, storage, the network side (delivery, holding while
 * storage is full, status reports) and command dispatch. No streams and no timers of its
 * own: it asks its host (VirtualModem) to write URCs and to schedule later work.
 */
import { isGsm7 } from './gsm7.js';
import type { CommandContext, Handler, OutboxEntry, Outcome } from './command-context.js';
import { parseCommandLine, type ParsedCommand } from './command-line.js';
import { GENERAL_COMMANDS, sRegister } from './commands-general.js';
import { SMS_CONFIG_COMMANDS } from './commands-sms-config.js';
import { SMS_MESSAGE_COMMANDS } from './commands-sms-messages.js';
import type { Profile } from './profiles.js';
import { cmeError, cmsError } from './result-codes.js';
import { defaultSettings, type Settings } from './settings.js';
import { buildDeliver, buildStatusReport, type SmsEncoding } from './sim-pdu.js';
import { cds, cmt, type FormatContext } from './sms-format.js';
import { SmsStorage, type StoredDeliver, type StoredStatusReport } from './sms-storage.js';

export interface IncomingSms {
  from: string;
  /** The text; for `8bit`, the octets as latin1 characters (`'\x00\xff'`). */
  text: string;
  timestamp?: Date;
  /** Default: `gsm7` when every character has a GSM-7 code, else `ucs2`. */
  encoding?: SmsEncoding;
  /** One part of a concatenated message (23.040 §9.2.3.24.1): the PDU carries a user-data header. */
  part?: { ref: number; total: number; seq: number };
  /** SC time zone in signed quarter hours (default 0). */
  tzQuarters?: number;
}

export interface CoreHooks {
  urc(lines: string[]): void;
  /** Runs fn after ms; the function returned cancels it. */
  schedule(fn: () => void, ms: number): () => void;
  sent(entry: OutboxEntry): void;
  /** The network got its RP-ACK for a pushed message, later than the push (AT+CNMA). */
  acknowledged(): void;
  /** AT+CFUN=1,1 and friends: the wired modem restarts after answering. */
  restart(): void;
}

/** What the network delivered and the TA must have acknowledged: an SMS-DELIVER or a status report. */
type AckItem = { kind: 'deliver'; sms: StoredDeliver } | { kind: 'status'; report: StoredStatusReport };

export interface CoreCounters {
  sends: number;
  /** Messages the network got an RP-ACK for: stored, or pushed and acknowledged (at once with AT+CSMS=0). */
  deliveries: number;
  held: number;
  statusReports: number;
  /** +CMT / +CDS written (or buffered) for the TE, redeliveries included. */
  cmtPushed: number;
  cdsPushed: number;
  /** AT+CNMA that acknowledged a +CMT/+CDS (RP-ACK). */
  acknowledged: number;
  /** AT+CNMA=2 (PDU mode): RP-ERROR, the network delivers again. */
  rejected: number;
  /** +CMT/+CDS with no AT+CNMA within cnmaTimeoutMs: RP-ERROR, CNMI <mt>/<ds> set to 0. */
  ackTimeouts: number;
  /** Messages the network delivered again after an RP-ERROR or a missing RP-ACK (timeout, reset). */
  redeliveries: number;
}

export interface CoreOptions {
  clock: () => Date;
  pin?: string;
  pinAttempts?: number;
  firstMessageReference: number;
  /** Delay before a requested status report comes back from the network. */
  statusReportDelayMs: number;
  /** Delay before the network re-delivers a message: held while storage was full, or refused with RP-ERROR. */
  redeliveryDelayMs: number;
  /** How long the network waits for the RP-ACK of a +CMT/+CDS that wants AT+CNMA (27.005 §3.4.4). */
  cnmaTimeoutMs: number;
  registration: number;
  operator: string;
  rssi: number;
}

/** Commands of the SMS service (27.005), refused until the module's SMS part is up. */
const SMS_COMMANDS: ReadonlySet<string> = new Set(['+CMGF', '+CPMS', '+CNMI', '+CMGL', '+CMGR', '+CMGD', '+CMGS', '+CMGW', '+CMSS', '+CSMS', '+CSMP', '+CSCA', '+CNMA']);

/** The vendor's attempts-left command (read, exec, or set with a facility: all answer the same here). */
const pinCounter: Handler = (cmd, core) => {
  if (cmd.op === 'test') return core.ok();
  const state = core.simState;
  const lines = core.profile.pinCounter.answer({ pin: core.pinAttempts, puk: core.pukAttempts, state }).split('\r\n');
  return core.ok(lines);
};

const HANDLERS: ReadonlyMap<string, Handler> = new Map([...GENERAL_COMMANDS, ...SMS_CONFIG_COMMANDS, ...SMS_MESSAGE_COMMANDS]);

export class ModemCore implements CommandContext {
  settings: Settings;
  readonly storage: SmsStorage;
  readonly outbox: OutboxEntry[] = [];
  readonly commandCounts = new Map<string, number>();
  pinLocked: boolean;
  /** SIM counters: they survive power cycles, as on a real SIM. 0 PIN attempts locks behind the PUK. */
  pinAttempts = 3;
  pukAttempts = 10;
  registration: number;
  simBusyCommands = 0;
  /** Between boot and the SMS-ready marker: SMS commands answer the profile's "not ready" error. */
  smsNotReady = false;
  readonly failures: { pattern: RegExp | string; result: string | { cms: number } | { cme: number } }[] = [];
  #nextMr: number;
  #held: StoredDeliver[] = [];
  #lastDelivered: StoredDeliver | undefined;
  #urcBuffer: string[][] = [];
  #counters = { sends: 0, deliveries: 0, held: 0, statusReports: 0, cmtPushed: 0, cdsPushed: 0, acknowledged: 0, rejected: 0, ackTimeouts: 0, redeliveries: 0 };
  /** The +CMT/+CDS whose AT+CNMA the TA waits for, and how to stop its network timeout. */
  #awaiting: { item: AckItem; cancel: () => void } | undefined;
  /** Later arrivals that would be +CMT/+CDS too: the TA sends none before the ack (27.005 §3.4.4). */
  #ackQueue: AckItem[] = [];

  constructor(
    readonly profile: Profile,
    readonly options: CoreOptions,
    readonly hooks: CoreHooks,
  ) {
    this.settings = defaultSettings(profile);
    this.storage = new SmsStorage(profile.storage);
    this.pinLocked = options.pin !== undefined;
    this.pinAttempts = options.pinAttempts ?? 3;
    this.registration = options.registration;
    this.#nextMr = options.firstMessageReference;
  }

  /** What +CPIN? says. */
  get simState(): string {
    if (this.pinAttempts <= 0) return 'SIM PUK';
    return this.pinLocked ? 'SIM PIN' : 'READY';
  }

  get counters(): Readonly<CoreCounters> {
    return { ...this.#counters, held: this.#held.length };
  }

  /** A +CMT/+CDS is awaiting AT+CNMA (only with AT+CSMS=1, 27.005 §3.4.4). */
  get cnmaPending(): boolean {
    return this.#awaiting !== undefined;
  }

  // ---- results -------------------------------------------------------------------------
  ok(info?: string[]): Outcome {
    return info ? { info, final: 'OK' } : { final: 'OK' };
  }
  cme(code: number): Outcome {
    return { final: cmeError(code, this.settings.cmee) };
  }
  cms(code: number): Outcome {
    return { final: cmsError(code, this.settings.cmee) };
  }
  error(): Outcome {
    return { final: 'ERROR' };
  }
  unknown(): Outcome {
    return { final: this.profile.unknownCommand };
  }
  formatContext(): FormatContext {
    return { charset: this.settings.cscs, details: this.settings.csdh, profile: this.profile };
  }

  // ---- commands ------------------------------------------------------------------------
  /** Runs one command line; undefined when the line carries no `AT` (ignored, as modems do). */
  execute(line: string): { outcomes: Outcome[] } | undefined {
    const commands = parseCommandLine(line);
    if (!commands) return undefined;
    const outcomes: Outcome[] = [];
    for (const cmd of commands) {
      const outcome = this.#run(cmd);
      outcomes.push(outcome);
      if ('prompt' in outcome || outcome.final !== 'OK') break;
    }
    if (commands.length === 0) outcomes.push(this.ok());
    return { outcomes };
  }

  #run(cmd: ParsedCommand): Outcome {
    this.commandCounts.set(cmd.name, (this.commandCounts.get(cmd.name) ?? 0) + 1);
    const failure = this.#takeFailure(cmd);
    const handler = this.#handlerFor(cmd);
    if (failure !== undefined) {
      // A send fails after its body, as SMSC rejections do (transcript 06).
      if (handler && (cmd.name === '+CMGS' || cmd.name === '+CMGW') && cmd.op === 'set') {
        const outcome = handler(cmd, this);
        return 'prompt' in outcome ? { prompt: () => failure } : outcome;
      }
      return failure;
    }
    if (this.simBusyCommands > 0 && !['E', 'V', '+CMEE', 'Z'].includes(cmd.name)) {
      this.simBusyCommands--;
      return this.cme(14);
    }
    if (this.smsNotReady && SMS_COMMANDS.has(cmd.name)) {
      const error = this.profile.smsNotReadyError;
      return 'cms' in error ? this.cms(error.cms) : this.cme(error.cme);
    }
    return handler ? handler(cmd, this) : this.unknown();
  }

  #handlerFor(cmd: ParsedCommand): Handler | undefined {
    const fixed = this.profile.fixed[cmd.text.toUpperCase()];
    if (fixed) return (_cmd, core) => core.ok([...fixed]);
    if (cmd.name === this.profile.iccidCommand && cmd.op !== 'test' && cmd.op !== 'set')
      return (_cmd, core) => (core.pinLocked ? core.cme(11) : core.ok([`${core.profile.iccidPrefix}${core.profile.iccid}`]));
    if (cmd.name === this.profile.pinCounter.command) return pinCounter;
    if (/^S\d+$/.test(cmd.name)) return sRegister;
    return HANDLERS.get(cmd.name);
  }

  #takeFailure(cmd: ParsedCommand): Outcome | undefined {
    const text = `AT${cmd.text}`;
    const i = this.failures.findIndex(({ pattern }) =>
      typeof pattern === 'string' ? text.toUpperCase().startsWith(pattern.toUpperCase()) || cmd.text.toUpperCase().startsWith(pattern.toUpperCase()) : pattern.test(text),
    );
    if (i < 0) return undefined;
    const [{ result }] = this.failures.splice(i, 1) as [(typeof this.failures)[number]];
    if (typeof result === 'string') return { final: result };
    return 'cms' in result ? this.cms(result.cms) : this.cme(result.cme);
  }

  /**
   * ATZ / AT&F / reboot: volatile settings back to the profile's defaults. An ack the TA waits
   * for is a network transaction, not a setting: it still times out (or is acknowledged).
   */
  resetSettings(): void {
    this.settings = defaultSettings(this.profile);
    this.#urcBuffer = [];
  }

  /**
   * Power cycle: settings reset, PIN locks again, stored messages stay. A +CMT/+CDS nobody
   * acknowledged never got its RP-ACK, so the network delivers it again later (27.005 §3.4.4,
   * 24.011 §10 TR2M), as it does the ones it had not sent yet.
   */
  powerCycle(): void {
    const lost = [...(this.#awaiting ? [this.#awaiting.item] : []), ...this.#ackQueue];
    this.#awaiting?.cancel();
    this.#awaiting = undefined;
    this.#ackQueue = [];
    this.resetSettings();
    this.pinLocked = this.options.pin !== undefined;
    if (lost.length > 0) this.#redeliver(lost);
  }

  // ---- +CNMA (27.005 §3.4.4 text mode, §4.6 PDU mode) ------------------------------------
  /**
   * AT+CNMA: RP-ACK (positive) ends the transaction; RP-ERROR (AT+CNMA=2 in PDU mode) makes the
   * network deliver the message again after redeliveryDelayMs, routing unchanged. The next
   * queued +CMT/+CDS follows after the answer.
   */
  acknowledge(positive: boolean): void {
    const awaited = this.#awaiting;
    if (!awaited) return;
    this.#awaiting = undefined;
    awaited.cancel();
    if (positive) {
      this.#counters.acknowledged++;
      if (awaited.item.kind === 'deliver') {
        this.#counters.deliveries++;
        this.hooks.acknowledged();
      }
    } else {
      this.#counters.rejected++;
      this.#redeliver([awaited.item]);
    }
    this.hooks.schedule(() => this.#releaseQueue(), 0);
  }

  /** With AT+CSMS=1 a +CMT/+CDS wants AT+CNMA, unless CNMI <mode> 0 buffers it in the TA, which then acks itself (27.005 §3.4.4 NOTE). */
  #needsAck(): boolean {
    return this.settings.csms === 1 && this.settings.cnmi[0] !== 0;
  }

  #awaitAck(item: AckItem): void {
    const cancel = this.hooks.schedule(() => this.#ackTimeout(), this.options.cnmaTimeoutMs);
    this.#awaiting = { item, cancel };
  }

  /**
   * No AT+CNMA in time (27.005 §3.4.4): RP-ERROR to the network, which retries later, and the
   * TA "shall automatically disable routing to TE by setting both <mt> and <ds> values of +CNMI
   * to zero": from then on messages are stored without indication (§3.4.1 <mt>=0).
   */
  #ackTimeout(): void {
    const awaited = this.#awaiting;
    if (!awaited) return;
    this.#awaiting = undefined;
    this.#counters.ackTimeouts++;
    this.settings.cnmi[1] = 0;
    this.settings.cnmi[3] = 0;
    this.#redeliver([awaited.item]);
    this.#releaseQueue();
  }

  #releaseQueue(): void {
    while (!this.#awaiting && this.#ackQueue.length > 0) this.#arrive(this.#ackQueue.shift()!);
  }

  /** The network sends again what got RP-ERROR (or no RP-ACK at all), redeliveryDelayMs later. */
  #redeliver(items: AckItem[]): void {
    this.hooks.schedule(() => {
      for (const item of items) {
        this.#counters.redeliveries++;
        this.#arrive(item);
      }
    }, this.options.redeliveryDelayMs);
  }

  #arrive(item: AckItem): void {
    if (item.kind === 'deliver') this.#receive(item.sms);
    else this.#reportArrives(item.report);
  }

  // ---- URCs ----------------------------------------------------------------------------
  /** An SMS-related URC, routed by CNMI <mode> (27.005 §3.4.1: mode 0 buffers in the TA). */
  smsUrc(lines: string[]): void {
    if (this.settings.cnmi[0] === 0) this.#urcBuffer.push(lines);
    else this.hooks.urc(lines);
  }

  /** CNMI set with mode 1/2: bfr 0 flushes the TA buffer to the TE, bfr 1 clears it. */
  cnmiChanged(): void {
    const [mode, , , , bfr] = this.settings.cnmi;
    if (mode === 0) return;
    const buffered = this.#urcBuffer;
    this.#urcBuffer = [];
    if (bfr === 0) this.hooks.schedule(() => buffered.forEach((lines) => this.hooks.urc(lines)), 0);
  }

  // ---- network: incoming ---------------------------------------------------------------
  deliver(sms: IncomingSms): void {
    const encoding: SmsEncoding = sms.encoding ?? (isGsm7(sms.text) ? 'gsm7' : 'ucs2');
    // 140 octets of user data, less the 6-octet concatenation header of a part (23.040 §9.2.3.24.1).
    const limit = { gsm7: sms.part ? 153 : 160, ucs2: sms.part ? 67 : 70, '8bit': sms.part ? 134 : 140 }[encoding];
    const length = encoding === 'gsm7' ? [...sms.text].length : sms.text.length;
    if (length > limit) throw new RangeError(`a single ${encoding} SMS holds at most ${limit} characters, got ${length}`);
    const scts = sms.timestamp ?? this.options.clock();
    const tzQuarters = sms.tzQuarters ?? 0;
    const part = sms.part ? { part: sms.part } : {};
    const { pdu, tpduLength } = buildDeliver({ smsc: this.profile.smsc, from: sms.from, text: sms.text, encoding, scts, tzQuarters, ...part });
    this.#receive({ kind: 'deliver', stat: 0, pdu, tpduLength, from: sms.from, text: sms.text, encoding, scts, tzQuarters, smsc: this.profile.smsc, ...part });
  }

  /** The network delivers the last SMS again, byte for byte (a lost RP-ACK; quirks §7 retries). */
  deliverDuplicate(): void {
    if (!this.#lastDelivered) throw new Error('nothing has been delivered yet');
    this.#receive({ ...this.#lastDelivered, stat: 0 });
  }

  #receive(sms: StoredDeliver): void {
    this.#lastDelivered = sms;
    if (this.settings.cfun !== 1 || this.pinLocked) {
      this.#held.push(sms);
      return;
    }
    const [, mt] = this.settings.cnmi;
    if (mt === 2) {
      const needsAck = this.#needsAck();
      if (needsAck && this.#awaiting) {
        this.#ackQueue.push({ kind: 'deliver', sms });
        return;
      }
      this.#counters.cmtPushed++;
      this.smsUrc(cmt(sms, this.formatContext(), this.settings.cmgf === 0));
      // Counted as delivered once the network has its RP-ACK: at once with AT+CSMS=0, else at AT+CNMA.
      if (needsAck) this.#awaitAck({ kind: 'deliver', sms });
      else this.#counters.deliveries++;
      return;
    }
    const mem = this.settings.cpms[2];
    const index = this.storage.put(mem, sms);
    if (index === undefined) {
      // Storage full: no +CMTI, the network keeps the message and retries (quirks §4).
      this.#held.push(sms);
      if (this.profile.memFullUrc && this.settings.memFullUrc) this.hooks.urc([this.profile.memFullUrc(mem)]);
      return;
    }
    this.#counters.deliveries++;
    if (mt === 1 || mt === 3) this.smsUrc([`+CMTI: "${mem}",${index}`]);
  }

  /** Fills the receive memory with read filler messages. */
  fillStorage(): void {
    const mem = this.settings.cpms[2];
    const scts = this.options.clock();
    let n = 0;
    while (!this.storage.isFull(mem)) {
      const text = `filler ${++n}`;
      const { pdu, tpduLength } = buildDeliver({ smsc: this.profile.smsc, from: '+447700900123', text, encoding: 'gsm7', scts, tzQuarters: 0 });
      this.storage.put(mem, { kind: 'deliver', stat: 1, pdu, tpduLength, from: '+447700900123', text, encoding: 'gsm7', scts, tzQuarters: 0, smsc: this.profile.smsc });
    }
  }

  /** Called after deletions and CFUN/PIN changes: held messages come back (LilyGo #184). */
  retryHeld(): void {
    if (this.#held.length === 0) return;
    this.hooks.schedule(() => {
      const held = this.#held;
      this.#held = [];
      for (const sms of held) this.#receive(sms);
    }, this.options.redeliveryDelayMs);
  }

  // ---- network: outgoing ---------------------------------------------------------------
  /** Records a sent SMS; returns its message reference (27.005 §3.5.1 <mr>). */
  send(entry: Omit<OutboxEntry, 'mr' | 'at'>): number {
    const mr = this.#nextMr;
    this.#nextMr = (this.#nextMr + 1) % 256;
    const sent: OutboxEntry = { ...entry, mr, at: this.options.clock() };
    this.outbox.push(sent);
    this.#counters.sends++;
    this.hooks.sent(sent);
    if (entry.statusReportRequested) this.hooks.schedule(() => this.#statusReport(sent), this.options.statusReportDelayMs);
    return mr;
  }

  #statusReport(sent: OutboxEntry): void {
    const dt = this.options.clock();
    const scts = sent.at;
    const { pdu, tpduLength } = buildStatusReport({ smsc: this.profile.smsc, mr: sent.mr, recipient: sent.to, scts, dt, tzQuarters: 0, st: 0 });
    const report: StoredStatusReport = { kind: 'status', stat: 0, pdu, tpduLength, mr: sent.mr, recipient: sent.to, scts, dt, tzQuarters: 0, st: 0 };
    this.#counters.statusReports++;
    this.#reportArrives(report);
  }

  #reportArrives(report: StoredStatusReport): void {
    const ds = this.settings.cnmi[3];
    if (ds === 1) {
      const needsAck = this.#needsAck();
      if (needsAck && this.#awaiting) {
        this.#ackQueue.push({ kind: 'status', report });
        return;
      }
      this.#counters.cdsPushed++;
      this.smsUrc(cds(report, this.settings.cmgf === 0));
      if (needsAck) this.#awaitAck({ kind: 'status', report });
      return;
    }
    const index = this.storage.put('SR', report);
    // Quectel EC25 names "SM" although the report lives in "SR" (quirks §5, chan-quectel PR #75).
    if (ds === 2 && index !== undefined) this.smsUrc([`+CDSI: "${this.profile.cdsiMem ?? 'SR'}",${index}`]);
  }
}
