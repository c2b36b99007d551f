import { BehaviorSubject, distinctUntilChanged, map, Observable, Subject, Subscription } from '../rx.js';
import { AtChannel, type AtChannelOptions } from '../at/at-channel.js';
import type { AtCommand, AtResponse } from '../at/command.js';
import { escapeThenAt } from '../at/escape-then-at.js';
import type { Urc } from '../at/urc.js';
import { BridgeError, isBridgeError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Transport } from '../transport/transport.js';
import { initialise, refreshNetwork, type InitOptions, type InitResult, type ModemInfo } from './init-sequence.js';
import { bootMarker } from './boot-markers.js';
import { modemUrcs } from './profiles.js';
import { checkSettings } from './settings-check.js';
import { sleep as realSleep } from './retry.js';
import {
  DEFAULT_TIMING,
  deadlineOf,
  FINAL_STATES,
  INITIAL,
  transition,
  type Effect,
  type Snapshot,
  type SupervisorEvent,
  type SupervisorState,
  type Timing,
} from './supervisor.js';

/** The longest a network waits for an acknowledgement (TS 24.011 §10.1 TR2M: 12–20 s), plus slack. */
const ACK_TIMER_MS = 22_000;

export type SessionState = SupervisorState;

/** One state change, with the event and the reason (every change is logged with them too). */
export interface StateChange {
  from: SessionState;
  to: SessionState;
  event: SupervisorEvent['type'];
  reason: string;
  attempt: number;
  at: Date;
}

export interface SessionOptions extends InitOptions {
  /** Opens the port; called again after every failure (prefer a stable /dev/serial/by-id path). */
  open: () => Promise<Transport>;
  channel?: Omit<AtChannelOptions, 'log'>;
  /** Called with each new channel (trace recorders subscribe to its traffic$). */
  onChannel?: (channel: AtChannel) => void;
  /** Timeouts in a row that mean the modem stopped answering (default 3). */
  timeoutsBeforeRecovery?: number;
  /** Deadlines of the supervision states (docs/supervision.md); any field may be overridden. */
  timing?: Partial<Timing>;
  /**
   * While ready and idle, how often to check that the settings we rely on still hold
   * (AT+CNMI?, AT+CMGF?): the only way to notice a modem that reset without a word
   * (default 30 s; 0 turns the check off).
   */
  settingsCheckMs?: number;
  /** Give up (state `failed`) after this long without being ready (default: never). */
  maxOfflineMs?: number;
  /** How long `send()` waits for the modem to become ready before failing with NOT_READY (default 120 s). */
  readyWaitMs?: number;
}

/** SIM lock problems no retry may touch: three wrong PINs lock the SIM behind its PUK. */
const SIM_LOCK_CODES: readonly string[] = ['SIM_PIN_REQUIRED', 'SIM_PIN_WRONG', 'SIM_PUK_REQUIRED'];
const isSimLockError = (error: unknown): boolean => isBridgeError(error) && SIM_LOCK_CODES.includes(error.code);

const NORMAL_EVENTS: ReadonlySet<SupervisorEvent['type']> = new Set(['start', 'opened', 'answered', 'configured', 'stop']);

const FINISH_CODES = { SIM_LOCKED: 'SIM_PIN_WRONG', MODEM_GONE: 'NOT_READY', STOPPED: 'PORT_CLOSED' } as const;

/**
 * A modem session that always finds its way back. The supervision is the pure state machine of
 * supervisor.ts; this class only carries out its effects (open, probe, configure, close) and turns
 * what happens on the wire into its events. Every state has a deadline, and every effect's result
 * is dropped when the state moved on meanwhile (an epoch counter), so a late answer never drives
 * a state it does not belong to.
 */
export class ModemSession {
  readonly #options: SessionOptions;
  readonly #log: Logger;
  readonly #timing: Timing;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #snapshot = new BehaviorSubject<Snapshot>(INITIAL);
  readonly #changes = new Subject<StateChange>();
  readonly #ready = new Subject<InitResult>();
  readonly #urc = new Subject<Urc>();
  #channel?: AtChannel;
  #channelSubscription?: Subscription;
  #closingPort: Promise<void> = Promise.resolve();
  #init?: InitResult;
  #epoch = 0;
  #deadline?: NodeJS.Timeout;
  #offlineTimer?: NodeJS.Timeout;
  #offlineSince?: number;
  #checkTimer?: NodeJS.Timeout;
  #checking = false;
  /** AT+CNMA was refused: +CMTI from now on (stopAcknowledging). */
  #storeOnly = false;
  #finalError?: BridgeError;
  #simError?: BridgeError;
  #lastTransientLog = 0;
  #enteredAt = Date.now();
  #lastCheckAt = Date.now();

  /** The supervision state; every change is also logged with its reason. */
  readonly state$: Observable<SessionState>;
  /** Each state change with its event and reason. */
  readonly changes$: Observable<StateChange> = this.#changes.asObservable();
  /** Emits each time the modem becomes ready: at start, after a reboot, a reconnect, a silent reset. */
  readonly ready$: Observable<InitResult> = this.#ready.asObservable();
  /** URCs of whichever channel is current; survives reconnects. */
  readonly urc$: Observable<Urc> = this.#urc.asObservable();

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLogger;
    this.#sleep = options.sleep ?? realSleep;
    this.#timing = { ...DEFAULT_TIMING, ...options.timing };
    this.state$ = this.#snapshot.pipe(
      map((s) => s.state),
      distinctUntilChanged(),
    );
  }

  get state(): SessionState {
    return this.#snapshot.value.state;
  }

  /** What configuration learned, refreshed by `refresh()`. */
  info(): ModemInfo | undefined {
    return this.#init ? { ...this.#init.info } : undefined;
  }

  get settings(): InitResult | undefined {
    return this.#init;
  }

  /** Why the session ended, once it is in a final state. */
  get finalError(): BridgeError | undefined {
    return this.#finalError;
  }

  /**
   * For a watchdog: true while the session is where it should be. A state with a deadline has not
   * outlived it (plus slack: its timer fired, the event loop turns); `ready` has checked its
   * settings lately (or checks are off); a final state is never healthy.
   */
  healthy(now = Date.now()): boolean {
    const snapshot = this.#snapshot.value;
    if (FINAL_STATES.has(snapshot.state) || snapshot.state === 'closed') return false;
    if (snapshot.state === 'ready') {
      const every = this.#options.settingsCheckMs ?? 30_000;
      // A check waits behind the command in flight (at most AT+CMSS's 120 s).
      return every <= 0 || now - this.#lastCheckAt <= 3 * every + 150_000;
    }
    const deadline = deadlineOf(snapshot, this.#timing);
    return deadline === undefined || now - this.#enteredAt <= deadline + 10_000;
  }

  /** True while a send's result is awaited: nothing else may be written then. */
  get busySending(): boolean {
    return this.#channel?.awaitingSendResult ?? false;
  }

  /**
   * Starts supervising; resolves when the modem is first ready. Rejects only when the session
   * reaches a final state first: a SIM lock problem, `maxOfflineMs` passed, or `close()`.
   */
  start(): Promise<InitResult> {
    const first = this.#waitReady(undefined, undefined);
    this.#dispatch({ type: 'start' });
    return first.then(() => this.#init!);
  }

  /** Sends a command once the modem is ready (waiting at most `readyWaitMs`). */
  async send<T = AtResponse>(command: AtCommand<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    const channel = await this.#waitReady(options.signal, this.#options.readyWaitMs ?? 120_000);
    try {
      return await channel.send(command, options);
    } catch (error) {
      if (isBridgeError(error, 'AT_TIMEOUT')) this.#onTimeout(channel);
      throw error;
    }
  }

  /**
   * Checks the settings now rather than at the next interval: the SMS layer saw a sign that they
   * changed (an acknowledgement the modem no longer expected: it timed out and turned indications
   * off, 27.005 §3.4.4). A loss reconfigures, and ready$ makes the inbox sweep.
   */
  checkSettingsSoon(reason: string): void {
    if (this.state !== 'ready' || this.#checking) return;
    this.#log.info({ reason }, 'checking the modem settings now');
    this.#armSettingsCheck(0);
  }

  /**
   * The modem refuses our acknowledgements (AT+CNMA) although it took AT+CSMS=1: configure again
   * with stored delivery (+CMTI), which needs none, for as long as this session lives.
   */
  stopAcknowledging(reason: string): void {
    if (this.#storeOnly) return;
    this.#storeOnly = true;
    this.#log.warn({ reason }, 'the modem refuses acknowledgements: switching to stored delivery (+CMTI)');
    if (this.state === 'ready') this.#dispatch({ type: 'settings-lost', detail: reason });
  }

  async refresh(): Promise<ModemInfo | undefined> {
    const channel = this.#channel;
    if (this.#init && channel && this.state === 'ready') await refreshNetwork(channel, this.#init.info);
    return this.info();
  }

  async close(): Promise<void> {
    if (this.state !== 'stopped') this.#dispatch({ type: 'stop' });
    await this.#portClosedOrGivenUp();
    this.#snapshot.complete();
    this.#changes.complete();
    this.#ready.complete();
    this.#urc.complete();
  }

  // ---- the machine ---------------------------------------------------------------------

  #dispatch(event: SupervisorEvent): void {
    const before = this.#snapshot.value;
    const step = transition(before, event);
    if (!step) return;
    const changed = step.next.state !== before.state;
    if (changed || step.rearm) {
      this.#epoch++;
      this.#enteredAt = Date.now();
    }
    // A final state's error is set before anyone watching the state sees it.
    for (const effect of step.effects) if (effect.type === 'finish') this.#run(effect);
    this.#snapshot.next(step.next);
    if (changed) this.#onChange(before, step.next, event, step.reason);
    if (changed || step.rearm) this.#armDeadline(step.next);
    for (const effect of step.effects) if (effect.type !== 'finish') this.#run(effect);
  }

  #onChange(before: Snapshot, after: Snapshot, event: SupervisorEvent, reason: string): void {
    const change: StateChange = { from: before.state, to: after.state, event: event.type, reason, attempt: after.attempt, at: new Date() };
    this.#changes.next(change);
    // Failures repeat while a modem stays away: log each at most every 30 s past the first few.
    const routine = after.state === 'backoff' || after.state === 'opening';
    const quiet = routine && after.attempt > 3 && Date.now() - this.#lastTransientLog < 30_000;
    if (!quiet) {
      if (routine) this.#lastTransientLog = Date.now();
      // The normal way up (start, opened, answered, configured) is info; what a fault caused is a warning.
      const level = FINAL_STATES.has(after.state) && after.state !== 'stopped' ? 'error' : NORMAL_EVENTS.has(event.type) ? 'info' : 'warn';
      this.#log[level]({ from: before.state, to: after.state, event: event.type, attempt: after.attempt }, reason);
    }
    this.#trackOffline(after.state);
    if (after.state === 'ready') {
      this.#lastCheckAt = Date.now();
      // A +CMT an earlier process never acknowledged makes the modem turn indications off when the
      // network's timer runs out (TR2M, at most 20 s: TS 24.011 §10.1); look just after that once.
      const every = this.#options.settingsCheckMs ?? 30_000;
      this.#armSettingsCheck(this.#init?.needsAck ? Math.min(every, ACK_TIMER_MS) : undefined);
    } else clearTimeout(this.#checkTimer);
  }

  #armDeadline(snapshot: Snapshot): void {
    clearTimeout(this.#deadline);
    const ms = deadlineOf(snapshot, this.#timing);
    if (ms === undefined) return;
    const epoch = this.#epoch;
    this.#deadline = setTimeout(() => {
      if (epoch === this.#epoch) this.#dispatch({ type: 'deadline' });
    }, ms);
  }

  /** Arms the give-up timer while the modem is away (maxOfflineMs). */
  #trackOffline(state: SessionState): void {
    if (state === 'ready' || FINAL_STATES.has(state)) {
      this.#offlineSince = undefined;
      clearTimeout(this.#offlineTimer);
      return;
    }
    const limit = this.#options.maxOfflineMs;
    if (this.#offlineSince !== undefined || !limit) return;
    const since = (this.#offlineSince = Date.now());
    this.#offlineTimer = setTimeout(() => this.#dispatch({ type: 'offline-too-long', ms: Date.now() - since }), limit);
  }

  #run(effect: Effect): void {
    const epoch = this.#epoch;
    const current = () => epoch === this.#epoch;
    switch (effect.type) {
      case 'open':
        void this.#open(current);
        return;
      case 'close-port':
        this.#closePort();
        return;
      case 'probe':
        void this.#probe(current);
        return;
      case 'configure':
        void this.#configure(current);
        return;
      case 'fail-in-flight':
        this.#channel?.failInFlight(new BridgeError(effect.code, effect.reason));
        return;
      case 'announce-ready':
        this.#ready.next(this.#init!);
        return;
      case 'finish':
        clearTimeout(this.#deadline);
        clearTimeout(this.#checkTimer);
        clearTimeout(this.#offlineTimer);
        this.#finalError = effect.code === 'SIM_LOCKED' && this.#simError ? this.#simError : new BridgeError(FINISH_CODES[effect.code], effect.reason);
        return;
    }
  }

  // ---- effects -------------------------------------------------------------------------

  async #open(current: () => boolean): Promise<void> {
    // Never two opens of one port ("Cannot lock port"), but never wait for ever on a dead fd either.
    await this.#portClosedOrGivenUp();
    let transport: Transport;
    try {
      transport = await this.#options.open();
    } catch (error) {
      if (current()) this.#dispatch({ type: 'open-failed', error: (error as Error).message });
      return;
    }
    if (!current()) {
      await transport.close().catch(() => undefined); // the deadline passed meanwhile
      return;
    }
    this.#attach(transport);
    this.#dispatch({ type: 'opened' });
  }

  /** The old port's close, waited for 3 s at most: a dead fd may never call back. */
  #portClosedOrGivenUp(): Promise<unknown> {
    return Promise.race([this.#closingPort, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  }

  #closePort(): void {
    const channel = this.#channel;
    this.#channel = undefined;
    this.#channelSubscription?.unsubscribe();
    this.#channelSubscription = undefined;
    if (channel) this.#closingPort = channel.close().catch(() => undefined);
  }

  /** ESC then AT (escapeThenAt), again and again, until the modem answers or the state's deadline moves us on. */
  async #probe(current: () => boolean): Promise<void> {
    for (let attempt = 0; current(); attempt++) {
      const channel = this.#channel;
      if (!channel) return;
      try {
        const answered = await escapeThenAt(channel, { timeoutMs: 1000, settleMs: 150, sleep: (ms) => this.#sleep(ms), stillWanted: current });
        if (answered && current()) this.#dispatch({ type: 'answered' });
        return;
      } catch (error) {
        if (isBridgeError(error, 'PORT_CLOSED')) return; // close$ brings port-closed
        await this.#sleep(Math.min(2000, 250 * (attempt + 1)));
      }
    }
  }

  async #configure(current: () => boolean): Promise<void> {
    const channel = this.#channel;
    if (!channel) return;
    try {
      const sms = this.#storeOnly ? { ...this.#options.sms, delivery: 'store' as const } : this.#options.sms;
      const result = await initialise(channel, { ...this.#options, sms, log: this.#log });
      if (!current()) return;
      const before = this.#init?.info.imei;
      // With port: auto a re-detection may find another modem: say so loudly (the store stays valid either way).
      if (before && result.info.imei && before !== result.info.imei) this.#log.warn({ was: before, now: result.info.imei }, 'a different modem answers on this port now');
      this.#init = result;
      this.#log.info({ profile: result.profile.name, model: result.info.model, storage: result.storage, cnmi: result.info.cnmi }, 'modem configured');
      this.#dispatch({ type: 'configured' });
    } catch (error) {
      if (!current()) return;
      const message = (error as Error).message;
      if (isSimLockError(error)) {
        this.#simError = error as BridgeError;
        this.#dispatch({ type: 'configure-failed', kind: 'sim-locked', error: message });
      } else this.#dispatch({ type: 'configure-failed', kind: 'transient', error: message });
    }
  }

  #attach(transport: Transport): void {
    const channel = new AtChannel(transport, { urcs: modemUrcs(), ...this.#options.channel, log: this.#log });
    this.#channel = channel;
    this.#options.onChannel?.(channel);
    const subscription = new Subscription();
    subscription.add(
      channel.urc$.subscribe((urc) => {
        this.#onUrc(urc);
        this.#urc.next(urc);
      }),
    );
    subscription.add(
      transport.close$.subscribe((reason) => {
        if (this.#channel === channel) this.#dispatch({ type: 'port-closed', disconnected: reason.disconnected });
      }),
    );
    this.#channelSubscription = subscription;
  }

  #onUrc(urc: Urc): void {
    const marker = bootMarker(urc);
    if (!marker) return;
    // While configuring, a later boot stage (SMS DONE, PB DONE, an unprompted +CPIN: READY) is
    // the boot we are waiting out; only a start marker (RDY, ^SYSSTART) says it began again.
    if (this.state === 'configuring' && marker !== 'start') return;
    this.#dispatch({ type: 'boot-urc', line: urc.line });
  }

  #onTimeout(channel: AtChannel): void {
    const count = channel.consecutiveTimeouts;
    if (channel !== this.#channel) return;
    if (count >= (this.#options.timeoutsBeforeRecovery ?? 3)) this.#dispatch({ type: 'timeouts', count });
    // A lost answer is what a silent reset looks like from here: check the settings now.
    else if (this.state === 'ready' && !this.#checking) this.#armSettingsCheck(0);
  }

  /** While ready: checks now and then that a silent reset has not put the settings back. */
  #armSettingsCheck(delayMs?: number): void {
    clearTimeout(this.#checkTimer);
    const every = this.#options.settingsCheckMs ?? 30_000;
    if (every <= 0) return;
    const epoch = this.#epoch;
    this.#checkTimer = setTimeout(() => void this.#checkNow(epoch), delayMs ?? every);
  }

  async #checkNow(epoch: number): Promise<void> {
    const channel = this.#channel;
    const init = this.#init;
    if (epoch !== this.#epoch || !channel || !init || this.#checking) return;
    // A send awaiting its result must not be interrupted; check again shortly.
    if (channel.awaitingSendResult) {
      this.#checkTimer = setTimeout(() => void this.#checkNow(epoch), 1000);
      return;
    }
    this.#checking = true;
    try {
      const lost = await checkSettings((c) => channel.send(c), init, this.#options.sms);
      if (epoch !== this.#epoch) return;
      this.#lastCheckAt = Date.now();
      if (lost) this.#dispatch({ type: 'settings-lost', detail: lost });
      else this.#armSettingsCheck();
    } catch (error) {
      if (epoch !== this.#epoch) return;
      if (isBridgeError(error, 'AT_TIMEOUT')) this.#onTimeout(channel);
      if (this.state === 'ready') this.#armSettingsCheck();
    } finally {
      this.#checking = false;
    }
  }

  /** Resolves with the channel once ready; rejects on a final state, the deadline, or the signal. */
  #waitReady(signal: AbortSignal | undefined, deadlineMs: number | undefined): Promise<AtChannel> {
    const now = this.#readyChannel();
    if (now) return Promise.resolve(now);
    if (this.#finalError) return Promise.reject(this.#finalError);
    return new Promise<AtChannel>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        subscription.unsubscribe();
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(new BridgeError('ABORTED', 'aborted while waiting for the modem'));
      };
      const subscription = this.#snapshot.subscribe({
        next: () => {
          const channel = this.#readyChannel();
          if (channel) {
            done();
            resolve(channel);
          } else if (this.#finalError) {
            done();
            reject(this.#finalError);
          }
        },
        complete: () => {
          done();
          reject(this.#finalError ?? new BridgeError('PORT_CLOSED', 'the modem session is closed'));
        },
      });
      if (deadlineMs !== undefined) {
        timer = setTimeout(() => {
          done();
          reject(new BridgeError('NOT_READY', `the modem was not ready within ${Math.round(deadlineMs / 1000)} s (state ${this.state})`));
        }, deadlineMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #readyChannel(): AtChannel | undefined {
    return this.state === 'ready' && this.#channel ? this.#channel : undefined;
  }
}
