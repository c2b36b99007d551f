/**
 * The modem session's supervision as a pure state machine: a table of states × events, in the
 * way the framer and the store are written. No I/O and no timers: `transition()` says where an
 * event leads and which effects the driver (ModemSession) must carry out; `deadlineOf()` says how
 * long each state may last. Every state but the three final ones has a deadline, and every
 * deadline leads somewhere, so no state is without a way out (docs/supervision.md).
 *
 *   closed ─start─▶ opening ─opened─▶ waiting ─answered─▶ configuring ─configured─▶ ready
 *                      ▲                 │ deadline              │ failed            │ boot URC ─▶ rebooting ─settled─▶ configuring
 *                      │                 ▼                       ▼                   │ settings lost ──────────────────▶ configuring
 *                      └─── deadline ── backoff ◀── port closed (any state) ◀────────┘ timeouts ─▶ recovering ─answered─▶ configuring
 *   SIM PIN/PUK problem ─▶ locked (final)     offline too long ─▶ failed (final)      stop (any state) ─▶ stopped (final)
 */

export type SupervisorState =
  | 'closed' // not started yet
  | 'opening' // opening the port
  | 'waiting' // port open, waiting for the modem to answer AT (it may still be booting)
  | 'configuring' // applying the whole configuration, SIM and SMS readiness included
  | 'ready' // configured; commands flow; settings are checked while idle
  | 'rebooting' // the modem announced a restart: waiting for its boot burst to end
  | 'recovering' // commands time out: ESC, then AT, on the open port
  | 'backoff' // the port is closed; waiting before opening it again
  | 'locked' // final: the SIM needs a PIN or PUK that no retry may guess
  | 'failed' // final: the modem stayed away longer than allowed (maxOfflineMs)
  | 'stopped'; // final: closed on purpose

export type SupervisorEvent =
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'opened' }
  | { type: 'open-failed'; error: string }
  | { type: 'answered' }
  /** A configuration attempt failed: `sim-locked` is final, the rest retry. */
  | { type: 'configure-failed'; kind: 'transient' | 'sim-locked'; error: string }
  | { type: 'configured' }
  /** A boot marker (RDY, ^SYSSTART, +CFUN: 1, SMS DONE…) that means the modem restarted. */
  | { type: 'boot-urc'; line: string }
  /** The idle check found a setting back at its default: the modem reset without a word. */
  | { type: 'settings-lost'; detail: string }
  | { type: 'timeouts'; count: number }
  | { type: 'port-closed'; disconnected: boolean }
  /** The current state's deadline passed (see deadlineOf). */
  | { type: 'deadline' }
  /** Not ready for longer than maxOfflineMs. */
  | { type: 'offline-too-long'; ms: number };

export type SupervisorEventType = SupervisorEvent['type'];

/** What the driver must do, in order, after entering the new state. */
export type Effect =
  | { type: 'open' }
  | { type: 'close-port' }
  /** ESC then AT until the modem answers (the state's deadline bounds it). */
  | { type: 'probe' }
  | { type: 'configure' }
  /** Reject the command in flight: its answer will never come. */
  | { type: 'fail-in-flight'; code: 'MODEM_RESET' | 'PORT_CLOSED' | 'AT_TIMEOUT'; reason: string }
  | { type: 'announce-ready' }
  /** A final state: reject every waiting command with this code. */
  | { type: 'finish'; code: 'SIM_LOCKED' | 'MODEM_GONE' | 'STOPPED'; reason: string };

export interface Snapshot {
  state: SupervisorState;
  /** Failed attempts since the last ready: drives the backoff and the log rate. */
  attempt: number;
  /** Boot markers seen in the current `rebooting` state (a chatty modem must still move on). */
  bootUrcs: number;
}

export interface Step {
  next: Snapshot;
  effects: Effect[];
  /** Why, for the log line every change writes. */
  reason: string;
  /** Start the state's deadline again although the state stays the same (a boot burst goes on). */
  rearm?: boolean;
}

export interface Timing {
  /** Opening a port that does not open at once (a USB device half gone). */
  openTimeoutMs: number;
  /** How long a just-opened modem may take to answer AT (an EG25-G takes up to ~30 s to RDY: docs/modem-behaviour.md §5). */
  waitForModemMs: number;
  /** One configuration pass, SIM and SMS readiness retries included. */
  configureTimeoutMs: number;
  /** Quiet time after the last boot marker before configuring. */
  rebootSettleMs: number;
  /** ESC + AT on a modem that stopped answering. */
  recoverTimeoutMs: number;
  /** Delay before reopening after failure number n. */
  backoffMs: (attempt: number) => number;
}

/** Boot markers after which `rebooting` stops waiting for quiet (a chatty modem must still move on). */
export const MAX_BOOT_URCS = 20;

/** Configuration failures on one open port before closing and reopening it. */
export const RECONFIGURE_BEFORE_REOPEN = 3;

export const DEFAULT_TIMING: Timing = {
  openTimeoutMs: 10_000,
  waitForModemMs: 30_000,
  configureTimeoutMs: 120_000,
  rebootSettleMs: 500,
  recoverTimeoutMs: 10_000,
  backoffMs: (attempt) => Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1)),
};

export const FINAL_STATES: ReadonlySet<SupervisorState> = new Set(['locked', 'failed', 'stopped']);

/** How long a state may last before `deadline` fires; undefined for states that wait for a caller. */
export function deadlineOf(snapshot: Snapshot, timing: Timing): number | undefined {
  switch (snapshot.state) {
    case 'opening':
      return timing.openTimeoutMs;
    case 'waiting':
      return timing.waitForModemMs;
    case 'configuring':
      return timing.configureTimeoutMs;
    case 'rebooting':
      return timing.rebootSettleMs;
    case 'recovering':
      return timing.recoverTimeoutMs;
    case 'backoff':
      return timing.backoffMs(snapshot.attempt);
    default:
      return undefined; // closed waits for start; ready is checked by its idle check; final states end
  }
}

export const INITIAL: Snapshot = { state: 'closed', attempt: 0, bootUrcs: 0 };

type Handler = (s: Snapshot, e: never) => Step;
type Row = Partial<{ [K in SupervisorEventType]: (s: Snapshot, e: Extract<SupervisorEvent, { type: K }>) => Step }>;

const to = (s: Snapshot, state: SupervisorState, reason: string, effects: Effect[] = [], patch: Partial<Snapshot> = {}): Step => ({
  next: { ...s, bootUrcs: 0, ...patch, state },
  effects,
  reason,
});

/** A failure: close the port and wait before opening it again. */
const retreat = (s: Snapshot, reason: string, extra: Effect[] = []): Step =>
  to(s, 'backoff', reason, [...extra, { type: 'close-port' }], { attempt: s.attempt + 1 });

const portClosed = (s: Snapshot, e: { disconnected: boolean }): Step =>
  retreat(s, e.disconnected ? 'the port went away (unplug or re-enumeration)' : 'the port closed', [
    { type: 'fail-in-flight', code: 'PORT_CLOSED', reason: 'the port closed' },
  ]);

const stop = (s: Snapshot): Step =>
  to(s, 'stopped', 'stopped on request', [{ type: 'close-port' }, { type: 'finish', code: 'STOPPED', reason: 'the modem session is closed' }]);

const tooLong = (s: Snapshot, e: { ms: number }): Step =>
  to(s, 'failed', `not ready for ${Math.round(e.ms / 1000)} s`, [
    { type: 'close-port' },
    { type: 'finish', code: 'MODEM_GONE', reason: `the modem has not been usable for ${Math.round(e.ms / 1000)} s` },
  ]);

const configure = (s: Snapshot, reason: string, extra: Effect[] = []): Step => to(s, 'configuring', reason, [...extra, { type: 'configure' }]);

const configureFailed = (s: Snapshot, e: { kind: 'transient' | 'sim-locked'; error: string }): Step =>
  e.kind === 'sim-locked'
    ? to(s, 'locked', e.error, [{ type: 'close-port' }, { type: 'finish', code: 'SIM_LOCKED', reason: e.error }])
    : s.attempt + 1 < RECONFIGURE_BEFORE_REOPEN
      ? to(s, 'waiting', `configuration failed: ${e.error}; trying again on the open port`, [{ type: 'probe' }], { attempt: s.attempt + 1 })
      : retreat(s, `configuration failed again: ${e.error}; reopening the port`);

const rebooted = (s: Snapshot, e: { line: string }): Step =>
  to(s, 'rebooting', `the modem restarted (${e.line}): its settings are back at their defaults`, [
    { type: 'fail-in-flight', code: 'MODEM_RESET', reason: 'the modem restarted while the command was in flight' },
  ]);

/** Every state's row; a missing cell means the event changes nothing there. */
export const TABLE: Readonly<Record<SupervisorState, Row>> = {
  closed: {
    start: (s) => to(s, 'opening', 'starting', [{ type: 'open' }], { attempt: 0 }),
    stop,
  },
  opening: {
    opened: (s) => to(s, 'waiting', 'port open', [{ type: 'probe' }]),
    'open-failed': (s, e) => retreat(s, `cannot open the port: ${e.error}`),
    deadline: (s) => retreat(s, 'opening the port took too long'),
    'offline-too-long': tooLong,
    stop,
  },
  waiting: {
    answered: (s) => configure(s, 'the modem answers AT'),
    // Markers of a boot in progress: the modem is alive; keep probing within the same deadline.
    'boot-urc': (s, e) => ({ next: s, effects: [], reason: `booting (${e.line})` }),
    deadline: (s) => retreat(s, 'the modem does not answer AT'),
    'port-closed': portClosed,
    'offline-too-long': tooLong,
    stop,
  },
  configuring: {
    configured: (s) => to(s, 'ready', 'configured', [{ type: 'announce-ready' }], { attempt: 0 }),
    'configure-failed': configureFailed,
    'boot-urc': rebooted,
    deadline: (s) => retreat(s, 'configuration took too long', [{ type: 'fail-in-flight', code: 'AT_TIMEOUT', reason: 'configuration took too long' }]),
    'port-closed': portClosed,
    'offline-too-long': tooLong,
    stop,
  },
  ready: {
    'boot-urc': rebooted,
    'settings-lost': (s, e) => configure(s, `the modem reset without a word (${e.detail}): configuring again`),
    timeouts: (s, e) => to(s, 'recovering', `${e.count} commands in a row timed out`, [{ type: 'probe' }]),
    'port-closed': portClosed,
    stop,
  },
  rebooting: {
    'boot-urc': (s, e) =>
      s.bootUrcs + 1 >= MAX_BOOT_URCS
        ? configure(s, 'boot markers keep coming: configuring anyway')
        : { next: { ...s, bootUrcs: s.bootUrcs + 1 }, effects: [], reason: `boot burst goes on (${e.line})`, rearm: true },
    deadline: (s) => configure(s, 'the boot burst is over'),
    'port-closed': portClosed,
    'offline-too-long': tooLong,
    stop,
  },
  recovering: {
    answered: (s) => configure(s, 'the modem answers again; it may have reset, so configuring again'),
    'boot-urc': rebooted,
    deadline: (s) => retreat(s, 'the modem stays silent: reopening the port', [{ type: 'fail-in-flight', code: 'AT_TIMEOUT', reason: 'the modem stopped answering' }]),
    'port-closed': portClosed,
    'offline-too-long': tooLong,
    stop,
  },
  backoff: {
    deadline: (s) => to(s, 'opening', `opening again (attempt ${s.attempt + 1})`, [{ type: 'open' }], { attempt: s.attempt }),
    'offline-too-long': tooLong,
    stop,
  },
  locked: { stop: (s) => to(s, 'stopped', 'stopped on request') },
  failed: { stop: (s) => to(s, 'stopped', 'stopped on request') },
  stopped: {},
};

/** Where `event` leads from `snapshot`; undefined when it changes nothing in this state. */
export function transition(snapshot: Snapshot, event: SupervisorEvent): Step | undefined {
  const handler = TABLE[snapshot.state][event.type] as Handler | undefined;
  return handler ? handler(snapshot, event as never) : undefined;
}
