import { BehaviorSubject, distinctUntilChanged, filter, firstValueFrom, Observable, Subject, Subscription } from 'rxjs';
import { AtChannel, type AtChannelOptions } from '../at/at-channel.js';
import { at, type AtCommand, type AtResponse } from '../at/command.js';
import type { Urc } from '../at/urc.js';
import { BridgeError, isBridgeError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Transport } from '../transport/transport.js';
import { initialise, refreshNetwork, type InitOptions, type InitResult, type ModemInfo } from './init-sequence.js';
import { backoff, sleep as realSleep } from './retry.js';

export type SessionState = 'starting' | 'ready' | 'unresponsive' | 'reconnecting' | 'closed';

export interface SessionOptions extends InitOptions {
  /** Opens the port; called again after an unplug (prefer a stable /dev/serial/by-id path). */
  open: () => Promise<Transport>;
  channel?: Omit<AtChannelOptions, 'log'>;
  /** Called with each new channel (trace recorders subscribe to its traffic$). */
  onChannel?: (channel: AtChannel) => void;
  /** Timeouts in a row that trigger recovery (default 3). */
  timeoutsBeforeRecovery?: number;
  /** After ESC, AT and reopening failed: reset the modem with AT+CFUN=1,1 (default false). */
  resetWhenSilent?: boolean;
  /** Quiet time after the last boot URC before re-initialising (default 500 ms). */
  rebootSettleMs?: number;
  reconnectDelayMs?: (attempt: number) => number;
}

/** SIM lock problems no retry may touch: three wrong PINs lock the SIM behind its PUK. */
const SIM_LOCK_CODES: readonly string[] = ['SIM_PIN_REQUIRED', 'SIM_PIN_WRONG', 'SIM_PUK_REQUIRED'];
const isSimLockError = (error: unknown): boolean => isBridgeError(error) && SIM_LOCK_CODES.includes(error.code);

/** Boot URCs that mean the modem restarted when they arrive after init (modem-quirks.md §5). */
const isRestartSign = (urc: Urc) =>
  (urc.type === 'BOOT' && urc.stage !== 'phonebook-ready') || (urc.type === 'CFUN' && urc.fun === 1);

/**
 * A modem session: opens the port, initialises the modem, and keeps it usable for months —
 * re-initialising after a reboot, recovering from a silent modem, reopening after an unplug.
 * Commands sent through it wait until the modem is ready.
 */
export class ModemSession {
  readonly #options: SessionOptions;
  readonly #log: Logger;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #state = new BehaviorSubject<SessionState>('starting');
  readonly #ready = new Subject<InitResult>();
  readonly #urc = new Subject<Urc>();
  #channel?: AtChannel;
  #channelSubscription?: Subscription;
  #init?: InitResult;
  #rebootTimer?: NodeJS.Timeout;
  #recovering = false;
  #reconnecting = false;
  #closed = false;

  /** starting → ready ⇄ (starting | unresponsive | reconnecting) → closed. */
  readonly state$: Observable<SessionState> = this.#state.pipe(distinctUntilChanged());
  /** Emits each time the modem becomes ready: at start, after a reboot, after a reconnect. */
  readonly ready$: Observable<InitResult> = this.#ready.asObservable();
  /** URCs of whichever channel is current; survives reconnects. */
  readonly urc$: Observable<Urc> = this.#urc.asObservable();

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLogger;
    this.#sleep = options.sleep ?? realSleep;
  }

  get state(): SessionState {
    return this.#state.value;
  }

  /** What init learned, refreshed by `refresh()`. */
  info(): ModemInfo | undefined {
    return this.#init ? { ...this.#init.info } : undefined;
  }

  get settings(): InitResult | undefined {
    return this.#init;
  }

  /** True while a send's result is awaited: nothing else may be written then. */
  get busySending(): boolean {
    return this.#channel?.awaitingSendResult ?? false;
  }

  /** Opens and initialises; rejects on what no retry can fix (no port, PIN problems). */
  async start(): Promise<InitResult> {
    const transport = await this.#options.open();
    this.#attach(transport);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#initialise();
      } catch (error) {
        // A modem still booting or out of step answers oddly; only SIM lock problems are final.
        if (!isBridgeError(error) || isSimLockError(error) || error.code === 'PORT_CLOSED' || error.code === 'PORT_OPEN_FAILED') throw error;
        if (attempt >= 3 || this.#closed) throw error;
        this.#log.warn({ attempt, error: error.message }, 'init failed; trying again');
        await this.#sleep(1000 * attempt);
      }
    }
  }

  /** Sends a command once the modem is ready. */
  async send<T = AtResponse>(command: AtCommand<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    const channel = await this.#whenReady(options.signal);
    try {
      return await channel.send(command, options);
    } catch (error) {
      if (isBridgeError(error, 'AT_TIMEOUT')) this.#onTimeout(channel);
      throw error;
    }
  }

  async refresh(): Promise<ModemInfo | undefined> {
    const channel = this.#channel;
    if (this.#init && channel && this.state === 'ready') await refreshNetwork(channel, this.#init.info);
    return this.info();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#rebootTimer);
    this.#state.next('closed');
    this.#channelSubscription?.unsubscribe();
    await this.#channel?.close();
    this.#state.complete();
    this.#ready.complete();
    this.#urc.complete();
  }

  async #whenReady(signal?: AbortSignal): Promise<AtChannel> {
    if (this.state !== 'ready') {
      const aborted = signal
        ? new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new BridgeError('ABORTED', 'aborted while waiting for the modem')), { once: true }))
        : undefined;
      const ready = firstValueFrom(this.#state.pipe(filter((s) => s === 'ready' || s === 'closed')), { defaultValue: 'closed' as const });
      await (aborted ? Promise.race([ready, aborted]) : ready);
    }
    if (this.state !== 'ready' || !this.#channel) throw new BridgeError('PORT_CLOSED', 'the modem session is closed');
    return this.#channel;
  }

  #attach(transport: Transport): void {
    this.#channelSubscription?.unsubscribe();
    const channel = new AtChannel(transport, { ...this.#options.channel, log: this.#log });
    this.#channel = channel;
    this.#options.onChannel?.(channel);
    const subscription = new Subscription();
    subscription.add(
      channel.urc$.subscribe((urc) => {
        if (isRestartSign(urc) && this.state === 'ready') this.#onRestart(urc);
        else if (isRestartSign(urc) && this.#rebootTimer) this.#scheduleReinit();
        this.#urc.next(urc);
      }),
    );
    subscription.add(
      transport.close$.subscribe((reason) => {
        if (this.#closed || this.#channel !== channel) return;
        this.#log.warn({ disconnected: reason.disconnected }, 'the modem port closed; reconnecting');
        void this.#reconnect();
      }),
    );
    this.#channelSubscription = subscription;
  }

  async #initialise(): Promise<InitResult> {
    const channel = this.#channel;
    if (!channel) throw new BridgeError('PORT_CLOSED', 'no port');
    this.#state.next('starting');
    const result = await initialise(channel, { ...this.#options, log: this.#log });
    if (this.#closed || this.#channel !== channel) throw new BridgeError('PORT_CLOSED', 'the port changed during init');
    this.#init = result;
    this.#log.info({ profile: result.profile.name, model: result.info.model, storage: result.storage, cnmi: result.info.cnmi }, 'modem ready');
    this.#state.next('ready');
    this.#ready.next(result);
    return result;
  }

  #onRestart(urc: Urc): void {
    this.#log.warn({ urc: urc.line }, 'the modem restarted: its settings are lost; re-initialising');
    this.#state.next('starting');
    this.#channel?.failInFlight(new BridgeError('MODEM_RESET', 'the modem restarted while the command was in flight'));
    this.#scheduleReinit();
  }

  /** Boot URCs come in a burst (RDY, +CFUN, +CPIN, SMS DONE…): re-init once it is quiet. */
  #scheduleReinit(): void {
    clearTimeout(this.#rebootTimer);
    this.#rebootTimer = setTimeout(() => {
      this.#rebootTimer = undefined;
      this.#initialise().catch((error: unknown) => this.#onInitFailure(error));
    }, this.#options.rebootSettleMs ?? 500);
  }

  #onInitFailure(error: unknown): void {
    if (this.#closed) return;
    if (isBridgeError(error) && isSimLockError(error)) {
      this.#log.error({ code: error.code }, error.message);
      void this.close();
      return;
    }
    if (isBridgeError(error, 'PORT_CLOSED')) return; // the reconnect loop owns this
    this.#log.warn({ error: (error as Error).message }, 're-init failed; recovering');
    void this.#recover();
  }

  #onTimeout(channel: AtChannel): void {
    if (channel.consecutiveTimeouts >= (this.#options.timeoutsBeforeRecovery ?? 3)) void this.#recover();
  }

  /** ESC and AT; then reopen the port; then (if allowed) reset the modem. */
  async #recover(): Promise<void> {
    if (this.#recovering || this.#closed) return;
    this.#recovering = true;
    this.#state.next('unresponsive');
    try {
      const channel = this.#channel;
      if (channel && !channel.closed && (await answersAt(channel))) {
        await this.#initialise();
        return;
      }
      this.#log.warn('the modem is silent: reopening the port');
      await this.#reopen();
      if (this.#channel && (await answersAt(this.#channel))) {
        await this.#initialise();
        return;
      }
      if (this.#options.resetWhenSilent && this.#channel) {
        this.#log.warn('still silent: resetting the modem (AT+CFUN=1,1)');
        await this.#channel.send(at('AT+CFUN=1,1', { timeoutMs: 5000 })).catch(() => undefined);
      }
      // Stay unresponsive; the next command's timeout or a boot URC brings us back here.
    } catch (error) {
      this.#onInitFailure(error);
    } finally {
      this.#recovering = false;
    }
  }

  async #reopen(): Promise<void> {
    const old = this.#channel;
    this.#channel = undefined;
    await old?.close().catch(() => undefined);
    this.#attach(await this.#options.open());
  }

  async #reconnect(): Promise<void> {
    if (this.#reconnecting) return;
    this.#reconnecting = true;
    try {
      await this.#reconnectLoop();
    } finally {
      this.#reconnecting = false;
    }
  }

  async #reconnectLoop(): Promise<void> {
    this.#state.next('reconnecting');
    this.#channel?.failInFlight(new BridgeError('PORT_CLOSED', 'the port closed'));
    const delay = this.#options.reconnectDelayMs ?? backoff(500, 10_000);
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        this.#attach(await this.#options.open());
        await this.#initialise();
        return;
      } catch (error) {
        if (this.#closed) return;
        if (isSimLockError(error)) {
          this.#onInitFailure(error);
          return;
        }
        this.#state.next('reconnecting');
        this.#log.debug({ attempt, error: (error as Error).message }, 'reconnect attempt failed');
        await this.#sleep(delay(attempt));
      }
    }
  }
}

async function answersAt(channel: AtChannel): Promise<boolean> {
  for (let i = 0; i < 2; i++) {
    try {
      await channel.writeRaw('\x1b'); // leave a stuck prompt (3GPP TS 27.005 §3.5.1)
      await channel.send(at('AT', { timeoutMs: 2000 }));
      return true;
    } catch (error) {
      if (isBridgeError(error, 'PORT_CLOSED')) return false;
    }
  }
  return false;
}
